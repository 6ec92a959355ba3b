/**
 * How a date is written on one side:
 * - `iso`: an instant as ISO 8601 with its offset stated. Written as UTC with milliseconds
 *   (`2026-01-02T03:04:05.000Z`, exactly what `Date#toISOString` and `canonicalJson` print, so a
 *   host that stores `Date` objects hashes equal). Read with any offset (`-07:00`, `Z`).
 * - `date`: a calendar date `YYYY-MM-DD` (QuickBooks `TxnDate`, `DueDate`).
 * - `unix`: an instant as whole seconds since the epoch (Stripe `created`). Milliseconds are
 *   truncated when writing, because the target cannot hold them.
 * - `unix_ms`: an instant as milliseconds since the epoch.
 * - `Date`: a JavaScript `Date` (local side only makes sense).
 *
 * ```ts
 * const rep: DateRepresentation = 'unix'; // Stripe `created: 1700000000`
 * ```
 */
export type DateRepresentation = 'iso' | 'date' | 'unix' | 'unix_ms' | 'Date';

/**
 * Converts dates between the provider's and the host's representation.
 *
 * `timeZone` (an IANA name such as `America/Los_Angeles`, or `UTC`) must be stated when exactly
 * one side is a calendar `date`: it says which midnight a date means and on which day an instant
 * falls. It also reads ISO strings that carry no offset; without it such a string is rejected
 * rather than guessed.
 *
 * ```ts
 * { type: 'format', format: { kind: 'date', remote: 'unix', local: 'iso' } }                  // Stripe created
 * { type: 'format', format: { kind: 'date', remote: 'date', local: 'Date', timeZone: 'UTC' } } // QuickBooks TxnDate
 * ```
 */
export interface DateFormat {
  kind: 'date';
  remote: DateRepresentation;
  /** Default `iso`. */
  local?: DateRepresentation;
  timeZone?: string;
}

type Parsed = { instant: number } | { y: number; m: number; d: number };

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Checks the options of a date format; returns problems relative to `format`. */
export function checkDateFormat(format: DateFormat): string[] {
  const problems: string[] = [];
  const reps: DateRepresentation[] = ['iso', 'date', 'unix', 'unix_ms', 'Date'];
  if (!reps.includes(format.remote)) problems.push(`remote must be one of ${reps.join(', ')}`);
  if (format.local !== undefined && !reps.includes(format.local))
    problems.push(`local must be one of ${reps.join(', ')}`);
  if (format.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: format.timeZone });
    } catch {
      problems.push(`timeZone "${format.timeZone}" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")`);
    }
  } else if ((format.remote === 'date') !== ((format.local ?? 'iso') === 'date')) {
    problems.push(
      'timeZone is required to convert between a calendar date and an instant (e.g. timeZone: "UTC")',
    );
  }
  return problems;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(instant: number, timeZone: string): { y: number; m: number; d: number; offsetMs: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instant))) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return { y: p.year!, m: p.month!, d: p.day!, offsetMs: wall - Math.floor(instant / 1000) * 1000 };
}

/**
 * The instant of a wall-clock time in `timeZone`. An ambiguous time (clocks turned back) is the
 * earlier instant; a time that does not exist (clocks jumped forward, e.g. midnight in Santiago on
 * the day DST starts) is the first instant after the gap, so a date's midnight stays on that date.
 */
function wallToInstant(wallUtc: number, timeZone: string): number {
  const before = wallUtc - partsIn(wallUtc - 86_400_000, timeZone).offsetMs;
  const after = wallUtc - partsIn(wallUtc + 86_400_000, timeZone).offsetMs;
  for (const candidate of before <= after ? [before, after] : [after, before])
    if (candidate + partsIn(candidate, timeZone).offsetMs === wallUtc) return candidate;
  return before;
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function parse(value: unknown, rep: DateRepresentation, timeZone: string | undefined): Parsed | string {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'is an invalid Date' : { instant: value.getTime() };
  }
  switch (rep) {
    case 'unix':
    case 'unix_ms': {
      const n = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return `is not a ${rep} timestamp (a number)`;
      return { instant: rep === 'unix' ? Math.round(n * 1000) : n };
    }
    case 'date': {
      const m = typeof value === 'string' ? DATE_ONLY.exec(value) : null;
      if (!m) return 'is not a calendar date (YYYY-MM-DD)';
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (!validDate(y, mo, d)) return 'is not a real calendar date';
      return { y, m: mo, d };
    }
    default: {
      if (typeof value !== 'string') return 'is not an ISO 8601 date-time string';
      const m = ISO.exec(value);
      if (!m) {
        const d = DATE_ONLY.exec(value);
        if (d && validDate(Number(d[1]), Number(d[2]), Number(d[3])))
          return { y: Number(d[1]), m: Number(d[2]), d: Number(d[3]) };
        return 'is not an ISO 8601 date-time string';
      }
      const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as number[];
      if (!validDate(y!, mo!, d!) || h! > 23 || mi! > 59 || s! > 59) return 'is not a real date-time';
      const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
      const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms);
      const zone = m[8];
      if (zone === undefined) {
        if (!timeZone) return 'has no UTC offset and the mapping states no timeZone';
        return { instant: wallToInstant(wall, timeZone) };
      }
      if (zone.toUpperCase() === 'Z') return { instant: wall };
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
      return { instant: wall - offset };
    }
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function render(parsed: Parsed, rep: DateRepresentation, timeZone: string | undefined): unknown {
  if (rep === 'date') {
    if ('y' in parsed) return `${pad(parsed.y, 4)}-${pad(parsed.m)}-${pad(parsed.d)}`;
    const p = partsIn(parsed.instant, timeZone ?? 'UTC');
    return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
  }
  const instant =
    'instant' in parsed
      ? parsed.instant
      : wallToInstant(Date.UTC(parsed.y, parsed.m - 1, parsed.d), timeZone ?? 'UTC');
  switch (rep) {
    case 'unix':
      return Math.floor(instant / 1000);
    case 'unix_ms':
      return instant;
    case 'Date':
      return new Date(instant);
    default:
      return new Date(instant).toISOString();
  }
}

/** Converts `value` from one representation to the other; a string result is the problem. */
export function convertDate(
  value: unknown,
  from: DateRepresentation,
  to: DateRepresentation,
  timeZone: string | undefined,
): { value: unknown } | { problem: string } {
  const parsed = parse(value, from, timeZone);
  if (typeof parsed === 'string') return { problem: `${describe(value)} ${parsed}` };
  if ('instant' in parsed && !Number.isFinite(new Date(parsed.instant).getTime()))
    return { problem: `${describe(value)} is out of the range of dates` };
  return { value: render(parsed, to, timeZone) };
}

export function describe(value: unknown): string {
  if (value instanceof Date)
    return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value !== 'object' || value === null) text = String(value);
  else if (Array.isArray(value)) text = `an array of ${value.length}`;
  else {
    // Provider data is untrusted: never call its toString (it may be missing, not a function, or throw).
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined;
    }
    text = json ?? 'an object';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
