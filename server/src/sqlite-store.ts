import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { migrations } from './migrations';
import { byDecidedAt, digestOf, pages, PURGE_BATCH, type DayCount, type NewReceipt, type PageCursor, type PurgeResult, type PutResult, type ReceiptStore, type RetentionRun, type StoredReceipt, type TimeRange } from './store';
import { normalizedTime } from './validate';

interface Row {
  id: number;
  decided_at: string;
  origin: string;
  received_at: string;
  receipt: string;
  conflict: 0 | 1;
}

const toStored = (row: Row): StoredReceipt => ({ receipt: JSON.parse(row.receipt), origin: row.origin, receivedAt: row.received_at, conflict: row.conflict === 1 });

/** Keyset pages of one table (receipts: conflict 0; receipt_conflicts: 1). */
function pageStatements(db: Database.Database, table: 'receipts' | 'receipt_conflicts') {
  const columns = `id, decided_at, origin, received_at, receipt, ${table === 'receipts' ? 0 : 1} AS conflict`;
  return {
    first: db.prepare(`SELECT ${columns} FROM ${table} WHERE decided_at >= ? AND decided_at < ? ORDER BY decided_at, id LIMIT ?`),
    next: db.prepare(`SELECT ${columns} FROM ${table} WHERE decided_at < ? AND (decided_at, id) > (?, ?) ORDER BY decided_at, id LIMIT ?`),
  };
}

/** Retention of one table: how many rows were received before a cutoff (at most a batch), and deleting them. */
function retentionStatements(db: Database.Database, table: 'receipts' | 'receipt_conflicts') {
  return {
    count: db.prepare(`SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE received_at < ? LIMIT ?)`).pluck(),
    delete: db.prepare(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE received_at < ? ORDER BY received_at LIMIT ?)`),
  };
}

function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO receipts (consent_id, seq, decided_at, decision, method, policy_version, origin, received_at, receipt)
       VALUES (@consentId, @seq, @decidedAt, @decision, @method, @policyVersion, @origin, @receivedAt, @receipt)
       ON CONFLICT (consent_id, seq) DO NOTHING`,
    ),
    insertConflict: db.prepare(
      `INSERT INTO receipt_conflicts (consent_id, seq, decided_at, decision, method, policy_version, origin, received_at, receipt, digest)
       VALUES (@consentId, @seq, @decidedAt, @decision, @method, @policyVersion, @origin, @receivedAt, @receipt, @digest)
       ON CONFLICT (consent_id, seq, digest) DO NOTHING`,
    ),
    existing: db.prepare(`SELECT receipt FROM receipts WHERE consent_id = ? AND seq = ?`).pluck(),
    lookup: db.prepare(
      `SELECT id, decided_at, origin, received_at, receipt, 0 AS conflict, seq FROM receipts WHERE consent_id = ?
       UNION ALL
       SELECT id, decided_at, origin, received_at, receipt, 1 AS conflict, seq FROM receipt_conflicts WHERE consent_id = ?
       ORDER BY seq, conflict, id`,
    ),
    receiptPages: pageStatements(db, 'receipts'),
    conflictPages: pageStatements(db, 'receipt_conflicts'),
    stats: db.prepare(
      `SELECT substr(decided_at, 1, 10) AS day, decision, count(*) AS count FROM receipts
       WHERE decided_at >= ? AND decided_at < ? GROUP BY day, decision ORDER BY day, decision`,
    ),
    count: db.prepare(`SELECT count(*) FROM receipts`).pluck(),
    bytesSince: db
      .prepare(
        `SELECT (SELECT coalesce(sum(length(CAST(receipt AS BLOB))), 0) FROM receipts WHERE received_at >= @since)
              + (SELECT coalesce(sum(length(CAST(receipt AS BLOB))), 0) FROM receipt_conflicts WHERE received_at >= @since)`,
      )
      .pluck(),
    receiptRetention: retentionStatements(db, 'receipts'),
    conflictRetention: retentionStatements(db, 'receipt_conflicts'),
    recordRun: db.prepare(`INSERT INTO retention_runs (ran_at, retain_days, cutoff, receipts_deleted, conflicts_deleted) VALUES (?, ?, ?, ?, ?)`),
    runs: db.prepare(
      `SELECT ran_at AS ranAt, retain_days AS retainDays, cutoff, receipts_deleted AS receiptsDeleted, conflicts_deleted AS conflictsDeleted
       FROM retention_runs ORDER BY id`,
    ),
    probe: db.prepare(`INSERT INTO health_probe (id, written_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`),
  };
}

/**
 * SQLite through better-sqlite3: one connection, prepared statements, WAL (readers such as the
 * CLI's `export` do not block the writer). Calls are synchronous, so a put's insert-or-compare runs
 * without anything in between. A receipt is durable before it is acknowledged (synchronous=FULL:
 * the SDK forgets a receipt once acknowledged, so it must survive a power cut, not only a crash).
 */
export class SqliteStore implements ReceiptStore {
  readonly engine = 'sqlite' as const;
  private readonly db: Database.Database;
  private statements: ReturnType<typeof prepareStatements> | null = null;

