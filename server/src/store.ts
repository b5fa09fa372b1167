import { createHash } from 'node:crypto';
import type { ConsentReceipt, ReceiptDecision } from '../../src/types';

export type Engine = 'sqlite' | 'postgres';

/** What the collector stores for one receipt: the receipt itself and what the server saw. No IP, no user agent. */
export interface NewReceipt {
  receipt: ConsentReceipt;
  /** `canonicalJson(receipt)`: kept verbatim and compared on a resend. */
  canonical: string;
  /** The request's `Origin` (one of the configured site origins). */
  origin: string;
  /** Server clock, ISO 8601 UTC. */
  receivedAt: string;
}

export interface StoredReceipt {
  receipt: ConsentReceipt;
  origin: string;
  receivedAt: string;
  /** Kept beside the receipt its key holds: another sender claimed this consent ID and seq first, or this one is the forgery. */
  conflict: boolean;
}

/**
 * `stored`: new. `duplicate`: the same receipt was stored before. `conflict`: its key holds another
 * content (`stored`), and this one is kept beside it as a conflict (now, or when it was sent before).
 */
export type PutResult = { status: 'stored' } | { status: 'duplicate' } | { status: 'conflict'; stored: string };

export interface DayCount {
  /** UTC day of `decidedAt`, YYYY-MM-DD. */
  day: string;
  decision: ReceiptDecision;
  count: number;
}

export interface PurgeResult {
  receipts: number;
  conflicts: number;
  /** Transactions, each a row of `retention_runs`. */
  runs: number;
}

/** One row of `retention_runs`: when, the setting, what was deleted (received before `cutoff`). */
export interface RetentionRun {
  ranAt: string;
  retainDays: number;
  cutoff: string;
  receiptsDeleted: number;
  conflictsDeleted: number;
}

/** Most rows of each table one retention transaction deletes: a long first run does not hold the writer for long. */
export const PURGE_BATCH = 10_000;

/** A half-open range of `decidedAt`: `from` ≤ t < `until`, both ISO 8601 UTC with milliseconds. */
export interface TimeRange {
  from: string;
  until: string;
}

/**
 * Where receipts live. Append-only: there is no update and no delete, and the database refuses
 * both (triggers, see migrations.ts). Two engines: SQLite (a file, the default) and PostgreSQL.
 * A second table keeps the conflicts: receipts whose key already held another content.
 */
export interface ReceiptStore {
  readonly engine: Engine;
  /** Applies the migrations not yet applied; returns their versions (empty when up to date). */
  migrate(): Promise<number[]>;
  /** Stores a receipt once per `consentId` + `seq`; another content under a taken key, once, as a conflict. */
  put(entry: NewReceipt): Promise<PutResult>;
  /** Every receipt of one consent ID, by `seq`, each key's receipt before its conflicts. */
  lookup(consentId: string): Promise<StoredReceipt[]>;
  /** Receipts and conflicts decided in `range`, by `decidedAt`, one page at a time (never the whole range in memory). */
  range(range: TimeRange, pageSize?: number): AsyncIterable<StoredReceipt>;
  /** Counts of the receipts (not the conflicts) per UTC day of `decidedAt` and per decision. */
  stats(range: TimeRange): Promise<DayCount[]>;
  /** Bytes of canonical JSON received at or after `since` (ISO 8601), conflicts included: the daily cap's start. */
  bytesSince(since: string): Promise<number>;
  /**
   * Retention: deletes the receipts and conflicts received more than `retainDays` days ago, at
   * most `batch` of each per transaction (10,000), each transaction recording its run in
   * `retention_runs` first (the database refuses any other DELETE). Resolves with what went.
   */
  purge(retainDays: number, options?: { batch?: number }): Promise<PurgeResult>;
  /** The recorded retention runs, oldest first (the read side's GET /retention). */
  retentionRuns(): Promise<RetentionRun[]>;
  /** Number of receipts stored, conflicts not counted (tests, the load test). */
  count(): Promise<number>;
  /** Commits a write to a one-row table (GET /health); rejects with why the database refused it. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

/** Where a page of `range` ends: the next page starts after this (decidedAt, id). */
export interface PageCursor {
  decidedAt: string;
  id: number;
}

/**
 * Keyset pagination shared by both engines: pages of `pageSize` rows ordered by (decided_at, id).
 * No cursor stays open between pages, so an export never holds a connection (or, in SQLite, the
 * one connection the writes need) while the client reads slowly.
 */
export async function* pages<Row extends { receipt: StoredReceipt; cursor: PageCursor }>(
  fetchPage: (after: PageCursor | null, limit: number) => Promise<Row[]>,
  pageSize: number,
): AsyncIterable<StoredReceipt> {
  let after: PageCursor | null = null;
  for (;;) {
    const rows = await fetchPage(after, pageSize);
    for (const row of rows) yield row.receipt;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.cursor;
  }
}

/**
 * The receipts and the conflicts of a range, two streams in `decidedAt` order, as one: at the
 * same time a receipt comes before a conflict. Each table is paged on its own index.
 */
export async function* byDecidedAt(receipts: AsyncIterable<StoredReceipt>, conflicts: AsyncIterable<StoredReceipt>): AsyncIterable<StoredReceipt> {
  const a = receipts[Symbol.asyncIterator]();
  const b = conflicts[Symbol.asyncIterator]();
  let [nextA, nextB] = await Promise.all([a.next(), b.next()]);
  const time = (row: StoredReceipt) => Date.parse(row.receipt.decidedAt);
  while (!nextA.done || !nextB.done) {
    if (nextB.done || (!nextA.done && time(nextA.value) <= time(nextB.value))) {
      yield nextA.value;
      nextA = await a.next();
    } else {
      yield nextB.value;
      nextB = await b.next();
    }
  }
}

/** What tells conflicts apart (the unique key with consent ID and seq): the SHA-256 of the canonical JSON. */
export const digestOf = (canonical: string): string => createHash('sha256').update(canonical).digest('hex');
