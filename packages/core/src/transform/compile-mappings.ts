import type { SyncDirection } from '../domain/common.js';
import { ConfigError } from '../errors/config-error.js';
import { type ComputeFunction, compileTransform, identity } from './compile-transform.js';
import type { CompiledField } from './compiled-field.js';
import { type CompiledMappings, createCompiled } from './compiled-mappings.js';
import { describe } from './format-date.js';
import { FORBIDDEN_KEYS, parseRemotePath, type RemotePath } from './json-path.js';
import type { MappingSpec } from './mapping-spec.js';
import {
  definiteGetter,
  definiteSetter,
  keyedGetter,
  keyedSetter,
  queryGetter,
  splitLocal,
} from './path-access.js';

export type { CompiledMappings, MapResult } from './compiled-mappings.js';

/**
 * Options of {@link compileMappings}.
 *
 * ```ts
 * compileMappings(specs, { computes: { fullName }, direction: 'inbound' });
 * ```
 */
export interface CompileMappingsOptions {
  /** Named compute functions that `{ type: 'compute', name }` transforms refer to. */
  computes?: Readonly<Record<string, ComputeFunction>>;
  /**
   * The sync config's direction (default `bidirectional`). A mapping is active in the directions
   * both it and the config allow, so an inbound-only config may use read-only JSONPaths and
   * non-invertible lookups without saying `direction: 'inbound'` on each mapping.
   */
  direction?: SyncDirection;
  /**
   * Generate specialised per-record functions (default `true`). The generated source holds only
   * validated property names and indexes as literals, never configuration values or compute
   * names; set `false` (or run where `new Function` is disallowed) to use the closure-based
   * interpreter, which gives the same results more slowly.
   */
  jit?: boolean;
}

const SPEC_KEYS = new Set(['local', 'remote', 'transform', 'direction', 'required', 'default']);
const DIRECTIONS: readonly SyncDirection[] = ['inbound', 'outbound', 'bidirectional'];

function allows(direction: SyncDirection, side: 'inbound' | 'outbound'): boolean {
  return direction === 'bidirectional' || direction === side;
}

function localProblem(local: unknown): string | undefined {
  if (typeof local !== 'string' || local.length === 0)
    return 'must be a non-empty dotted path such as "address.line1"';
  if (local.length > 255) return 'must be at most 255 characters';
  const steps = local.split('.');
  if (steps.some((s) => s === '')) return `${JSON.stringify(local)} has an empty segment`;
  const bad = steps.find((s) => FORBIDDEN_KEYS.has(s));
  if (bad) return `the key "${bad}" is not allowed (it would reach the object prototype)`;
  return undefined;
}

function writeProblem(path: RemotePath): string | undefined {
  if (path.kind === 'query') return `cannot be written (${path.why})`;
  if (path.kind === 'definite' && path.steps.length === 0)
    return 'cannot be written ("$" is the whole payload)';
  if (path.kind === 'keyed' && path.array.length === 0) return 'cannot be written (the root is not an array)';
  if (path.kind === 'keyed' && path.rest.length === 0)
    return 'cannot be written (name the property to write after the filter, e.g. .StringValue)';
  return undefined;
}

/** The write target as comparable steps; keyed elements become one step naming their keys. */
function writeSteps(path: RemotePath): string[] {
  if (path.kind === 'definite') return path.steps.map(String);
  if (path.kind === 'keyed')
    return [...path.array.map(String), `?${JSON.stringify(path.match)}`, ...path.rest.map(String)];
  return [];
}

