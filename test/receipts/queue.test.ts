import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReceipt, createReceiptQueue, type ReceiptQueueOptions, type ReceiptStorage } from '../../src/receipts';
import type { ConsentReceipt } from '../../src/types';
import { sampleRecord } from '../fixtures/records';

const ENDPOINT = 'https://collector.example/receipts';
const KEY = 'consentgate:receipts';

function receipt(seq: number, id = '3f1c2b7a-9d4e-4a61-8f2b-5c6d7e8f9a0b'): ConsentReceipt {
  return buildReceipt(sampleRecord({ seq, id }), { required: ['necessary'], withdrawal: false, url: 'https://health.example/', language: 'en' });
}

function memoryStorage(): ReceiptStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, String(v)), removeItem: (k) => void data.delete(k) };
}

/**
 * A page view: a queue over shared storage with a manual clock and timers, and a collector whose
 * answer each test chooses. `received` lists every body that reached the collector.
 */
function pageView(storage: ReceiptStorage | null, answer: (body: ConsentReceipt) => number | Promise<number> | 'down', extra: Partial<ReceiptQueueOptions> = {}) {
  const env = { clock: 1_000_000, timers: [] as Array<{ at: number; run: () => void }>, received: [] as ConsentReceipt[], beacons: [] as ConsentReceipt[] };
  const queue = createReceiptQueue({
    endpoint: ENDPOINT,
    storage,
    storageKey: KEY,
    now: () => env.clock,
    random: () => 1,
    setTimer: (run, ms) => env.timers.push({ at: env.clock + ms, run }),
    send: async (url, body) => {
      expect(url).toBe(ENDPOINT);
      const parsed = JSON.parse(body) as ConsentReceipt;
      const status = await answer(parsed);
      if (status === 'down') throw new TypeError('Failed to fetch');
      env.received.push(parsed);
      return status;
    },
    beacon: (_url, body) => {
      env.beacons.push(JSON.parse(body));
      return true;
    },
    ...extra,
  });
  /** Moves the clock and runs the timers that come due, then lets the sends settle. */
  async function advance(ms: number) {
    env.clock += ms;
    const due = env.timers.filter((t) => t.at <= env.clock);
    env.timers = env.timers.filter((t) => t.at > env.clock);
    for (const t of due) t.run();
    await settle();
  }
  return { queue, env, advance };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.restoreAllMocks());

