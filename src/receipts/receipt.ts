import type { ConsentReceipt, ConsentRecord, ReceiptDecision } from '../types';
import { VERSION } from '../version';

export interface ReceiptContext {
  /** Ids of the categories that are always on: they say nothing about the visitor's choice. */
  required: readonly string[];
  /** Whether this decision was a withdrawal. */
  withdrawal: boolean;
  /** `location.href` or similar: only origin and path are kept. */
  url: string;
  language: string;
}

/** Origin and path only: a query string or fragment can carry personal data (emails, tokens). */
export function pageOf(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname;
  } catch {
    return '';
  }
}

function decisionOf(record: ConsentRecord, context: ReceiptContext): ReceiptDecision {
  if (context.withdrawal) return 'withdraw';
  const optional = Object.entries(record.categories).filter(([id]) => !context.required.includes(id));
  if (optional.every(([, on]) => on) && !Object.values(record.services).includes(false)) return 'accept-all';
  if (optional.every(([, on]) => !on) && !Object.values(record.services).includes(true)) return 'reject-all';
  return 'partial';
}

/** The receipt of the decision a record now holds. Pure: the same record and context give the same receipt. */
export function buildReceipt(record: ConsentRecord, context: ReceiptContext): ConsentReceipt {
  return {
    v: 1,
    consentId: record.id,
    seq: record.seq,
    decision: decisionOf(record, context),
    method: record.method,
    decidedAt: record.updatedAt,
    givenAt: record.givenAt,
    ...(record.withdrawnAt ? { withdrawnAt: record.withdrawnAt } : {}),
    policyVersion: record.policyVersion,
    mode: record.mode,
    categories: record.categories,
    services: record.services,
    signals: record.signals,
    page: pageOf(context.url),
    language: context.language,
    sdkVersion: VERSION,
  };
}

/** A receipt's identity: the collector stores each once. */
export const receiptKey = (receipt: Pick<ConsentReceipt, 'consentId' | 'seq'>): string => `${receipt.consentId}#${receipt.seq}`;