  constructor(file: string, options: { mustExist?: boolean } = {}) {
    if (options.mustExist && !existsSync(file)) throw new Error(`no SQLite database at ${file}`);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  private get sql() {
    return (this.statements ??= prepareStatements(this.db));
  }

  async migrate(): Promise<number[]> {
    const db = this.db;
    const apply = db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const done = new Set(db.prepare(`SELECT version FROM schema_migrations`).pluck().all() as number[]);
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        db.exec(migration.sqlite);
        db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`).run(migration.version, migration.name, new Date().toISOString());
        applied.push(migration.version);
      }
      return applied;
    });
    // IMMEDIATE: take the write lock before reading schema_migrations, so a second process waits.
    return apply.immediate();
  }

  /**
   * Group commit: the receipts that arrive within one turn of the event loop are inserted in one
   * transaction, so they share one fsync (the cost of synchronous=FULL) instead of paying one each.
   * Each still gets its own answer; a failed transaction fails them all (503: the SDK retries).
   */
  put(entry: NewReceipt): Promise<PutResult> {
    return new Promise((resolve, reject) => {
      this.batch.push({ entry, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => this.commit());
    });
  }

  private batch: Array<{ entry: NewReceipt; resolve: (result: PutResult) => void; reject: (error: unknown) => void }> = [];

  private commit(): void {
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return;
    let results: PutResult[];
    try {
      results = this.putAll(batch.map((b) => b.entry));
    } catch (error) {
      for (const b of batch) b.reject(error);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]!));
  }

  private putAll = (entries: NewReceipt[]): PutResult[] => this.db.transaction(() => entries.map((e) => this.putOne(e)))();

  /** Inside the batch's transaction: a second receipt with the same key sees the first one's row. */
  private putOne(entry: NewReceipt): PutResult {
    const { receipt } = entry;
    const row = {
      consentId: receipt.consentId,
      seq: receipt.seq,
      decidedAt: normalizedTime(receipt.decidedAt),
      decision: receipt.decision,
      method: receipt.method,
      policyVersion: receipt.policyVersion,
      origin: entry.origin,
      receivedAt: entry.receivedAt,
      receipt: entry.canonical,
    };
    if (this.sql.insert.run(row).changes === 1) return { status: 'stored' };
    const stored = this.sql.existing.get(receipt.consentId, receipt.seq) as string;
    if (stored === entry.canonical) return { status: 'duplicate' };
    this.sql.insertConflict.run({ ...row, digest: digestOf(entry.canonical) });
    return { status: 'conflict', stored };
  }

  async lookup(consentId: string): Promise<StoredReceipt[]> {
    return (this.sql.lookup.all(consentId, consentId) as Row[]).map(toStored);
  }

  range(range: TimeRange, pageSize = 500): AsyncIterable<StoredReceipt> {
    const of = (table: ReturnType<typeof pageStatements>) =>
      pages(async (after: PageCursor | null, limit: number) => {
        const rows = (after ? table.next.all(range.until, after.decidedAt, after.id, limit) : table.first.all(range.from, range.until, limit)) as Row[];
        return rows.map((row) => ({ receipt: toStored(row), cursor: { decidedAt: row.decided_at, id: row.id } }));
      }, pageSize);
    return byDecidedAt(of(this.sql.receiptPages), of(this.sql.conflictPages));
  }

  async stats(range: TimeRange): Promise<DayCount[]> {
    return this.sql.stats.all(range.from, range.until) as DayCount[];
  }

  async count(): Promise<number> {
    return this.sql.count.get() as number;
  }

  async purge(retainDays: number, { batch = PURGE_BATCH }: { batch?: number } = {}): Promise<PurgeResult> {
    const total: PurgeResult = { receipts: 0, conflicts: 0, runs: 0 };
    const { receiptRetention, conflictRetention, recordRun } = this.sql;
    // One transaction per batch: the run is recorded first (the delete triggers look for it), then
    // exactly what it counted is deleted, or nothing is.
    const purgeBatch = this.db.transaction((ranAt: string, cutoff: string) => {
      const receipts = receiptRetention.count.get(cutoff, batch) as number;
      const conflicts = conflictRetention.count.get(cutoff, batch) as number;
      if (!receipts && !conflicts) return null;
      recordRun.run(ranAt, retainDays, cutoff, receipts, conflicts);
      if (receiptRetention.delete.run(cutoff, batch).changes !== receipts || conflictRetention.delete.run(cutoff, batch).changes !== conflicts)
        throw new Error('retention: the rows deleted differ from the rows counted');
      return { receipts, conflicts };
    });
    for (;;) {
      const ranAt = Date.now();
      const done = purgeBatch.immediate(new Date(ranAt).toISOString(), new Date(ranAt - retainDays * 86_400_000).toISOString());
      if (!done) return total;
      total.receipts += done.receipts;
      total.conflicts += done.conflicts;
      total.runs++;
      if (done.receipts < batch && done.conflicts < batch) return total;
      // Receipts waiting for the one connection go between two batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async retentionRuns(): Promise<RetentionRun[]> {
    return this.sql.runs.all() as RetentionRun[];
  }

  async bytesSince(since: string): Promise<number> {
    return this.sql.bytesSince.get({ since: normalizedTime(since) }) as number;
  }

  async probe(): Promise<void> {
    this.sql.probe.run(new Date().toISOString());
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commit();
    this.db.close();
  }
}