describe('receipt queue', () => {
  it('sends a receipt at once and forgets it when the collector acknowledges it', async () => {
    const storage = memoryStorage();
    const { queue, env } = pageView(storage, () => 201);
    queue.add(receipt(1));
    await queue.flush();
    expect(env.received.map((r) => r.seq)).toEqual([1]);
    expect(queue.pending()).toEqual([]);
    expect(queue.stats()).toEqual({ sent: 1, resent: 0, acked: 1, dropped: 0 });
    // What stays is only the newest key queued, so that the same decision is never queued twice.
    expect(JSON.parse(storage.data.get(KEY)!)).toEqual({ e: [], last: '3f1c2b7a-9d4e-4a61-8f2b-5c6d7e8f9a0b#1' });
  });

  it('endpoint down: keeps the receipt, retries with doubling backoff, and delivers it once the collector is back', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    let up = false;
    const { queue, env, advance } = pageView(memoryStorage(), () => (up ? 201 : 'down'), { retry: { baseMs: 1000, maxMs: 8000 } });
    queue.add(receipt(1));
    await queue.flush();
    expect(queue.pending()).toHaveLength(1);
    // Backoff 1 s, 2 s, 4 s, 8 s, 8 s (random() = 1: the full delay).
    const attempts: number[] = [];
    for (const wait of [999, 1, 1999, 1, 3999, 1, 7999, 1, 8000]) {
      const before = queue.stats().sent;
      await advance(wait);
      attempts.push(queue.stats().sent - before);
    }
    expect(attempts).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 1]);
    up = true;
    await advance(8000);
    expect(env.received.map((r) => r.seq)).toEqual([1]);
    expect(queue.pending()).toEqual([]);
    expect(queue.stats()).toMatchObject({ sent: 7, resent: 6, acked: 1, dropped: 0 });
  });

  it('after one failure, other receipts wait for the backoff too (the collector is down, not the receipt)', async () => {
    const sends: number[] = [];
    const { queue } = pageView(memoryStorage(), (r) => (sends.push(r.seq), 'down'));
    queue.add(receipt(1));
    queue.add(receipt(2));
    queue.add(receipt(3));
    await queue.flush();
    expect(sends).toEqual([1]);
    expect(queue.pending().map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('endpoint erroring (HTTP 500, 503, 429, 403): retried, never dropped', async () => {
    for (const status of [500, 503, 429, 403]) {
      const { queue, advance } = pageView(memoryStorage(), () => status, { retry: { baseMs: 10, maxMs: 10 } });
      queue.add(receipt(1));
      await queue.flush();
      await advance(10);
      await advance(10);
      expect(queue.stats()).toMatchObject({ sent: 3, acked: 0, dropped: 0 });
      expect(queue.pending()).toHaveLength(1);
    }
  });

  it('endpoint slow: one request at a time, and a receipt added meanwhile follows when the first is answered', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const { queue } = pageView(memoryStorage(), async (r) => {
      order.push(`start ${r.seq}`);
      if (r.seq === 1) await gate;
      order.push(`end ${r.seq}`);
      return 201;
    });
    queue.add(receipt(1));
    queue.add(receipt(2));
    await settle();
    expect(order).toEqual(['start 1']);
    release();
    await queue.flush();
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    expect(queue.pending()).toEqual([]);
  });

  it('a receipt the collector refuses (400, 409, 413, 415) is dropped and reported; one kept as a conflict (202) is acknowledged', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const answers = [400, 413, 415, 409, 202];
    const { queue } = pageView(memoryStorage(), (r) => answers[r.seq - 1]!);
    for (const seq of [1, 2, 3, 4, 5]) queue.add(receipt(seq));
    await queue.flush();
    expect(queue.pending()).toEqual([]);
    expect(queue.stats()).toMatchObject({ sent: 5, acked: 1, dropped: 4 });
    expect(errors.mock.calls.map((c) => c.join(' ')).join('\n')).toMatch(/Receipt .*#1 refused \(HTTP 400\), dropped[\s\S]*Receipt .*#4 refused \(HTTP 409\), dropped/);
    expect(warnings.mock.calls.map((c) => c.join(' ')).join('\n')).toMatch(/Receipt .*#5: the collector holds another \(202\)/);
  });

  it('page unload: what is unacknowledged goes by sendBeacon once, and the next page view confirms it', async () => {
    const storage = memoryStorage();
    const first = pageView(storage, () => 'down');
    first.queue.add(receipt(1));
    await first.queue.flush();
    first.queue.beaconAll();
    first.queue.beaconAll();
    expect(first.env.beacons.map((r) => r.seq)).toEqual([1]);
    // The beacon's answer is unknowable: the receipt waits in storage for a page view after the backoff.
    const early = pageView(storage, () => 200);
    await early.queue.flush();
    expect(early.env.received).toEqual([]);
    const next = pageView(storage, () => 200, { now: () => 1_000_000 + 2000 });
    await next.queue.flush();
    expect(next.env.received.map((r) => r.seq)).toEqual([1]);
    expect(next.queue.pending()).toEqual([]);
    expect(next.queue.stats()).toMatchObject({ sent: 1, resent: 1, acked: 1 });
  });

  it('a receipt in flight when the page goes is not beaconed again; a refused beacon falls back to fetch keepalive', async () => {
    const storage = memoryStorage();
    const { queue, env } = pageView(storage, () => new Promise<number>(() => {}), { beacon: () => false });
    queue.add(receipt(1));
    await settle();
    queue.beaconAll();
    expect(env.beacons).toEqual([]);
    const sent: string[] = [];
    const second = createReceiptQueue({
      endpoint: ENDPOINT,
      storage,
      storageKey: KEY,
      send: async (_u, body) => (sent.push(body), 200),
      beacon: () => false,
    });
    second.beaconAll();
    await settle();
    expect(sent).toHaveLength(1);
    expect(second.pending()).toEqual([]);
  });

  it('duplicates: the same decision is queued once, across page views and tabs sharing the storage', async () => {
    const storage = memoryStorage();
    const a = pageView(storage, () => 201);
    const b = pageView(storage, () => 201);
    a.queue.add(receipt(1));
    await a.queue.flush();
    b.queue.add(receipt(1));
    a.queue.add(receipt(1));
    await b.queue.flush();
    expect([...a.env.received, ...b.env.received].map((r) => r.seq)).toEqual([1]);
    // A later decision of the same record, and a new record (new policy version), are new receipts.
    b.queue.add(receipt(2));
    b.queue.add(receipt(1, '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'));
    await b.queue.flush();
    expect(b.env.received.map((r) => `${r.consentId.slice(0, 4)}#${r.seq}`)).toEqual(['3f1c#2', '9a8b#1']);
  });

  it('a full queue drops the oldest; a receipt too old to deliver is dropped; both are reported', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { queue, advance } = pageView(memoryStorage(), () => 'down', { maxQueued: 2, maxAgeDays: 1, retry: { baseMs: 1000, maxMs: 1000 } });
    for (const seq of [1, 2, 3]) queue.add(receipt(seq));
    await queue.flush();
    expect(queue.pending().map((r) => r.seq)).toEqual([2, 3]);
    expect(warnings).toHaveBeenCalled();
    await advance(864e5 + 1);
    expect(queue.pending()).toEqual([]);
    expect(queue.stats().dropped).toBe(3);
    expect(errors.mock.calls.join(' ')).toMatch(/2 receipt\(s\) undelivered after 1 days, dropped/);
  });

  it('storage blocked or broken: works in memory and never throws into the page', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const throwing: ReceiptStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
      removeItem: () => {},
    };
    for (const storage of [null, throwing]) {
      const { queue, env } = pageView(storage, () => 201);
      expect(() => queue.add(receipt(1))).not.toThrow();
      await queue.flush();
      expect(env.received).toHaveLength(1);
    }
    // Garbage in storage (another script, an old format) counts as an empty queue.
    const garbage = memoryStorage();
    garbage.setItem(KEY, '{not json');
    const { queue, env } = pageView(garbage, () => 201);
    queue.add(receipt(1));
    await queue.flush();
    expect(env.received).toHaveLength(1);
  });

  it('the default transport: fetch keepalive as text/plain without credentials, and sendBeacon', async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 201 }));
    vi.stubGlobal('fetch', fetchMock);
    const beacon = vi.fn((_url: string, _body: string) => true);
    vi.stubGlobal('navigator', { sendBeacon: beacon });
    try {
      const queue = createReceiptQueue({ endpoint: ENDPOINT, storage: memoryStorage(), storageKey: KEY, headers: { Origin: 'https://health.example' } });
      queue.add(receipt(1));
      await queue.flush();
      expect(fetchMock).toHaveBeenCalledTimes(1);
      const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
      expect(url).toBe(ENDPOINT);
      expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
      expect(init.headers).toEqual({ 'Content-Type': 'text/plain;charset=UTF-8', Origin: 'https://health.example' });
      expect(JSON.parse(init.body as string)).toMatchObject({ seq: 1 });
      const unload = createReceiptQueue({ endpoint: ENDPOINT, storage: memoryStorage(), storageKey: KEY, send: () => new Promise(() => {}) });
      unload.add(receipt(2));
      unload.add(receipt(3));
      await settle();
      unload.beaconAll();
      expect(beacon).toHaveBeenCalledTimes(1); // receipt 2 is in flight; 3 waits behind it
      expect(JSON.parse(beacon.mock.calls[0]![1])).toMatchObject({ seq: 3 });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
