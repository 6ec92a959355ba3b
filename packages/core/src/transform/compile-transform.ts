import { canonicalJson } from '../hash/canonical-json.js';
import { Failure } from './failure.js';
import { checkDateFormat, convertDate, describe } from './format-date.js';
import { checkMoneyFormat, convertMoney, currencyDecimals, type MoneyFormat } from './format-money.js';
import { parseRemotePath } from './json-path.js';
import type { FormatSpec, StringFormat, TransformSpec } from './mapping-spec.js';
import { definiteGetter, type Getter, keyedGetter, splitLocal } from './path-access.js';

/** What a compute function is told besides the value. */
export interface ComputeContext {
  /** The whole source record: the provider record inbound, the host record outbound. */
  readonly record: unknown;
  readonly direction: 'inbound' | 'outbound';
  /** The mapping's `local` and `remote` paths. */
  readonly local: string;
  readonly remote: string;
  /** The mapping's `transform.options`, as configured. */
  readonly options: unknown;
}

/**
 * A named conversion registered in code. `inbound` turns the provider value into the host value,
 * `outbound` the reverse; a mapping used in a direction whose function is missing is a
 * `ConfigError` at compile time. The function receives the source value (`null` when missing)
 * and the whole source record, so it can combine fields. Returning `undefined` or `null` means
 * missing (the default applies); throwing fails that record only, with the error as `cause`.
 *
 * ```ts
 * const computes: Record<string, ComputeFunction> = {
 *   cents: { inbound: (v) => Number(v) / 100, outbound: (v) => Math.round(Number(v) * 100) },
 *   fullName: { inbound: (_v, ctx) => `${(ctx.record as any).GivenName} ${(ctx.record as any).FamilyName}` },
 * };
 * compileMappings(specs, { computes });
 * ```
 */
export interface ComputeFunction {
  inbound?: (value: unknown, ctx: ComputeContext) => unknown;
  outbound?: (value: unknown, ctx: ComputeContext) => unknown;
  /** Checks `transform.options` at compile time; return problems (empty when fine). */
  checkOptions?: (options: unknown) => readonly string[];
}

/** Converts a present value (or, for `runsOnMissing`, also `null`); may return a `Failure`. */
export type Converter = (value: unknown, record: unknown) => unknown;

export interface CompiledTransform {
  /** compute and constant run even when the source value is missing. */
  readonly runsOnMissing: boolean;
  readonly inbound: Converter;
  readonly outbound: Converter;
}

export interface TransformUse {
  local: string;
  remote: string;
  inbound: boolean;
  outbound: boolean;
  computes: Readonly<Record<string, ComputeFunction>>;
}

/** The direct transform; `compileMappings` recognises it and skips the call. */
export const identity: Converter = (value) => copyJson(value);

/** Deep copy of plain objects and arrays, so mapped records never share structure with sources. */
export function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  if (value instanceof Date) return new Date(value.getTime());
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Compiles one transform for the directions it is used in. Problems are pushed as
 * `transform...: message` (the caller prefixes `mappings[i].`).
 */
export function compileTransform(
  spec: TransformSpec | undefined,
  use: TransformUse,
  problems: string[],
): CompiledTransform {
  const fail = (path: string, message: string): CompiledTransform => {
    problems.push(`transform${path}: ${message}`);
    return { runsOnMissing: false, inbound: identity, outbound: identity };
  };
  if (spec === undefined) return { runsOnMissing: false, inbound: identity, outbound: identity };
  if (typeof spec !== 'object' || spec === null) return fail('', 'must be an object with a "type"');
  switch (spec.type) {
    case 'direct':
      return { runsOnMissing: false, inbound: identity, outbound: identity };
    case 'constant': {
      if (!('value' in spec)) return fail('.value', 'is required for a constant');
      const constant = (): unknown => copyJson(spec.value);
      return { runsOnMissing: true, inbound: constant, outbound: constant };
    }
    case 'format':
      return compileFormat(spec.format, use, problems);
    case 'lookup':
      return compileLookup(spec, use, problems);
    case 'compute':
      return compileCompute(spec, use, problems);
    default:
      return fail(
        '.type',
        `must be one of direct, format, lookup, compute, constant (got ${describe((spec as { type: unknown }).type)})`,
      );
  }
}

function normaliseFormat(format: FormatSpec): Exclude<FormatSpec, string> | undefined {
  if (format === 'trim') return { kind: 'string', trim: true };
  if (format === 'lower' || format === 'upper') return { kind: 'string', case: format };
  if (typeof format === 'object' && format !== null) return format;
  return undefined;
}

function compileFormat(raw: FormatSpec, use: TransformUse, problems: string[]): CompiledTransform {
  const format = normaliseFormat(raw);
  const add = (list: string[]) => {
    for (const p of list) problems.push(`transform.format: ${p}`);
  };
  const none: CompiledTransform = { runsOnMissing: false, inbound: identity, outbound: identity };
  switch (format?.kind) {
    case 'string':
      return compileStringFormat(format, problems);
    case 'date': {
      const list = checkDateFormat(format);
      add(list);
      if (list.length) return none;
      const { remote, timeZone } = format;
      const local = format.local ?? 'iso';
      const wrap =
        (from: typeof remote, to: typeof remote): Converter =>
        (value) => {
          const r = convertDate(value, from, to, timeZone);
          return 'problem' in r ? new Failure(r.problem) : r.value;
        };
      return { runsOnMissing: false, inbound: wrap(remote, local), outbound: wrap(local, remote) };
    }
    case 'money':
      return compileMoney(format, use, problems);
    default:
      problems.push(
        `transform.format: must be { kind: 'date' | 'money' | 'string', ... } or 'trim' | 'lower' | 'upper' (got ${describe(
          typeof raw === 'object' && raw !== null ? JSON.stringify(raw) : raw,
        )})`,
      );
      return none;
  }
}

