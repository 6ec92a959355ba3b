/** The fake's clock: frozen unless advanced, so tests decide what time it is. */
export interface FakeClock {
  now(): Date;
  /** Moves the clock forward. */
  advance(ms: number): void;
  set(date: Date): void;
}

export function createClock(start: Date): FakeClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (date) => {
      current = date.getTime();
    },
  };
}

const OFFSET_MINUTES = -8 * 60;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Formats a time the way QuickBooks does: in the company's time zone with its offset
 * (`2026-11-23T16:21:33-08:00`), optionally with milliseconds (the envelope's `time`).
 */
export function qboTime(date: Date, withMillis = false): string {
  const local = new Date(date.getTime() + OFFSET_MINUTES * 60_000);
  const base = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const millis = withMillis ? `.${pad(local.getUTCMilliseconds(), 3)}` : '';
  const sign = OFFSET_MINUTES <= 0 ? '-' : '+';
  const abs = Math.abs(OFFSET_MINUTES);
  return `${base}${millis}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
