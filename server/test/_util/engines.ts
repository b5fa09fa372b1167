import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore } from '../../src/open-store';
import type { Engine, ReceiptStore } from '../../src/store';

/** A database of one engine, empty, for one suite; `sql` runs raw SQL beside the store (counts, tamper attempts). */
export interface TestDatabase {
  engine: Engine;
  /** What `--db` takes: a SQLite file path or a postgres:// URL. */
  db: string;
  open(): Promise<ReceiptStore>;
  sql(query: string): Promise<Record<string, unknown>[]>;
  count(): Promise<number>;
  dispose(): Promise<void>;
}

/** The engine-independent part: stores opened through it are closed before the database goes. */
function handle(engine: Engine, db: string, sql: TestDatabase['sql'], drop: () => Promise<void>): TestDatabase {
  const stores: ReceiptStore[] = [];
  return {
    engine,
    db,
    async open() {
      const store = await openStore(db);
      stores.push(store);
      return store;
    },
    sql,
    count: async () => Number((await sql('SELECT count(*) AS n FROM receipts'))[0]!.n),
    async dispose() {
      await Promise.all(stores.map((s) => s.close()));
      await drop();
    },
  };
}

/** A new PostgreSQL database on the test server (postgres-setup.ts): suites never share one. */
async function postgresDatabase(): Promise<TestDatabase> {
  const base = new URL(inject('pgUrl'));
  const name = `cg_test_${randomBytes(6).toString('hex')}`;
  const asAdmin = async (query: string) => {
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    try {
      await admin.query(query);
    } finally {
      await admin.end();
    }
  };
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = url.toString();
  return handle('postgres', db, async (query) => {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      return (await client.query(query)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }, () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'consentgate-sqlite-'));
  const db = join(dir, 'receipts.sqlite');
  return handle('sqlite', db, async (query) => {
    const raw = new Database(db);
    try {
      const statement = raw.prepare(query);
      return statement.reader ? (statement.all() as Record<string, unknown>[]) : (statement.run(), []);
    } finally {
      raw.close();
    }
  }, async () => rmSync(dir, { recursive: true, force: true }));
}

export const ENGINES: Engine[] = ['sqlite', 'postgres'];

export const testDatabase = (engine: Engine): Promise<TestDatabase> => (engine === 'postgres' ? postgresDatabase() : Promise.resolve(sqliteDatabase()));
