import type { Engine, ReceiptStore } from './store';

/**
 * Which engine a `--db` names, and opening it. Apart from store.ts (the contract both engines
 * implement) so that the engines import the contract and only this module imports the engines:
 * no import cycle.
 */

/** `postgres://` or `postgresql://` selects PostgreSQL; anything else is a SQLite file path. */
export function engineOf(db: string): Engine {
  return /^postgres(ql)?:\/\//i.test(db) ? 'postgres' : 'sqlite';
}

/** Opens (does not migrate) the store `db` names. The engines load lazily: a SQLite user never loads `pg`. */
export async function openStore(db: string, options: { mustExist?: boolean } = {}): Promise<ReceiptStore> {
  if (engineOf(db) === 'postgres') {
    const { PostgresStore } = await import('./postgres-store');
    return new PostgresStore(db);
  }
  const { SqliteStore } = await import('./sqlite-store');
  return new SqliteStore(db, options);
}
