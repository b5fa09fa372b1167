import { logError, logWarning } from '../log';
import type { ConsentReceipt } from '../types';
import { receiptKey } from './receipt';

/** Where unsent receipts wait: `localStorage`, or anything with its three methods. */
export type ReceiptStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface ReceiptQueueOptions {
  /** Absolute collector URL. */
  endpoint: string;
  /** `null`: kept in memory for this page view only (storage blocked). */
  storage: ReceiptStorage | null;
  storageKey: string;
  /**
   * Sends one receipt; resolves with the HTTP status, rejects on a network error or timeout.
   * @default fetch with `keepalive`, no credentials, 10 s timeout
   */
  send?: (url: string, body: string) => Promise<number>;
  /** Hands one receipt to the browser to send after the page is gone; false when refused. @default navigator.sendBeacon */
  beacon?: (url: string, body: string) => boolean;
  /** Extra request headers for the default `send` (an `Origin` when run outside a browser). */
  headers?: Record<string, string>;
  /** Backoff after a failed send: base delay, doubled per failure up to `maxMs`, with jitter. @default { baseMs: 2000, maxMs: 3600000 } */
  retry?: { baseMs: number; maxMs: number };
  /** @default 50 */
  maxQueued?: number;
  /** @default 30 */
  maxAgeDays?: number;
  now?: () => number;
  random?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
}

export interface ReceiptQueueStats {
  /** Requests and beacons made. */
  sent: number;
  /** Of those, sends of a receipt that had been sent before (after a failure, or beaconed unacknowledged). */
  resent: number;
  /** Receipts the collector acknowledged (stored now or before). */
  acked: number;
  /** Receipts given up: refused as invalid by the collector, too old, or pushed out of a full queue. */
  dropped: number;
}

export interface ReceiptQueue {
  /** Queues a receipt and sends it. A receipt already queued for that consent ID at that or a later seq is ignored. */
  add(receipt: ConsentReceipt): void;
  /** Sends every receipt that is due, one at a time; resolves when done or when the collector stops answering. */
  flush(): Promise<void>;
  /** The page is going away: hands every unacknowledged receipt to `sendBeacon` (each once per page view). */
  beaconAll(): void;
  pending(): ConsentReceipt[];
  stats(): ReceiptQueueStats;
}

/** One unsent receipt: attempts so far, earliest next attempt, when queued. */
interface Entry {
  r: ConsentReceipt;
  n: number;
  t: number;
  q: number;
  /** Handed to sendBeacon, answer unknown. */
  b?: 1;
}
/** What storage holds: the entries, and the newest receipt ever queued (never queued twice). */
interface Stored {
  e: Entry[];
  last?: string;
}

const DAY = 864e5;
const ACKED = (status: number) => status >= 200 && status < 300;
/** The collector refused the receipt itself: sending it again cannot help. (409: its key holds another receipt, and this one was not kept.) */
const REFUSED = (status: number) => status === 400 || status === 409 || status === 413 || status === 415;
/** Stored, but beside another receipt under its key (another sender claimed that seq first). */
const CONFLICT = 202;

function defaultSend(headers: Record<string, string>) {
  return async (url: string, body: string): Promise<number> => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10_000);
    try {
      // text/plain keeps it a CORS "simple request" (no preflight, as the beacon); no cookies go to the collector.
      const response = await fetch(url, {
        method: 'POST',
        body,
        keepalive: true,
        credentials: 'omit',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
        signal: abort.signal,
      });
      return response.status;
    } finally {
      clearTimeout(timer);
    }
  };
}

const defaultBeacon = (url: string, body: string): boolean =>
  typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, body);

function keySeq(key: string | undefined): [string, number] {
  const at = key ? key.lastIndexOf('#') : -1;
  return at < 0 ? ['', 0] : [key!.slice(0, at), Number(key!.slice(at + 1))];
}

/**
 * At-least-once delivery of consent receipts. Each receipt waits in storage until the collector
 * acknowledges it; the collector stores a receipt once per consent ID + seq, so sending it again
 * (a retry, a beacon whose answer nobody read, two tabs flushing together) is harmless.
 *
 * Sends use fetch, not sendBeacon: only a readable answer lets the queue forget a receipt. What is
 * still unacknowledged when the page is hidden goes by sendBeacon (fetch keepalive when the
 * beacon is refused) and is confirmed on a later page view, when the collector answers "duplicate".
 */
