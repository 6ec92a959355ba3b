import { canonicalJson } from '../hash/canonical-json.js';
import type { CompiledTransform, TransformUse } from './compile-transform.js';
import { copyJson } from './copy-json.js';
import { Failure } from './failure.js';
import { describe } from './format-date.js';
import type { TransformSpec } from './mapping-spec.js';

const identity = (value: unknown): unknown => copyJson(value);

function inferKeyType(keys: string[]): 'string' | 'number' | 'boolean' {
  if (keys.length > 0 && keys.every((k) => k === 'true' || k === 'false')) return 'boolean';
  if (keys.length > 0 && keys.every((k) => k !== '' && String(Number(k)) === k)) return 'number';
  return 'string';
}

/** Compiles a lookup table and, when the mapping is used outbound, its inverse. */
export function compileLookup(
  spec: Extract<TransformSpec, { type: 'lookup' }>,
  use: TransformUse,
  problems: string[],
): CompiledTransform {
  if (typeof spec.map !== 'object' || spec.map === null || Array.isArray(spec.map)) {
    problems.push('transform.map: must be an object from provider values to host values');
    return { runsOnMissing: false, inbound: identity, outbound: identity };
  }
  const keys = Object.keys(spec.map);
  const forward = new Map<string, unknown>(keys.map((k) => [k, spec.map[k]]));
  const keyType = spec.keyType ?? inferKeyType(keys);
  const typedKey = (k: string): unknown =>
    keyType === 'boolean' ? k === 'true' : keyType === 'number' ? Number(k) : k;
  const inverse = new Map<string, unknown>();
  // Host values that are strings, numbers or booleans are found without serialising them.
  const inversePrimitive = new Map<unknown, unknown>();
  const hasDefault = 'default' in spec;
  const hasInverseDefault = 'inverseDefault' in spec;
  if (use.outbound) {
    const collisions: string[] = [];
    for (const k of keys) {
      let id: string;
      try {
        id = canonicalJson(spec.map[k]);
      } catch {
        problems.push(`transform.map.${k}: is not JSON data`);
        continue;
      }
      if (inverse.has(id))
        collisions.push(
          `${JSON.stringify(inverse.get(id))} and ${JSON.stringify(typedKey(k))} both map to ${id}`,
        );
      else {
        inverse.set(id, typedKey(k));
        const v = spec.map[k];
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
          inversePrimitive.set(v, typedKey(k));
      }
    }
    if (collisions.length)
      problems.push(
        `transform.map: is not invertible (${collisions.join('; ')}) but the mapping is used outbound; make the values unique or set direction: 'inbound'`,
      );
    if (hasDefault && !hasInverseDefault && !inverse.has(canonicalJson(spec.default)))
      problems.push(
        `transform.default: ${JSON.stringify(spec.default)} is not one of the map's values, so it cannot be written back; add it to the map, set inverseDefault, or set direction: 'inbound'`,
      );
  }
  const list = keys.map((k) => JSON.stringify(k)).join(', ');
  return {
    runsOnMissing: false,
    inbound: (value) => {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        const key = String(value);
        const hit = forward.get(key);
        if (hit !== undefined || forward.has(key))
          return typeof hit === 'object' && hit !== null ? copyJson(hit) : hit;
      }
      if (hasDefault) return copyJson(spec.default);
      return new Failure(
        `${describe(value)} is not in the lookup map (keys: ${list}) and there is no default`,
      );
    },
    outbound: (value) => {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        const hit = inversePrimitive.get(value);
        if (hit !== undefined) return hit;
      } else {
        let id: string | undefined;
        try {
          id = canonicalJson(value);
        } catch {
          id = undefined;
        }
        if (id !== undefined && inverse.has(id)) return inverse.get(id);
      }
      if (hasInverseDefault) return copyJson(spec.inverseDefault);
      return new Failure(
        `${describe(value)} is not a value of the lookup map and there is no inverseDefault`,
      );
    },
  };
}
