import type { TimeRange } from './store';

const DAY = /^(\d{4})-(\d\d)-(\d\d)$/;
const DAY_MS = 86_400_000;

/** A UTC calendar day `YYYY-MM-DD` → its midnight in ms, or null if it is not a real day. */
function dayStart(text: string): number | null {
  const match = DAY.exec(text);
  if (!match) return null;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === text ? ms : null;
}

/**
 * `from`..`to`, both inclusive UTC days, as the half-open time range the stores query
 * (from midnight of `from` to midnight after `to`). An error message when either is missing or wrong.
 */
export function dayRange(from: string | null | undefined, to: string | null | undefined): TimeRange | string {
  if (!from || !to) return 'expected from and to, both dates like 2026-11-23 (UTC, inclusive)';
  const start = dayStart(from);
  if (start === null) return `from: expected a date like 2026-11-23, got "${from}"`;
  const end = dayStart(to);
  if (end === null) return `to: expected a date like 2026-11-23, got "${to}"`;
  if (end < start) return `to (${to}) is before from (${from})`;
  return { from: new Date(start).toISOString(), until: new Date(end + DAY_MS).toISOString() };
}