export function createReceiptQueue(options: ReceiptQueueOptions): ReceiptQueue {
  const { endpoint, storageKey } = options;
  // Set to null (memory for the rest of the page view) the first time storage throws.
  let storage = options.storage;
  const send = options.send ?? defaultSend(options.headers ?? {});
  const beacon = options.beacon ?? defaultBeacon;
  const { baseMs, maxMs } = options.retry ?? { baseMs: 2000, maxMs: 36e5 };
  const maxQueued = options.maxQueued ?? 50;
  const maxAge = (options.maxAgeDays ?? 30) * DAY;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const setTimer = options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, Math.min(ms, 2 ** 31 - 1)));
  const stats: ReceiptQueueStats = { sent: 0, resent: 0, acked: 0, dropped: 0 };
  let memory: Stored = { e: [] };
  let running: Promise<void> | null = null;
  let again = false;
  let timerAt = Infinity;
  // After a failure every receipt waits: the collector is down or struggling, not this receipt.
  let pausedUntil = 0;
  const inFlight = new Set<string>();
  const beaconed = new Set<string>();

  // Storage is re-read at every step: other tabs of the site add and acknowledge too.
  function read(): Stored {
    if (!storage) return memory;
    let raw: string | null;
    try {
      raw = storage.getItem(storageKey);
    } catch {
      storage = null;
      return memory;
    }
    try {
      const value = JSON.parse(raw ?? 'null') as Stored | null;
      return value && Array.isArray(value.e) ? value : { e: [] };
    } catch {
      return { e: [] };
    }
  }
  function write(value: Stored): void {
    memory = value;
    if (!storage) return;
    try {
      if (value.e.length || value.last) storage.setItem(storageKey, JSON.stringify(value));
      else storage.removeItem(storageKey);
    } catch (error) {
      storage = null;
      logWarning(`Receipts kept in memory only: ${String(error)}`);
    }
  }
  function change(fn: (value: Stored) => void): Stored {
    const value = read();
    fn(value);
    write(value);
    return value;
  }
  const remove = (key: string) => change((v) => (v.e = v.e.filter((e) => receiptKey(e.r) !== key)));
  const update = (key: string, fields: (e: Entry) => Partial<Entry>) =>
    change((v) => {
      for (const e of v.e) if (receiptKey(e.r) === key) Object.assign(e, fields(e));
    });
  /** One more request or beacon; a resend when the receipt went out before. */
  const counted = (entry: Entry) => {
    stats.sent++;
    if (entry.n > 0 || entry.b) stats.resent++;
  };

  function schedule(entries: Entry[]): void {
    const next = Math.max(pausedUntil, Math.min(...entries.filter((e) => !inFlight.has(receiptKey(e.r))).map((e) => e.t)));
    if (!Number.isFinite(next) || next >= timerAt) return;
    timerAt = next;
    setTimer(() => {
      timerAt = Infinity;
      void flush();
    }, Math.max(0, next - now()));
  }

  async function sendOne(entry: Entry): Promise<boolean> {
    const key = receiptKey(entry.r);
    inFlight.add(key);
    counted(entry);
    let status = 0;
    try {
      status = await send(endpoint, JSON.stringify(entry.r));
    } catch {
      // network error, timeout, or a CORS refusal: all look alike from here, and all are retried
    } finally {
      inFlight.delete(key);
    }
    if (ACKED(status)) {
      // Stored, as a conflict: another sender claimed this seq first (see the collector's README).
      if (status === CONFLICT) logWarning(`Receipt ${key}: the collector holds another (202)`);
      stats.acked++;
      remove(key);
      return true;
    }
    if (REFUSED(status)) {
      logError(`Receipt ${key} refused (HTTP ${status}), dropped`);
      stats.dropped++;
      remove(key);
      return true;
    }
    const delay = Math.min(maxMs, baseMs * 2 ** entry.n) * (0.5 + random() / 2);
    pausedUntil = now() + delay;
    update(key, (e) => ({ n: e.n + 1, t: pausedUntil }));
    return false;
  }

  async function drain(): Promise<void> {
    for (;;) {
      const t = now();
      const value = change((v) => {
        const old = v.e.filter((e) => t - e.q > maxAge);
        if (old.length) {
          logError(`${old.length} receipt(s) undelivered after ${maxAge / DAY} days, dropped`);
          stats.dropped += old.length;
          v.e = v.e.filter((e) => !old.includes(e));
        }
      });
      const due = t >= pausedUntil && value.e.find((e) => e.t <= t && !inFlight.has(receiptKey(e.r)));
      if (!due) return schedule(value.e);
      if (!(await sendOne(due))) return schedule(read().e);
    }
  }

  function flush(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await drain();
        } while (again);
      } catch (error) {
        logError('Receipts', error);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    add(receipt) {
      try {
        const key = receiptKey(receipt);
        let queued = false;
        change((v) => {
          const [lastId, lastSeq] = keySeq(v.last);
          if (lastId === receipt.consentId && lastSeq >= receipt.seq) return;
          v.e.push({ r: receipt, n: 0, t: now(), q: now() });
          v.last = key;
          queued = true;
          const over = v.e.length - maxQueued;
          if (over > 0) {
            logWarning(`Receipt queue full: ${over} oldest dropped`);
            stats.dropped += over;
            v.e = v.e.slice(over);
          }
        });
        if (queued) void flush();
      } catch (error) {
        logError('Receipts', error);
      }
    },
    flush,
    beaconAll() {
      try {
        for (const entry of read().e) {
          const key = receiptKey(entry.r);
          if (inFlight.has(key) || beaconed.has(key)) continue;
          beaconed.add(key);
          if (!beacon(endpoint, JSON.stringify(entry.r))) {
            // Refused (the browser's beacon quota is full, or no sendBeacon): fetch keepalive also outlives the page.
            void sendOne(entry);
            continue;
          }
          counted(entry);
          update(key, () => ({ b: 1 }));
        }
      } catch (error) {
        logError('Receipts', error);
      }
    },
    pending: () => read().e.map((e) => e.r),
    stats: () => ({ ...stats }),
  };
}
