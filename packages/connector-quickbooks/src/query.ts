/**
 * Builds QuickBooks query-language text safely. Values are always quoted string literals with
 * `\` and `'` escaped, so a customer named `O'Brien` cannot break or extend a query.
 */

/** Quotes a value as a query string literal: `O'Brien` → `'O\'Brien'`. */
export function qboLiteral(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = String(value);
  // Control characters have no business in a query; refuse them rather than send them.
  if ([...text].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new RangeError('QuickBooks query literal contains a control character');
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Formats a time for a query or `changedSince`: whole seconds, UTC (`2026-11-23T10:00:00Z`). */
export function qboDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Entity names are code, never user input, but check anyway: only letters. */
export function entityName(name: string): string {
  if (!/^[A-Za-z]+$/.test(name)) throw new RangeError(`not a QuickBooks entity name: ${name}`);
  return name;
}

export interface SelectOptions {
  readonly entity: string;
  readonly where?: readonly string[];
  readonly orderBy?: string;
  readonly startPosition?: number;
  readonly maxResults?: number;
}

/** `SELECT * FROM E WHERE a AND b ORDERBY f STARTPOSITION n MAXRESULTS m`. */
export function selectQuery(options: SelectOptions): string {
  const parts = [`SELECT * FROM ${entityName(options.entity)}`];
  if (options.where?.length) parts.push(`WHERE ${options.where.join(' AND ')}`);
  if (options.orderBy) parts.push(`ORDERBY ${options.orderBy}`);
  if (options.startPosition !== undefined) parts.push(`STARTPOSITION ${Math.trunc(options.startPosition)}`);
  if (options.maxResults !== undefined) parts.push(`MAXRESULTS ${Math.trunc(options.maxResults)}`);
  return parts.join(' ');
}
