/**
 * The schema, as numbered migrations. Each runs once per database, recorded in `schema_migrations`;
 * all pending ones run in one transaction at start (PostgreSQL: under an advisory lock, so two
 * collectors starting at once do not race). Never edit a migration that has shipped: add one.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'receipts, append-only',
    // `receipt` is the canonical JSON (keys sorted) as received: the evidence. The other columns are
    // copies of its fields for lookups, ranges and counts, plus what the server saw (origin, clock).
    // decided_at is text in SQLite, always with milliseconds (normalizedTime), so text order is time order.
    sqlite: `
      CREATE TABLE receipts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        consent_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        decided_at TEXT NOT NULL,
        decision TEXT NOT NULL,
        method TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        origin TEXT NOT NULL,
        received_at TEXT NOT NULL,
        receipt TEXT NOT NULL,
        UNIQUE (consent_id, seq)
      );
      CREATE INDEX receipts_decided_at ON receipts (decided_at, id);
      CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only: UPDATE refused'); END;
      CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only: DELETE refused'); END;
    `,
    // The UNIQUE constraint's index serves lookups by consent ID (its first column).
    postgres: `
      CREATE TABLE receipts (
        id BIGSERIAL PRIMARY KEY,
        consent_id UUID NOT NULL,
        seq INTEGER NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL,
        decision TEXT NOT NULL,
        method TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        origin TEXT NOT NULL,
        received_at TIMESTAMPTZ NOT NULL,
        receipt TEXT NOT NULL,
        UNIQUE (consent_id, seq)
      );
      CREATE INDEX receipts_decided_at ON receipts (decided_at, id);
      CREATE FUNCTION receipts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'receipts are append-only: % refused', TG_OP; END
      $$;
      CREATE TRIGGER receipts_no_update_delete BEFORE UPDATE OR DELETE ON receipts
        FOR EACH ROW EXECUTE FUNCTION receipts_append_only();
      CREATE TRIGGER receipts_no_truncate BEFORE TRUNCATE ON receipts
        FOR EACH STATEMENT EXECUTE FUNCTION receipts_append_only();
    `,
  },
  {
    version: 2,
    name: 'health probe',
    // One row, rewritten by GET /health: a committed write, because SELECT 1 still answers while a
    // full disk or a read-only database refuses every receipt. Not evidence, so not append-only.
    sqlite: `CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), written_at TEXT NOT NULL);`,
    postgres: `CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), written_at TIMESTAMPTZ NOT NULL);`,
  },
  {
    version: 3,
    name: 'receipt conflicts, append-only',
    // A receipt whose key (consent_id, seq) holds another content: kept, not refused, because the
    // first to claim a key may be a forgery and the visitor's own receipt (a withdrawal) must not be
    // lost. Once per content: `digest` is the SHA-256 of the canonical JSON (resends add no row).
    sqlite: `
      CREATE TABLE receipt_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        consent_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        decided_at TEXT NOT NULL,
        decision TEXT NOT NULL,
        method TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        origin TEXT NOT NULL,
        received_at TEXT NOT NULL,
        receipt TEXT NOT NULL,
        digest TEXT NOT NULL,
        UNIQUE (consent_id, seq, digest)
      );
      CREATE INDEX receipt_conflicts_decided_at ON receipt_conflicts (decided_at, id);
      CREATE TRIGGER receipt_conflicts_no_update BEFORE UPDATE ON receipt_conflicts
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only: UPDATE refused'); END;
      CREATE TRIGGER receipt_conflicts_no_delete BEFORE DELETE ON receipt_conflicts
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only: DELETE refused'); END;
    `,
    postgres: `
      CREATE TABLE receipt_conflicts (
        id BIGSERIAL PRIMARY KEY,
        consent_id UUID NOT NULL,
        seq INTEGER NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL,
        decision TEXT NOT NULL,
        method TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        origin TEXT NOT NULL,
        received_at TIMESTAMPTZ NOT NULL,
        receipt TEXT NOT NULL,
        digest TEXT NOT NULL,
        UNIQUE (consent_id, seq, digest)
      );
      CREATE INDEX receipt_conflicts_decided_at ON receipt_conflicts (decided_at, id);
      CREATE TRIGGER receipt_conflicts_no_update_delete BEFORE UPDATE OR DELETE ON receipt_conflicts
        FOR EACH ROW EXECUTE FUNCTION receipts_append_only();
      CREATE TRIGGER receipt_conflicts_no_truncate BEFORE TRUNCATE ON receipt_conflicts
        FOR EACH STATEMENT EXECUTE FUNCTION receipts_append_only();
    `,
  },
  {
    version: 4,
    name: 'received_at indexes',
    // The daily storage cap sums what was received since midnight (UTC) at start, and retention
    // deletes by the server's clock: both by received_at.
    sqlite: `
      CREATE INDEX receipts_received_at ON receipts (received_at);
      CREATE INDEX receipt_conflicts_received_at ON receipt_conflicts (received_at);
    `,
    postgres: `
      CREATE INDEX receipts_received_at ON receipts (received_at);
      CREATE INDEX receipt_conflicts_received_at ON receipt_conflicts (received_at);
    `,
  },
  {
    version: 5,
    name: 'retention runs: deletes recorded, younger receipts append-only',
    // A DELETE of a receipt or conflict is refused unless a recorded retention run's cutoff is
    // later than the row's received_at: the collector records a run (in the same transaction)
    // before it deletes, and what is younger than every recorded cutoff stays append-only. A run's
    // cutoff must be retain_days before it ran. The runs themselves are append-only.
    sqlite: `
      CREATE TABLE retention_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ran_at TEXT NOT NULL,
        retain_days INTEGER NOT NULL CHECK (retain_days >= 1),
        cutoff TEXT NOT NULL,
        receipts_deleted INTEGER NOT NULL,
        conflicts_deleted INTEGER NOT NULL,
        CHECK (cutoff <= strftime('%Y-%m-%dT%H:%M:%fZ', ran_at, '-' || retain_days || ' days'))
      );
      CREATE INDEX retention_runs_cutoff ON retention_runs (cutoff);
      CREATE TRIGGER retention_runs_no_update BEFORE UPDATE ON retention_runs
        BEGIN SELECT RAISE(ABORT, 'retention runs are append-only: UPDATE refused'); END;
      CREATE TRIGGER retention_runs_no_delete BEFORE DELETE ON retention_runs
        BEGIN SELECT RAISE(ABORT, 'retention runs are append-only: DELETE refused'); END;
      DROP TRIGGER receipts_no_delete;
      CREATE TRIGGER receipts_delete_expired_only BEFORE DELETE ON receipts
        WHEN NOT EXISTS (SELECT 1 FROM retention_runs WHERE cutoff > OLD.received_at)
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only: DELETE refused (only a recorded retention run deletes, and only what was received before its cutoff)'); END;
      DROP TRIGGER receipt_conflicts_no_delete;
      CREATE TRIGGER receipt_conflicts_delete_expired_only BEFORE DELETE ON receipt_conflicts
        WHEN NOT EXISTS (SELECT 1 FROM retention_runs WHERE cutoff > OLD.received_at)
        BEGIN SELECT RAISE(ABORT, 'receipts are append-only: DELETE refused (only a recorded retention run deletes, and only what was received before its cutoff)'); END;
    `,
    postgres: `
      CREATE TABLE retention_runs (
        id BIGSERIAL PRIMARY KEY,
        ran_at TIMESTAMPTZ NOT NULL,
        retain_days INTEGER NOT NULL CHECK (retain_days >= 1),
        cutoff TIMESTAMPTZ NOT NULL,
        receipts_deleted BIGINT NOT NULL,
        conflicts_deleted BIGINT NOT NULL,
        CHECK (cutoff <= ran_at - make_interval(days => retain_days))
      );
      CREATE INDEX retention_runs_cutoff ON retention_runs (cutoff);
      CREATE FUNCTION retention_runs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'retention runs are append-only: % refused', TG_OP; END
      $$;
      CREATE TRIGGER retention_runs_no_update_delete BEFORE UPDATE OR DELETE ON retention_runs
        FOR EACH ROW EXECUTE FUNCTION retention_runs_append_only();
      CREATE TRIGGER retention_runs_no_truncate BEFORE TRUNCATE ON retention_runs
        FOR EACH STATEMENT EXECUTE FUNCTION retention_runs_append_only();
      CREATE FUNCTION receipts_delete_expired_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF OLD.received_at < (SELECT max(cutoff) FROM retention_runs) THEN RETURN OLD; END IF;
          RAISE EXCEPTION 'receipts are append-only: DELETE refused (only a recorded retention run deletes, and only what was received before its cutoff)';
        END
      $$;
      DROP TRIGGER receipts_no_update_delete ON receipts;
      CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
        FOR EACH ROW EXECUTE FUNCTION receipts_append_only();
      CREATE TRIGGER receipts_delete_expired_only BEFORE DELETE ON receipts
        FOR EACH ROW EXECUTE FUNCTION receipts_delete_expired_only();
      DROP TRIGGER receipt_conflicts_no_update_delete ON receipt_conflicts;
      CREATE TRIGGER receipt_conflicts_no_update BEFORE UPDATE ON receipt_conflicts
        FOR EACH ROW EXECUTE FUNCTION receipts_append_only();
      CREATE TRIGGER receipt_conflicts_delete_expired_only BEFORE DELETE ON receipt_conflicts
        FOR EACH ROW EXECUTE FUNCTION receipts_delete_expired_only();
    `,
  },
];

export const MIGRATIONS_TABLE = `schema_migrations`;
