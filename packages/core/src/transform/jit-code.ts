/** Pieces of generated code; every config-derived text goes through these. */

/**
 * A filter literal (string, finite number, boolean or null, as the path parser produced it) as
 * a JavaScript literal. `JSON.stringify` of a string is always a valid string literal, so the
 * text cannot escape into code; anything else is refused.
 */
export function literalCode(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return `(${String(value)})`;
  throw new Error(`jit: ${typeof value} is not a filter literal`);
}

/**
 * A property name in an object literal. `__proto__` there would set the prototype, so it is
 * refused here as well as by the path parser.
 */
export function propertyName(k: string): string {
  if (k === '__proto__') throw new Error('jit: "__proto__" is not a property name');
  return JSON.stringify(k);
}

/** A property access: `["name"]`. */
export const key = (k: string): string => `[${JSON.stringify(k)}]`;

/** An array access: `[3]`. */
export const index = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`jit: bad index ${n}`);
  return `[${n}]`;
};

/** The variable holding field `i`'s value in generated code. */
export const variable = (i: number): string => {
  if (!Number.isSafeInteger(i) || i < 0) throw new Error(`jit: bad field index ${i}`);
  return `v${i}`;
};