function compileStringFormat(format: StringFormat, problems: string[]): CompiledTransform {
  if (format.case !== undefined && format.case !== 'lower' && format.case !== 'upper')
    problems.push(`transform.format.case: must be 'lower' or 'upper'`);
  const { trim, case: letterCase } = format;
  const convert: Converter = (value) => {
    if (typeof value !== 'string') return new Failure(`${describe(value)} is not a string`);
    let out = trim ? value.trim() : value;
    if (letterCase === 'lower') out = out.toLowerCase();
    else if (letterCase === 'upper') out = out.toUpperCase();
    return out;
  };
  return { runsOnMissing: false, inbound: convert, outbound: convert };
}

function compileMoney(format: MoneyFormat, use: TransformUse, problems: string[]): CompiledTransform {
  const list = checkMoneyFormat(format);
  for (const p of list) problems.push(`transform.format: ${p}`);
  const remoteRep = format.remote;
  const localRep = format.local ?? 'decimal';
  const currencyOf = (side: 'remote' | 'local'): Getter | undefined => {
    const { currency } = format;
    if (typeof currency === 'string') return () => currency;
    if (typeof currency !== 'object' || currency === null) return undefined;
    const path = currency[side];
    if (path === undefined) {
      if (side === 'remote' ? use.inbound : use.outbound)
        problems.push(
          `transform.format.currency.${side}: is required because the mapping is used ${side === 'remote' ? 'inbound' : 'outbound'} (where to read the currency in the ${side === 'remote' ? 'provider' : 'host'} record)`,
        );
      return undefined;
    }
    if (side === 'local') return definiteGetter(splitLocal(path));
    const parsed = parseRemotePath(path);
    if ('problem' in parsed) {
      problems.push(`transform.format.currency.remote: ${parsed.problem}`);
      return undefined;
    }
    if (parsed.kind === 'query') {
      problems.push(`transform.format.currency.remote: must be a path to one value (has ${parsed.why})`);
      return undefined;
    }
    return parsed.kind === 'keyed' ? keyedGetter(parsed) : definiteGetter(parsed.steps);
  };
  const currencyPath = (side: 'remote' | 'local'): string =>
    typeof format.currency === 'object' && format.currency !== null
      ? `${side === 'local' ? 'host field ' : ''}${format.currency[side]}`
      : 'currency';
  const make = (side: 'remote' | 'local', from: typeof remoteRep, to: typeof remoteRep): Converter => {
    const getCurrency = currencyOf(side);
    return (value, record) => {
      const currency = getCurrency?.(record);
      if (currency === undefined || currency === null)
        return new Failure(`the currency at ${currencyPath(side)} is missing`);
      const decimals = currencyDecimals(currency, format.decimals);
      if (typeof decimals === 'string') return new Failure(decimals);
      const r = convertMoney(value, from, to, decimals, currency as string);
      return 'problem' in r ? new Failure(r.problem) : r.value;
    };
  };
  return {
    runsOnMissing: false,
    inbound: make('remote', remoteRep, localRep),
    outbound: make('local', localRep, remoteRep),
  };
}

function inferKeyType(keys: string[]): 'string' | 'number' | 'boolean' {
  if (keys.length > 0 && keys.every((k) => k === 'true' || k === 'false')) return 'boolean';
  if (keys.length > 0 && keys.every((k) => k !== '' && String(Number(k)) === k)) return 'number';
  return 'string';
}

function compileLookup(
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
        if (forward.has(key)) return copyJson(forward.get(key));
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

function compileCompute(
  spec: Extract<TransformSpec, { type: 'compute' }>,
  use: TransformUse,
  problems: string[],
): CompiledTransform {
  const none: CompiledTransform = { runsOnMissing: false, inbound: identity, outbound: identity };
  const name = spec.name;
  const registered = Object.keys(use.computes);
  if (typeof name !== 'string' || !Object.hasOwn(use.computes, name)) {
    problems.push(
      `transform.name: compute ${describe(name)} is not registered (registered: ${registered.length ? registered.join(', ') : 'none'}); pass it in compileMappings(specs, { computes })`,
    );
    return none;
  }
  const fn = use.computes[name]!;
  for (const side of ['inbound', 'outbound'] as const)
    if (use[side] && typeof fn[side] !== 'function')
      problems.push(
        `transform.name: compute "${name}" has no ${side} function but the mapping is used ${side}; add one or set direction: '${side === 'inbound' ? 'outbound' : 'inbound'}'`,
      );
  if (fn.checkOptions)
    for (const p of fn.checkOptions(spec.options)) problems.push(`transform.options: ${p}`);
  const make = (direction: 'inbound' | 'outbound'): Converter => {
    const f = fn[direction];
    if (!f) return identity;
    return (value, record) => {
      try {
        return f(value ?? null, {
          record,
          direction,
          local: use.local,
          remote: use.remote,
          options: spec.options,
        });
      } catch (error) {
        return new Failure(
          `compute "${name}" threw: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
    };
  };
  return { runsOnMissing: true, inbound: make('inbound'), outbound: make('outbound') };
}
