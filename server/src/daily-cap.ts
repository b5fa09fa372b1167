/**
 * The most bytes of receipts (their canonical JSON, conflicts included) stored per UTC day of
 * receipt. The rate limits bound what one address or consent ID writes; this bounds what all of
 * them together write, so a flood from many addresses fills a day's quota, not the disk. Past it,
 * receipts get 503 until the next UTC day (the SDK's queue keeps them and retries), and the log
 * says so, once at 80 % and once when reached, each line starting with "ALERT:".
 */
export interface DailyCap {
  /** 0 when `bytes` more fit in today's cap, else the seconds until the next UTC day. */
  refuses(bytes: number): number;
  /** `bytes` more were stored. */
  stored(bytes: number): void;
}

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * `limit` bytes a day, 0 for no cap. `storedToday`: what the database already held for today at
 * start (a restart must not reset the day). Counted in this process: collectors sharing one
 * PostgreSQL database each hold their own count, each starting from the database's.
 */
export function dailyCap(limit: number, storedToday: number, options: { now: () => number; log: (kind: string, message: string) => void }): DailyCap {
  const { now, log } = options;
  let day = utcDay(now());
  let used = storedToday;
  let refused = 0;
  let warned = false;
  let full = false;
  const usage = () => `${used} of ${limit} bytes stored today (UTC)`;

  function rollOver(): void {
    const today = utcDay(now());
    if (today === day) return;
    if (refused) log('daily cap refused', `daily storage cap: ${refused} receipt${refused === 1 ? '' : 's'} refused on ${day}`);
    day = today;
    used = refused = 0;
    warned = full = false;
  }

  return {
    refuses(bytes) {
      rollOver();
      if (!limit || used + bytes <= limit) return 0;
      refused++;
      if (!full) log('daily cap reached', `ALERT: daily storage cap reached: ${usage()}; receipts get 503 until 00:00 UTC (--daily-cap-mb)`);
      full = true;
      return Math.ceil((DAY_MS - (now() % DAY_MS)) / 1000);
    },
    stored(bytes) {
      rollOver();
      used += bytes;
      if (limit && !warned && used >= limit * 0.8) {
        warned = true;
        log('daily cap 80%', `ALERT: daily storage cap 80% used: ${usage()}; past it, receipts get 503 until 00:00 UTC`);
      }
    },
  };
}
