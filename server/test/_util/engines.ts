import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Engine, type ReceiptStore } from '../../src/store';

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

/** A new PostgreSQL database on the test server (postgres-setup.ts): suites never share one. */
async function postgresDatabase(): Promise<TestDatabase> {
  const base = new URL(inject('pgUrl'));
  const name = `cg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = url.toString();
  const stores: ReceiptStore[] = [];
  const sql = async (query: string) => {
    const client = new pg.Client({ connectionString: db });
    await client.connect();
    try {
      return (await client.query(query)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  return {
    engine: 'postgres',
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
      const admin = new pg.Client({ connectionString: base.toString() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'consentgate-sqlite-'));
  const db = join(dir, 'receipts.sqlite');
  const stores: ReceiptStore[] = [];
  const sql = async (query: string) => {
    const raw = new Database(db);
    try {
      const statement = raw.prepare(query);
      return statement.reader ? (statement.all() as Record<string, unknown>[]) : (statement.run(), []);
    } finally {
      raw.close();
    }
  };
  return {
    engine: 'sqlite',
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ENGINES: Engine[] = ['sqlite', 'postgres'];

export const testDatabase = (engine: Engine): Promise<TestDatabase> => (engine === 'postgres' ? postgresDatabase() : Promise.resolve(sqliteDatabase()));
