import { type ComputeFunction, compileCompute } from './compute-transform.js';
import { copyJson } from './copy-json.js';
import { Failure } from './failure.js';
import { checkDateFormat, convertDate, describe } from './format-date.js';
import { checkMoneyFormat, convertMoney, currencyDecimals, type MoneyFormat } from './format-money.js';
import { FORBIDDEN_KEYS, parseRemotePath } from './json-path.js';
import { compileLookup } from './lookup-transform.js';
import type { FormatSpec, StringFormat, TransformSpec } from './mapping-spec.js';
import { definiteGetter, type Getter, keyedGetter, splitLocal } from './path-access.js';

export type { ComputeContext, ComputeFunction } from './compute-transform.js';
export { copyJson } from './copy-json.js';

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
    if (side === 'local') {
      const keys = typeof path === 'string' ? splitLocal(path) : [];
      if (keys.length === 0 || keys.some((k) => k === '' || FORBIDDEN_KEYS.has(k))) {
        problems.push(
          'transform.format.currency.local: must be a dotted path in the host record such as "currency"',
        );
        return undefined;
      }
      return definiteGetter(keys);
    }
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
