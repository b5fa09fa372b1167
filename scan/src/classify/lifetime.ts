/**
 * Cookie lifetimes, as a privacy policy states them: a session cookie (gone when the browser
 * closes) or a persistent one, with how long it lasts in days.
 */
import type { RecordedCookie } from '../types';

export type Lifetime =
  | { type: 'session' }
  /** `days`: rounded to whole days from one day up, else to 4 decimals; `text`: for people ("2 years", "400 days"). */
  | { type: 'persistent'; days?: number; text: string };

const DAY_MS = 86_400_000;

/** Days per unit of the registry's and the config's lifetimes ("13 months"). A month is a twelfth of a year. */
const UNIT_DAYS: Record<string, number> = { minute: 1 / 1440, hour: 1 / 24, day: 1, week: 7, month: 365 / 12, year: 365 };

const roundDays = (days: number) => (days >= 1 ? Math.round(days) : Math.round(days * 10_000) / 10_000);

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "400 days", "5 hours", "10 minutes": the shape the config's `lifetime` accepts. */
export function describeDays(days: number): string {
  if (days >= 1) return plural(Math.round(days), 'day');
  if (days * 24 >= 1) return plural(Math.round(days * 24), 'hour');
  return plural(Math.max(1, Math.round(days * 1440)), 'minute');
}

/** A cookie's lifetime as the browser holds it, measured from when it was read. */
export function observedLifetime(cookie: Pick<RecordedCookie, 'expires' | 'seenAt'>): Lifetime {
  if (cookie.expires < 0) return { type: 'session' };
  const days = Math.max(0, (cookie.expires * 1000 - cookie.seenAt) / DAY_MS);
  return { type: 'persistent', days: roundDays(days), text: describeDays(days) };
}

/** A lifetime as the registry (or a config) writes it: "session", "2 years", "24 hours". */
export function declaredLifetime(text: string | undefined): Lifetime | undefined {
  if (!text) return undefined;
  if (text.trim().toLowerCase() === 'session') return { type: 'session' };
  const m = /^(\d+)\s+(minute|hour|day|week|month|year)s?$/i.exec(text.trim());
  if (!m) return { type: 'persistent', text };
  return { type: 'persistent', days: roundDays(Number(m[1]) * UNIT_DAYS[m[2]!.toLowerCase()]!), text };
}

/** "session" or "persistent, 2 years (730 days)". */
export function formatLifetime(lifetime: Lifetime | undefined): string {
  if (!lifetime) return 'unknown';
  if (lifetime.type === 'session') return 'session';
  // Days beside another unit ("2 years (730 days)"); under a day, the text says it better.
  const { days } = lifetime;
  const inDays = days === undefined || days < 1 || lifetime.text === describeDays(days) ? '' : ` (${plural(days, 'day')})`;
  return `persistent, ${lifetime.text}${inDays}`;
}