function leadingKeys(path: RemotePath): string[] {
  const steps = path.kind === 'definite' ? path.steps : path.kind === 'keyed' ? path.array : [];
  const keys: string[] = [];
  for (const step of steps) {
    if (typeof step !== 'string') break;
    keys.push(step);
  }
  return keys;
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Validates and compiles field mappings. Throws ONE `ConfigError` whose `problems` list every
 * problem with its index and field, e.g. `mappings[3].remote: "$.Bill[" is not a valid JSONPath:
 * "[" at position 6 is never closed`; per-record problems later are results, not throws.
 *
 * ```ts
 * const mapping = compileMappings([
 *   { local: 'name', remote: '$.DisplayName', required: true },
 *   { local: 'address.city', remote: '$.BillAddr.City' },
 *   { local: 'status', remote: '$.Active', transform: { type: 'lookup', map: { true: 'active', false: 'archived' } } },
 * ]);
 * mapping.inbound({ DisplayName: 'Acme', Active: true });
 * // { ok: true, value: { name: 'Acme', address: { city: null }, status: 'active' } }
 * mapping.outbound({ name: 'Acme', status: 'archived' }, { fields: ['status'] });
 * // { ok: true, value: { Active: false } }
 * ```
 */
export function compileMappings(
  mappings: readonly MappingSpec[],
  options: CompileMappingsOptions = {},
): CompiledMappings {
  const problems: string[] = [];
  const computes = options.computes ?? {};
  const configDirection = options.direction ?? 'bidirectional';
  if (!DIRECTIONS.includes(configDirection))
    problems.push(`options.direction: must be one of ${DIRECTIONS.join(', ')}`);
  if (!Array.isArray(mappings)) {
    throw new ConfigError('compileMappings: mappings must be an array of { local, remote, ... }.', {
      problems: ['mappings: must be an array'],
    });
  }
  const inboundList: CompiledField[] = [];
  const outboundList: CompiledField[] = [];
  const all: CompiledField[] = [];
  const inboundLocals: Array<[number, string[]]> = [];
  const outboundRemotes: Array<[number, string[]]> = [];

  mappings.forEach((spec, index) => {
    const at = `mappings[${index}]`;
    const before = problems.length;
    if (typeof spec !== 'object' || spec === null) {
      problems.push(`${at}: must be an object { local, remote, ... }`);
      return;
    }
    for (const key of Object.keys(spec))
      if (!SPEC_KEYS.has(key))
        problems.push(`${at}.${key}: is not a mapping option (known: ${[...SPEC_KEYS].join(', ')})`);
    const lp = localProblem(spec.local);
    if (lp) problems.push(`${at}.local: ${lp}`);
    let remotePath: RemotePath | undefined;
    if (typeof spec.remote !== 'string' || spec.remote === '')
      problems.push(`${at}.remote: must be a JSONPath such as "$.DisplayName"`);
    else {
      const parsed = parseRemotePath(spec.remote);
      if ('problem' in parsed) problems.push(`${at}.remote: ${parsed.problem}`);
      else remotePath = parsed;
    }
    const direction = spec.direction ?? 'bidirectional';
    if (!DIRECTIONS.includes(direction))
      problems.push(`${at}.direction: must be one of ${DIRECTIONS.join(', ')} (got ${describe(direction)})`);
    if (spec.required !== undefined && typeof spec.required !== 'boolean')
      problems.push(`${at}.required: must be true or false`);
    const inbound = allows(direction, 'inbound') && allows(configDirection, 'inbound');
    const outbound = allows(direction, 'outbound') && allows(configDirection, 'outbound');
    if (remotePath && outbound) {
      const wp = writeProblem(remotePath);
      if (wp)
        problems.push(
          `${at}.remote: ${JSON.stringify(spec.remote)} ${wp}; set direction: 'inbound' or use a path to one value such as "$.Line[0].Amount"`,
        );
    }
    const transformProblems: string[] = [];
    const transform = compileTransform(
      spec.transform,
      { local: String(spec.local), remote: String(spec.remote), inbound, outbound, computes },
      transformProblems,
    );
    for (const p of transformProblems) problems.push(`${at}.${p}`);
    if (problems.length > before || !remotePath || (!inbound && !outbound)) return;

    const localSteps = splitLocal(spec.local);
    const field: CompiledField = {
      local: spec.local,
      localSteps,
      remote: spec.remote,
      required: spec.required === true,
      hasDefault: spec.default !== undefined && spec.default !== null,
      defaultValue: spec.default,
      getRemote:
        remotePath.kind === 'definite'
          ? definiteGetter(remotePath.steps)
          : remotePath.kind === 'keyed'
            ? keyedGetter(remotePath)
            : queryGetter(spec.remote),
      remotePath,
      remoteKeys: leadingKeys(remotePath),
      setRemote: outbound
        ? remotePath.kind === 'keyed'
          ? keyedSetter(remotePath)
          : definiteSetter((remotePath as { steps: string[] }).steps)
        : undefined,
      getLocal: definiteGetter(localSteps),
      setLocal: definiteSetter(localSteps),
      toLocal: transform.inbound === identity ? null : transform.inbound,
      toRemote: transform.outbound === identity ? null : transform.outbound,
      runsOnMissing: transform.runsOnMissing,
    };
    all.push(field);
    if (inbound) {
      for (const [other, steps] of inboundLocals)
        if (overlaps(steps, localSteps))
          problems.push(
            `${at}.local: ${JSON.stringify(spec.local)} overlaps mappings[${other}].local ${JSON.stringify(steps.join('.'))}; two inbound mappings would write the same host field`,
          );
      inboundLocals.push([index, localSteps]);
      inboundList.push(field);
    }
    if (outbound) {
      const steps = writeSteps(remotePath);
      for (const [other, otherSteps] of outboundRemotes)
        if (overlaps(steps, otherSteps))
          problems.push(
            `${at}.remote: ${JSON.stringify(spec.remote)} overlaps mappings[${other}].remote; two outbound mappings would write the same provider field`,
          );
      outboundRemotes.push([index, steps]);
      outboundList.push(field);
    }
  });

  if (problems.length > 0)
    throw new ConfigError(
      `compileMappings: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the field mappings. ${problems.join('; ')}`,
      { problems },
    );
  return createCompiled(all, inboundList, outboundList, options.jit !== false);
}
