import { describe } from './format-date.js';

/**
 * How an amount is written on one side:
 * - `minor`: an integer count of the currency's minor unit (Stripe: `1999` is $19.99, `500` is
 *   ¥500 because JPY has no minor unit).
 * - `decimal`: a JavaScript number in major units (QuickBooks `TotalAmt: 19.99`).
 * - `decimal_string`: a string in major units with exactly the currency's decimals (`"19.99"`),
 *   for hosts that keep money in `numeric` columns.
 *
 * ```ts
 * const stripe: MoneyRepresentation = 'minor';   // amount_due: 1999
 * const quickbooks: MoneyRepresentation = 'decimal'; // TotalAmt: 19.99
 * ```
 */
export type MoneyRepresentation = 'minor' | 'decimal' | 'decimal_string';

/**
 * Converts amounts between minor units and decimals without float drift: the conversion shifts
 * the decimal point in the number's shortest text form, so `19.99` → `1999` → `19.99` exactly.
 * An amount with more decimals than the currency has (`19.999` USD) is a per-record error, never
 * rounded silently.
 *
 * The currency decides the number of decimals (zero-decimal currencies such as JPY, KRW, VND;
 * three-decimal BHD, JOD, KWD, OMR, TND; ISO 4217's 2 otherwise; override with `decimals`).
 * Give it as a fixed code, or where to read it: `remote` is a JSONPath into the provider record
 * (inbound), `local` a dotted path into the host record (outbound). A bidirectional mapping needs
 * both.
 *
 * ```ts
 * // Stripe invoice amount_due (minor units, currency per invoice) -> host decimal
 * { type: 'format', format: { kind: 'money', remote: 'minor', local: 'decimal',
 *   currency: { remote: '$.currency', local: 'currency' } } }
 * ```
 */
export interface MoneyFormat {
  kind: 'money';
  remote: MoneyRepresentation;
  /** Default `decimal`. */
  local?: MoneyRepresentation;
  currency: string | { remote?: string; local?: string };
  /** Decimals per currency code, overriding the built-in table: `{ XYZ: 0 }`. */
  decimals?: Record<string, number>;
}

/** Zero-decimal currencies (Stripe's list, which follows ISO 4217 with Stripe's usage). */
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Decimals of a currency code (case-insensitive), or a problem text. */
export function currencyDecimals(
  code: unknown,
  overrides: Record<string, number> | undefined,
): number | string {
  if (typeof code !== 'string' || !/^[a-z]{3}$/i.test(code))
    return `currency ${describe(code)} is not a 3-letter ISO 4217 code`;
  const upper = code.toUpperCase();
  const override = overrides?.[upper] ?? overrides?.[code.toLowerCase()];
  if (override !== undefined) return override;
  if (ZERO_DECIMAL.has(upper)) return 0;
  if (THREE_DECIMAL.has(upper)) return 3;
  return 2;
}

/** Checks the options of a money format; returns problems relative to `format`. */
export function checkMoneyFormat(format: MoneyFormat): string[] {
  const problems: string[] = [];
  const reps: MoneyRepresentation[] = ['minor', 'decimal', 'decimal_string'];
  if (!reps.includes(format.remote)) problems.push(`remote must be one of ${reps.join(', ')}`);
  if (format.local !== undefined && !reps.includes(format.local))
    problems.push(`local must be one of ${reps.join(', ')}`);
  if (typeof format.currency === 'string') {
    const d = currencyDecimals(format.currency, format.decimals);
    if (typeof d === 'string') problems.push(d);
  } else if (typeof format.currency !== 'object' || format.currency === null) {
    problems.push('currency must be a code ("usd") or { remote: "$.currency", local: "currency" }');
  }
  for (const [code, n] of Object.entries(format.decimals ?? {}))
    if (!Number.isInteger(n) || n < 0 || n > 6)
      problems.push(`decimals.${code} must be an integer from 0 to 6`);
  return problems;
}

/** Splits an amount into sign, integer digits and fraction digits, from its exact text form. */
function digits(
  value: unknown,
  rep: MoneyRepresentation,
): { neg: boolean; int: string; frac: string } | string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${describe(value)} is not a finite amount`;
    if (rep === 'minor' && !Number.isSafeInteger(value))
      return `${describe(value)} is not a whole number of minor units`;
    text = toPlain(value);
  } else if (typeof value === 'string' && rep !== 'minor' && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    text = value.trim();
  } else if (typeof value === 'string' && rep === 'minor' && /^-?\d+$/.test(value.trim())) {
    text = value.trim();
  } else {
    return `${describe(value)} is not an amount (${rep === 'minor' ? 'an integer' : 'a decimal number'})`;
  }
  const neg = text.startsWith('-');
  const [int = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  return { neg, int, frac };
}

/** A number's shortest round-trip text without exponent (`1e-7` → `0.0000001`). */
function toPlain(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const [mantissa = '', exp = '0'] = text.toLowerCase().split('e');
  const neg = mantissa.startsWith('-');
  const [i = '', f = ''] = (neg ? mantissa.slice(1) : mantissa).split('.');
  const all = i + f;
  const point = i.length + Number(exp);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${all}`
      : point >= all.length
        ? all + '0'.repeat(point - all.length)
        : `${all.slice(0, point)}.${all.slice(point)}`;
  return (neg ? '-' : '') + body;
}

/** Converts an amount; `decimals` is the currency's number of decimals. */
export function convertMoney(
  value: unknown,
  from: MoneyRepresentation,
  to: MoneyRepresentation,
  decimals: number,
  currency: string,
): { value: unknown } | { problem: string } {
  const parts = digits(value, from);
  if (typeof parts === 'string') return { problem: parts };
  // Normalise to an integer count of minor units, as a digit string.
  let minorDigits: string;
  if (from === 'minor') {
    if (parts.frac !== '') return { problem: `${describe(value)} is not a whole number of minor units` };
    minorDigits = parts.int;
  } else {
    const frac = parts.frac.replace(/0+$/, '');
    if (frac.length > decimals)
      return {
        problem: `${describe(value)} has more decimals than ${currency.toUpperCase()} allows (${decimals})`,
      };
    minorDigits = parts.int + frac.padEnd(decimals, '0');
  }
  minorDigits = minorDigits.replace(/^0+(?=\d)/, '');
  const neg = parts.neg && /[1-9]/.test(minorDigits);
  if (to === 'minor') {
    const n = Number((neg ? '-' : '') + minorDigits);
    if (!Number.isSafeInteger(n))
      return { problem: `${describe(value)} is too large to count in minor units` };
    return { value: n };
  }
  const padded = minorDigits.padStart(decimals + 1, '0');
  const int = padded.slice(0, padded.length - decimals);
  const frac = padded.slice(padded.length - decimals);
  const text = (neg ? '-' : '') + int + (decimals > 0 ? `.${frac}` : '');
  if (to === 'decimal_string') return { value: text };
  const n = Number(text);
  // A number keeps at most ~15-17 significant digits; refuse to round a larger amount silently.
  if (trimFraction(toPlain(n)) !== trimFraction(text))
    return { problem: `${describe(value)} cannot be held exactly by a number; use local: 'decimal_string'` };
  return { value: n };
}

function trimFraction(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
