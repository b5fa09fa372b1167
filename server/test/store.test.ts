import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayRange } from '../src/dates';
import { migrations } from '../src/migrations';
import { PostgresStore } from '../src/postgres-store';
import type { ReceiptStore, StoredReceipt, TimeRange } from '../src/store';
import { canonicalJson } from '../src/validate';
import { ENGINES, testDatabase, type TestDatabase } from './_util/engines';
import { makeReceipt, SITE } from './_util/receipts';
import type { ConsentReceipt } from '../../src/types';

const entry = (receipt: ConsentReceipt) => ({ receipt, canonical: canonicalJson(receipt), origin: SITE, receivedAt: new Date().toISOString() });
const range = (from: string, to: string) => dayRange(from, to) as TimeRange;
async function all(rows: AsyncIterable<StoredReceipt>): Promise<StoredReceipt[]> {
  const out: StoredReceipt[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe.each(ENGINES)('%s store', (engine) => {
  let database: TestDatabase;
  let store: ReceiptStore;
  beforeAll(async () => {
    database = await testDatabase(engine);
    store = await database.open();
    expect(await store.migrate()).toEqual(migrations.map((m) => m.version));
  });
  afterAll(() => database?.dispose());

  it('applying the migrations again changes nothing', async () => {
    expect(await store.migrate()).toEqual([]);
    const again = await database.open();
    expect(await again.migrate()).toEqual([]);
    const recorded = await database.sql('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.map((r) => Number(r.version))).toEqual(migrations.map((m) => m.version));
  });

  it('stores a receipt once: the same one again is a duplicate, another content under its key a conflict', async () => {
    const receipt = makeReceipt();
    const before = await database.count();
    expect(await store.put(entry(receipt))).toEqual({ status: 'stored' });
    // Same content, keys in another order: still the same receipt.
    const reordered = Object.fromEntries(Object.entries(receipt).reverse()) as unknown as ConsentReceipt;
    expect(await store.put(entry(reordered))).toEqual({ status: 'duplicate' });
    const changed = await store.put(entry({ ...receipt, decision: 'reject-all' }));
    expect(changed.status).toBe('conflict');
    expect(await database.count()).toBe(before + 1);
    const [stored] = await store.lookup(receipt.consentId);
    expect(stored!.receipt).toEqual(receipt);
    expect(stored!.origin).toBe(SITE);
    expect(stored!.conflict).toBe(false);
  });

  it('keeps a conflicting receipt beside the stored one, once per content', async () => {
    const receipt = makeReceipt();
    const other = { ...receipt, decision: 'withdraw' as const };
    expect(await store.put(entry(receipt))).toEqual({ status: 'stored' });
    expect(await store.put(entry(other))).toEqual({ status: 'conflict', stored: canonicalJson(receipt) });
    expect(await store.put(entry(other))).toEqual({ status: 'conflict', stored: canonicalJson(receipt) });
    expect((await store.put(entry({ ...receipt, decision: 'accept-all' }))).status).toBe('conflict');
    const rows = await store.lookup(receipt.consentId);
    expect(rows.map((r) => [r.conflict, r.receipt.decision])).toEqual([
      [false, receipt.decision],
      [true, 'withdraw'],
      [true, 'accept-all'],
    ]);
    await expect(database.sql(`UPDATE receipt_conflicts SET decision = 'accept-all'`)).rejects.toThrow(/append-only/);
    await expect(database.sql('DELETE FROM receipt_conflicts')).rejects.toThrow(/append-only/);
  });

  it('sorts out the same key sent several times at once (one SQLite batch, concurrent PostgreSQL inserts)', async () => {
    const receipt = makeReceipt();
    const others = [makeReceipt(), makeReceipt()];
    const before = await database.count();
    const results = await Promise.all([
      store.put(entry(receipt)),
      store.put(entry(others[0]!)),
      store.put(entry(receipt)),
      store.put(entry({ ...receipt, method: 'api' })),
      store.put(entry(others[1]!)),
    ]);
    expect([results[1]!.status, results[4]!.status]).toEqual(['stored', 'stored']);
    // One of the three with the same key is stored (SQLite: the first of the batch; PostgreSQL: the
    // first to commit); the same content again is a duplicate, the other content a conflict.
    const sameKey = [results[0]!, results[2]!, results[3]!].map((r) => r.status);
    expect(sameKey.filter((s) => s === 'stored')).toHaveLength(1);
    const [stored] = await store.lookup(receipt.consentId);
    if (stored!.receipt.method === 'api') expect(sameKey).toEqual(['conflict', 'conflict', 'stored']);
    else expect(sameKey).toEqual(engine === 'sqlite' ? ['stored', 'duplicate', 'conflict'] : expect.arrayContaining(['stored', 'duplicate', 'conflict']));
    expect(await database.count()).toBe(before + 3);
  });

  it('looks up every receipt of a consent ID by seq', async () => {
    const first = makeReceipt({ seq: 1 });
    const id = first.consentId;
    await store.put(entry(makeReceipt({ id, seq: 3 })));
    await store.put(entry(first));
    await store.put(entry(makeReceipt({ id, seq: 2 })));
    await store.put(entry(makeReceipt({ seq: 1 })));
    const receipts = await store.lookup(id);
    expect(receipts.map((r) => r.receipt.seq)).toEqual([1, 2, 3]);
    expect(receipts.every((r) => /^\d{4}-\d\d-\d\dT.*Z$/.test(r.receivedAt))).toBe(true);
    expect(await store.lookup('00000000-0000-4000-8000-000000000000')).toEqual([]);
  });

  it('streams a date range in decidedAt order, page by page, both days inclusive, and counts it per day and decision', async () => {
    const at = (time: string, decision: ConsentReceipt['decision']) => makeReceipt({ updatedAt: time }, { decision });
    const inside = [
      at('2025-03-01T00:00:00.000Z', 'accept-all'),
      at('2025-03-01T23:59:59.999Z', 'reject-all'),
      at('2025-03-02T12:00:00Z', 'accept-all'),
      at('2025-03-02T12:00:00.500Z', 'partial'),
      at('2025-03-03T23:59:59.999Z', 'accept-all'),
      at('2025-03-03T08:00:00.000Z', 'accept-all'),
      at('2025-03-03T08:00:00.000Z', 'withdraw'),
    ];
    const outside = [at('2025-02-28T23:59:59.999Z', 'accept-all'), at('2025-03-04T00:00:00.000Z', 'accept-all')];
    for (const receipt of [...outside, ...inside]) await store.put(entry(receipt));
    const rows = await all(store.range(range('2025-03-01', '2025-03-03'), 2));
    const times = rows.map((r) => new Date(r.receipt.decidedAt).getTime());
    expect(rows).toHaveLength(inside.length);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(rows.map((r) => r.receipt.consentId))).toEqual(new Set(inside.map((r) => r.consentId)));
    expect(await all(store.range(range('2025-03-05', '2025-03-09')))).toEqual([]);
    expect(await store.stats(range('2025-03-01', '2025-03-03'))).toEqual([
      { day: '2025-03-01', decision: 'accept-all', count: 1 },
      { day: '2025-03-01', decision: 'reject-all', count: 1 },
      { day: '2025-03-02', decision: 'accept-all', count: 1 },
      { day: '2025-03-02', decision: 'partial', count: 1 },
      { day: '2025-03-03', decision: 'accept-all', count: 2 },
      { day: '2025-03-03', decision: 'withdraw', count: 1 },
    ]);
  });

  it('is append-only: the database itself refuses UPDATE and DELETE', async () => {
    await store.put(entry(makeReceipt()));
    const before = await database.sql('SELECT consent_id, seq, decision, receipt FROM receipts ORDER BY id');
    await expect(database.sql(`UPDATE receipts SET decision = 'accept-all'`)).rejects.toThrow(/append-only/);
    await expect(database.sql('DELETE FROM receipts')).rejects.toThrow(/append-only/);
    if (engine === 'postgres') await expect(database.sql('TRUNCATE receipts')).rejects.toThrow(/append-only/);
    expect(await database.sql('SELECT consent_id, seq, decision, receipt FROM receipts ORDER BY id')).toEqual(before);
  });

  it('counts the bytes received since a time, conflicts included', async () => {
    const receipt = makeReceipt();
    const other = { ...receipt, decision: 'withdraw' as const };
    const put = (r: ConsentReceipt, receivedAt: string) => store.put({ receipt: r, canonical: canonicalJson(r), origin: SITE, receivedAt });
    // Received in the future: the other tests' receipts, received now, are all before it.
    await put(makeReceipt(), '2099-01-01T23:59:59.999Z');
    await put(receipt, '2099-01-02T00:00:00.000Z');
    await put(other, '2099-01-02T08:00:00.000Z');
    expect(await store.bytesSince('2099-01-02T00:00:00.000Z')).toBe(Buffer.byteLength(canonicalJson(receipt)) + Buffer.byteLength(canonicalJson(other)));
    expect(await store.bytesSince('2099-01-03T00:00:00.000Z')).toBe(0);
  });

  it('retention deletes what was received before its cutoff, and records each run; younger receipts stay append-only', async () => {
    const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const old = [makeReceipt(), makeReceipt(), makeReceipt()];
    for (const receipt of old) await store.put({ ...entry(receipt), receivedAt: days(40) });
    await store.put({ ...entry({ ...old[0]!, decision: 'withdraw' }), receivedAt: days(35) }); // a conflict
    const young = makeReceipt();
    await store.put({ ...entry(young), receivedAt: days(29) });
    // Nothing recorded yet: no DELETE at all.
    await expect(database.sql(`DELETE FROM receipts WHERE consent_id = '${old[0]!.consentId}'`)).rejects.toThrow(/append-only/);

    const before = await database.count();
    // Two rows a run: the three old receipts take two runs.
    expect(await store.purge(30, { batch: 2 })).toEqual({ receipts: 3, conflicts: 1, runs: 2 });
    expect(await database.count()).toBe(before - 3);
    for (const receipt of old) expect(await store.lookup(receipt.consentId)).toEqual([]);
    expect((await store.lookup(young.consentId)).map((r) => r.receipt)).toEqual([young]);
    const runs = await store.retentionRuns();
    expect(runs.map(({ retainDays, receiptsDeleted, conflictsDeleted }) => ({ retainDays, receiptsDeleted, conflictsDeleted }))).toEqual([
      { retainDays: 30, receiptsDeleted: 2, conflictsDeleted: 1 },
      { retainDays: 30, receiptsDeleted: 1, conflictsDeleted: 0 },
    ]);
    expect(Math.abs(Date.parse(runs[0]!.cutoff) - (Date.parse(runs[0]!.ranAt) - 30 * 86_400_000))).toBeLessThan(1_000);
    expect(await store.purge(30)).toEqual({ receipts: 0, conflicts: 0, runs: 0 });

    // What is younger than every recorded cutoff stays append-only, and the record itself too.
    await expect(database.sql(`DELETE FROM receipts WHERE consent_id = '${young.consentId}'`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`UPDATE retention_runs SET receipts_deleted = 0`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`DELETE FROM retention_runs`)).rejects.toThrow(/append-only/);
    // A run whose cutoff is not retain_days before it ran is refused.
    await expect(
      database.sql(
        engine === 'sqlite'
          ? `INSERT INTO retention_runs (ran_at, retain_days, cutoff, receipts_deleted, conflicts_deleted) VALUES ('${days(0)}', 30, '${days(1)}', 0, 0)`
          : `INSERT INTO retention_runs (ran_at, retain_days, cutoff, receipts_deleted, conflicts_deleted) VALUES (now(), 30, now() - interval '1 day', 0, 0)`,
      ),
    ).rejects.toThrow(/CHECK|check constraint/);
    expect(await store.lookup(young.consentId)).toHaveLength(1);
  });

  it('takes a write probe, and counts', async () => {
    await store.probe();
    await store.probe();
    expect(await database.sql('SELECT count(*) AS n FROM health_probe')).toEqual([{ n: engine === 'sqlite' ? 1 : '1' }]);
    expect(await store.count()).toBe(await database.count());
  });
});

describe('postgres batches', () => {
  it('the same key twice in one INSERT: one stored, the same content a duplicate, another a conflict', async () => {
    const database = await testDatabase('postgres');
    // One statement at a time: the first put goes alone, the next ones wait and go together.
    const store = new PostgresStore(database.db, { batches: 1 });
    try {
      await store.migrate();
      const receipt = makeReceipt();
      const other = makeReceipt();
      const results = await Promise.all([
        store.put(entry(other)),
        store.put(entry(receipt)),
        store.put(entry(receipt)),
        store.put(entry({ ...receipt, method: 'api' })),
        store.put(entry(other)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'duplicate', 'conflict', 'duplicate']);
      expect(await database.count()).toBe(2);
    } finally {
      await store.close();
      await database.dispose();
    }
  });
});

describe('postgres poison receipts', () => {
  it('a receipt PostgreSQL refuses fails alone: the rest of its INSERT group is stored', async () => {
    const database = await testDatabase('postgres');
    const store = new PostgresStore(database.db);
    try {
      await store.migrate();
      // Past the collector's validation (the store is asked directly): what would still break a group.
      const poison = (i: number) => entry({ ...makeReceipt(), ...(i % 2 ? { policyVersion: 'v\u0000' } : { decidedAt: '0000-01-01T00:00:00.000Z' }) });
      const good: Promise<string>[] = [];
      const bad: Promise<string>[] = [];
      const outcome = (put: Promise<unknown>) => put.then(() => 'stored', (error: { code?: string }) => `failed ${error.code}`);
      // 1,000 good and 50 poison receipts a second, for a second.
      for (let tick = 0; tick < 50; tick++) {
        for (let i = 0; i < 20; i++) good.push(outcome(store.put(entry(makeReceipt()))));
        bad.push(outcome(store.put(poison(tick))));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(new Set(await Promise.all(good))).toEqual(new Set(['stored']));
      expect(new Set(await Promise.all(bad))).toEqual(new Set(['failed 22021', 'failed 22008']));
      expect(await database.count()).toBe(1000);
    } finally {
      await store.close();
      await database.dispose();
    }
  });
});

describe('postgres migrations', () => {
  it('two collectors starting at once against one database both succeed, each migration applied once', async () => {
    const database = await testDatabase('postgres');
    try {
      const [a, b, c] = await Promise.all([database.open(), database.open(), database.open()]);
      const applied = await Promise.all([a!.migrate(), b!.migrate(), c!.migrate()]);
      expect(applied.flat().sort()).toEqual(migrations.map((m) => m.version));
      expect(await database.sql('SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: migrations.length }]);
    } finally {
      await database.dispose();
    }
  });
});
