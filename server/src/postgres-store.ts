import pg from 'pg';
import { migrations } from './migrations';
import { byDecidedAt, digestOf, pages, PURGE_BATCH, type DayCount, type NewReceipt, type PageCursor, type PurgeResult, type PutResult, type ReceiptStore, type RetentionRun, type StoredReceipt, type TimeRange } from './store';
import { normalizedTime } from './validate';

interface Row {
  id: string;
  decided_at: Date;
  origin: string;
  received_at: Date;
  receipt: string;
  conflict: boolean;
}

const toStored = (row: Row): StoredReceipt => ({ receipt: JSON.parse(row.receipt), origin: row.origin, receivedAt: row.received_at.toISOString(), conflict: row.conflict });

/** One key for every collector of any database on the server: migrations are rare and quick. ('CGmi') */
const MIGRATION_LOCK = 0x43476d69;
/** Collectors sharing a database run retention one at a time. ('CGre') */
const RETENTION_LOCK = 0x43476d65;

const COLUMNS = `id, decided_at, origin, received_at, receipt`;

/** The columns both tables copy from a receipt, as the arrays `unnest($1 … $9)` takes. */
const ROW_TYPES = `$1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[]`;
const rowArrays = (entries: NewReceipt[]): unknown[][] => [
  entries.map((e) => e.receipt.consentId),
  entries.map((e) => e.receipt.seq),
  entries.map((e) => normalizedTime(e.receipt.decidedAt)),
  entries.map((e) => e.receipt.decision),
  entries.map((e) => e.receipt.method),
  entries.map((e) => e.receipt.policyVersion),
  entries.map((e) => e.origin),
  entries.map((e) => e.receivedAt),
  entries.map((e) => e.canonical),
];

/** Most receipts in one INSERT, and most INSERTs at once (of the pool's connections). */
const BATCH = 256;
const BATCHES = 4;

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): one row's values are refused. */
const isDataError = (error: unknown): boolean => /^2[23]/.test(String((error as { code?: unknown } | null)?.code ?? ''));

interface Pending {
  entry: NewReceipt;
  resolve: (result: PutResult) => void;
  reject: (error: unknown) => void;
}

/**
 * PostgreSQL through a `pg` Pool, parameterized queries only, named (prepared once per connection).
 * Puts are `INSERT … ON CONFLICT DO NOTHING`, then, only for what was not inserted, a read of what
 * the key holds: the unique constraint decides between two concurrent senders, not the collector.
 */
export class PostgresStore implements ReceiptStore {
  readonly engine = 'postgres' as const;
  private readonly pool: pg.Pool;

  private readonly batches: number;

