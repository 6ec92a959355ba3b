import { invalidRequest, parameterMissing, unknownParameter } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { isPlainObject } from './state.js';

/** Rejects parameters the endpoint does not take, as Stripe does (`Received unknown parameter: x`). */
export function checkAllowed(params: FormParams, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key !== 'expand' && !allowed.includes(key)) throw unknownParameter(key);
  }
}

/** A string param: undefined when absent, null when sent empty (Stripe's way of unsetting). */
export function str(params: FormParams, name: string): string | null | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${name}`, { param: name });
  return v === '' ? null : v;
}

export function requireStr(params: FormParams, name: string): string {
  const v = str(params, name);
  if (v === undefined || v === null) throw parameterMissing(name);
  return v;
}

export function int(params: FormParams, name: string): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
    throw invalidRequest(`Invalid integer: ${typeof v === 'string' ? v : name}`, {
      param: name,
      code: 'parameter_invalid_integer',
    });
  }
  return Number(v);
}

export function requireInt(params: FormParams, name: string): number {
  const v = int(params, name);
  if (v === undefined) throw parameterMissing(name);
  return v;
}

export function bool(params: FormParams, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${typeof v === 'string' ? v : name}`, { param: name });
}

export function currency(params: FormParams, name = 'currency'): string | undefined {
  const v = str(params, name);
  if (v === undefined || v === null) return undefined;
  if (!/^[a-zA-Z]{3}$/.test(v)) throw invalidRequest(`Invalid currency: ${v}.`, { param: name });
  return v.toLowerCase();
}

/**
 * Merges `metadata[k]=v` into `current`: an empty value removes the key, `metadata=` clears all.
 * Limits: 50 keys, keys ≤ 40 characters, values ≤ 500 characters.
 */
export function mergeMetadata(
  current: Record<string, string>,
  value: FormValue | undefined,
): Record<string, string> {
  if (value === undefined) return current;
  if (value === '') return {};
  if (!isPlainObject(value)) throw invalidRequest('Invalid hash', { param: 'metadata' });
  const next = { ...current };
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw invalidRequest(`Invalid value for metadata[${k}]`, { param: `metadata[${k}]` });
    if (k.length > 40)
      throw invalidRequest('Metadata keys can be at most 40 characters.', { param: `metadata[${k}]` });
    if (v.length > 500)
      throw invalidRequest('Metadata values can be at most 500 characters.', { param: `metadata[${k}]` });
    if (v === '') delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > 50)
    throw invalidRequest('Metadata can have at most 50 keys.', { param: 'metadata' });
  return next;
}

const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** An address hash: every field present (null when not sent); `address=` unsets it. */
export function address(
  value: FormValue | undefined,
  param: string,
): Record<string, string | null> | null | undefined {
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (!isPlainObject(value)) throw invalidRequest('Invalid hash', { param });
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(value)) {
    if (!(ADDRESS_FIELDS as readonly string[]).includes(key)) throw unknownParameter(`${param}[${key}]`);
  }
  for (const field of ADDRESS_FIELDS) {
    const v = value[field];
    out[field] = typeof v === 'string' && v !== '' ? v : null;
  }
  return out;
}

/** Assigns only the params that were sent (`undefined` means "leave as is"). */
export function assignDefined(target: Record<string, unknown>, values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) if (v !== undefined) target[k] = v;
}
