import pg from 'pg';
import { migrations } from './migrations';
import { pages, type DayCount, type NewReceipt, type PageCursor, type PutResult, type ReceiptStore, type StoredReceipt, type TimeRange } from './store';
import { normalizedTime } from './validate';

interface Row {
  id: string;
  decided_at: Date;
  origin: string;
  received_at: Date;
  receipt: string;
}

const toStored = (row: Row): StoredReceipt => ({ receipt: JSON.parse(row.receipt), origin: row.origin, receivedAt: row.received_at.toISOString() });

/** One key for every collector of any database on the server: migrations are rare and quick. ('CGmi') */
const MIGRATION_LOCK = 0x43476d69;

const COLUMNS = `id, decided_at, origin, received_at, receipt`;

/**
 * PostgreSQL through a `pg` Pool, parameterized queries only, named (prepared once per connection).
 * A put is `INSERT … ON CONFLICT DO NOTHING`, then, only when nothing was inserted, a read of what
 * the key holds: the unique constraint decides between two concurrent senders, not the collector.
 */
export class PostgresStore implements ReceiptStore {
  readonly engine = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
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

  async put(entry: NewReceipt): Promise<PutResult> {
    const { receipt } = entry;
    const inserted = await this.pool.query({
      name: 'cg_insert',
      text: `INSERT INTO receipts (consent_id, seq, decided_at, decision, method, policy_version, origin, received_at, receipt)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (consent_id, seq) DO NOTHING`,
      values: [receipt.consentId, receipt.seq, normalizedTime(receipt.decidedAt), receipt.decision, receipt.method, receipt.policyVersion, entry.origin, entry.receivedAt, entry.canonical],
    });
    if (inserted.rowCount === 1) return { status: 'stored' };
    const existing = await this.pool.query<{ receipt: string }>({
      name: 'cg_existing',
      text: 'SELECT receipt FROM receipts WHERE consent_id = $1 AND seq = $2',
      values: [receipt.consentId, receipt.seq],
    });
    const stored = existing.rows[0]?.receipt;
    if (stored === undefined) throw new Error(`receipt ${receipt.consentId}#${receipt.seq} neither inserted nor found`);
    return stored === entry.canonical ? { status: 'duplicate' } : { status: 'conflict', stored };
  }

  async lookup(consentId: string): Promise<StoredReceipt[]> {
    const result = await this.pool.query<Row>({ name: 'cg_lookup', text: `SELECT ${COLUMNS} FROM receipts WHERE consent_id = $1 ORDER BY seq`, values: [consentId] });
    return result.rows.map(toStored);
  }

  range(range: TimeRange, pageSize = 500): AsyncIterable<StoredReceipt> {
    return pages(async (after: PageCursor | null, limit: number) => {
      const result = after
        ? await this.pool.query<Row>({
            name: 'cg_next_page',
            text: `SELECT ${COLUMNS} FROM receipts WHERE decided_at < $1 AND (decided_at, id) > ($2::timestamptz, $3::bigint) ORDER BY decided_at, id LIMIT $4`,
            values: [range.until, after.decidedAt, after.id, limit],
          })
        : await this.pool.query<Row>({
            name: 'cg_first_page',
            text: `SELECT ${COLUMNS} FROM receipts WHERE decided_at >= $1 AND decided_at < $2 ORDER BY decided_at, id LIMIT $3`,
            values: [range.from, range.until, limit],
          });
      return result.rows.map((row) => ({ receipt: toStored(row), cursor: { decidedAt: row.decided_at.toISOString(), id: Number(row.id) } }));
    }, pageSize);
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

  async count(): Promise<number> {
    const result = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM receipts');
    return Number(result.rows[0]!.n);
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