  constructor(url: string, options: { max?: number; batches?: number } = {}) {
    this.batches = options.batches ?? BATCHES;
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      // Fail fast while the database is down: the SDK gets a 503 and retries later.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 15_000,
      application_name: 'consentgate-collector',
    });
    // An idle connection that dies (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', (error) => console.error(`[consentgate-collector] PostgreSQL connection lost: ${error.message}`));
  }

  async migrate(): Promise<number[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Held until COMMIT: a second collector starting now waits here, then finds everything applied.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        applied.push(migration.version);
      }
      await client.query('COMMIT');
      return applied;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Group commit, as in SQLite: receipts that arrive while the database is busy go in one
   * `INSERT … SELECT FROM unnest(…)` of up to BATCH rows, one statement and one commit for all. At
   * most BATCHES statements run at once; a receipt that finds one free goes alone, at once.
   */
  put(entry: NewReceipt): Promise<PutResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      this.dispatch();
    });
  }

  private waiting: Pending[] = [];
  private running = 0;

  private dispatch(): void {
    while (this.running < this.batches && this.waiting.length) {
      const group = this.waiting.splice(0, BATCH);
      this.running++;
      void this.putGroup(group).finally(() => {
        this.running--;
        this.dispatch();
      });
    }
  }

  /**
   * One INSERT for the group. When PostgreSQL refuses the data of a receipt (what validation let
   * through), the whole statement fails: each receipt then goes again alone, so only that one
   * fails and the others are stored. Any other failure (the database is down) fails them all.
   */
  private async putGroup(group: Pending[]): Promise<void> {
    try {
      const results = await this.putBatch(group.map((p) => p.entry));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      if (group.length === 1 || !isDataError(error)) return group.forEach((p) => p.reject(error));
      for (const one of group) await this.putGroup([one]);
    }
  }

  private async putBatch(entries: NewReceipt[]): Promise<PutResult[]> {
    const inserted = await this.pool.query<{ consent_id: string; seq: number; receipt: string }>({
      name: 'cg_insert_batch',
      text: `INSERT INTO receipts (consent_id, seq, decided_at, decision, method, policy_version, origin, received_at, receipt)
             SELECT * FROM unnest(${ROW_TYPES})
             ON CONFLICT (consent_id, seq) DO NOTHING
             RETURNING consent_id, seq, receipt`,
      values: rowArrays(entries),
    });
    const key = (consentId: string, seq: number) => `${consentId}#${seq}`;
    // What this statement inserted, by key; for the rest, what the key already held.
    const insertedNow = new Map(inserted.rows.map((r) => [key(r.consent_id, r.seq), r.receipt]));
    const others = entries.filter((e) => !insertedNow.has(key(e.receipt.consentId, e.receipt.seq)));
    const held = new Map<string, string>();
    if (others.length) {
      const existing = await this.pool.query<{ consent_id: string; seq: number; receipt: string }>({
        name: 'cg_existing_batch',
        text: `SELECT r.consent_id, r.seq, r.receipt FROM receipts r JOIN unnest($1::uuid[], $2::int[]) AS k(consent_id, seq) USING (consent_id, seq)`,
        values: [others.map((e) => e.receipt.consentId), others.map((e) => e.receipt.seq)],
      });
      for (const r of existing.rows) held.set(key(r.consent_id, r.seq), r.receipt);
    }
    // The same key twice in one batch: one row went in; the entry with its content is the one stored.
    const claimed = new Set<string>();
    const results = entries.map((e): PutResult => {
      const k = key(e.receipt.consentId, e.receipt.seq);
      const now = insertedNow.get(k);
      if (now !== undefined && now === e.canonical && !claimed.has(k)) {
        claimed.add(k);
        return { status: 'stored' };
      }
      const stored = now ?? held.get(k);
      if (stored === undefined) throw new Error(`receipt ${k} neither inserted nor found`);
      return stored === e.canonical ? { status: 'duplicate' } : { status: 'conflict', stored };
    });
    const conflicts = entries.filter((_, i) => results[i]!.status === 'conflict');
    if (conflicts.length)
      await this.pool.query({
        name: 'cg_insert_conflicts',
        text: `INSERT INTO receipt_conflicts (consent_id, seq, decided_at, decision, method, policy_version, origin, received_at, receipt, digest)
               SELECT * FROM unnest(${ROW_TYPES}, $10::text[])
               ON CONFLICT (consent_id, seq, digest) DO NOTHING`,
        values: [...rowArrays(conflicts), conflicts.map((e) => digestOf(e.canonical))],
      });
    return results;
  }

  async lookup(consentId: string): Promise<StoredReceipt[]> {
    const result = await this.pool.query<Row>({
      name: 'cg_lookup',
      text: `SELECT ${COLUMNS}, false AS conflict, seq FROM receipts WHERE consent_id = $1
             UNION ALL
             SELECT ${COLUMNS}, true AS conflict, seq FROM receipt_conflicts WHERE consent_id = $1
             ORDER BY seq, conflict, id`,
      values: [consentId],
    });
    return result.rows.map(toStored);
  }

  range(range: TimeRange, pageSize = 500): AsyncIterable<StoredReceipt> {
    const of = (table: 'receipts' | 'receipt_conflicts') =>
      pages(async (after: PageCursor | null, limit: number) => {
        const columns = `${COLUMNS}, ${table === 'receipts' ? 'false' : 'true'} AS conflict`;
        const result = after
          ? await this.pool.query<Row>({
              name: `cg_next_page_${table}`,
              text: `SELECT ${columns} FROM ${table} WHERE decided_at < $1 AND (decided_at, id) > ($2::timestamptz, $3::bigint) ORDER BY decided_at, id LIMIT $4`,
              values: [range.until, after.decidedAt, after.id, limit],
            })
          : await this.pool.query<Row>({
              name: `cg_first_page_${table}`,
              text: `SELECT ${columns} FROM ${table} WHERE decided_at >= $1 AND decided_at < $2 ORDER BY decided_at, id LIMIT $3`,
              values: [range.from, range.until, limit],
            });
        return result.rows.map((row) => ({ receipt: toStored(row), cursor: { decidedAt: row.decided_at.toISOString(), id: Number(row.id) } }));
      }, pageSize);
    return byDecidedAt(of('receipts'), of('receipt_conflicts'));
  }

  async stats(range: TimeRange): Promise<DayCount[]> {
    const result = await this.pool.query<{ day: string; decision: DayCount['decision']; count: string }>({
      name: 'cg_stats',
      text: `SELECT to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, decision, count(*) AS count FROM receipts
             WHERE decided_at >= $1 AND decided_at < $2 GROUP BY 1, 2 ORDER BY 1, 2`,
      values: [range.from, range.until],
    });
    return result.rows.map((row) => ({ day: row.day, decision: row.decision, count: Number(row.count) }));
  }

  async bytesSince(since: string): Promise<number> {
    const result = await this.pool.query<{ n: string }>({
      name: 'cg_bytes_since',
      text: `SELECT (SELECT coalesce(sum(octet_length(receipt)), 0) FROM receipts WHERE received_at >= $1)
                  + (SELECT coalesce(sum(octet_length(receipt)), 0) FROM receipt_conflicts WHERE received_at >= $1) AS n`,
      values: [since],
    });
    return Number(result.rows[0]!.n);
  }

  async purge(retainDays: number, { batch = PURGE_BATCH }: { batch?: number } = {}): Promise<PurgeResult> {
    const total: PurgeResult = { receipts: 0, conflicts: 0, runs: 0 };
    for (;;) {
      const done = await this.purgeBatch(retainDays, batch);
      if (!done) return total;
      total.receipts += done.receipts;
      total.conflicts += done.conflicts;
      total.runs++;
      if (done.receipts < batch && done.conflicts < batch) return total;
    }
  }

  /**
   * One transaction: the run is recorded first (the delete triggers look for it), then exactly what
   * it counted is deleted, or nothing is. The cutoff is the database's clock, now() of the transaction.
   */
  private async purgeBatch(retainDays: number, batch: number): Promise<{ receipts: number; conflicts: number } | null> {
    const client = await this.pool.connect();
    const cutoff = `now() - make_interval(days => $1)`;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [RETENTION_LOCK]);
      const count = async (table: string) =>
        Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE received_at < ${cutoff} LIMIT $2) AS expired`, [retainDays, batch])).rows[0]!.n);
      const receipts = await count('receipts');
      const conflicts = await count('receipt_conflicts');
      if (!receipts && !conflicts) {
        await client.query('ROLLBACK');
        return null;
      }
      await client.query(
        `INSERT INTO retention_runs (ran_at, retain_days, cutoff, receipts_deleted, conflicts_deleted) VALUES (now(), $1, ${cutoff}, $2, $3)`,
        [retainDays, receipts, conflicts],
      );
      const remove = async (table: string) =>
        (await client.query(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE received_at < ${cutoff} ORDER BY received_at LIMIT $2)`, [retainDays, batch])).rowCount;
      if ((await remove('receipts')) !== receipts || (await remove('receipt_conflicts')) !== conflicts) throw new Error('retention: the rows deleted differ from the rows counted');
      await client.query('COMMIT');
      return { receipts, conflicts };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async retentionRuns(): Promise<RetentionRun[]> {
    const result = await this.pool.query<{ ran_at: Date; retain_days: number; cutoff: Date; receipts_deleted: string; conflicts_deleted: string }>(
      `SELECT ran_at, retain_days, cutoff, receipts_deleted, conflicts_deleted FROM retention_runs ORDER BY id`,
    );
    return result.rows.map((row) => ({
      ranAt: row.ran_at.toISOString(),
      retainDays: row.retain_days,
      cutoff: row.cutoff.toISOString(),
      receiptsDeleted: Number(row.receipts_deleted),
      conflictsDeleted: Number(row.conflicts_deleted),
    }));
  }

  async count(): Promise<number> {
    const result = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM receipts');
    return Number(result.rows[0]!.n);
  }

  async probe(): Promise<void> {
    await this.pool.query({
      name: 'cg_probe',
      text: `INSERT INTO health_probe (id, written_at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`,
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
