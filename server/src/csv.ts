import type { StoredReceipt } from './store';

/**
 * CSV for the privacy officer's spreadsheet (RFC 4180: comma separated, CRLF line ends, a field
 * with a comma, quote, CR or LF in double quotes, quotes doubled).
 */

/** Columns of the export: the receipt's fields a reviewer filters on, then the server's, and whether the row is a conflict. */
export const CSV_COLUMNS = [
  'consent_id',
  'seq',
  'decided_at',
  'decision',
  'method',
  'policy_version',
  'mode',
  'given_at',
  'withdrawn_at',
  'categories',
  'services',
  'dnt_observed',
  'dnt_honored',
  'gpc_observed',
  'gpc_honored',
  'page',
  'language',
  'sdk_version',
  'origin',
  'received_at',
  'conflict',
] as const;

/**
 * OWASP "CSV injection": a spreadsheet runs a cell starting with = + - @ (or a tab or CR, which
 * some strip first) as a formula. Such a cell gets a leading apostrophe, which shows it as text.
 * Receipt text that can start so: the policy version (any non-space first character).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly unknown[]): string => cells.map(csvCell).join(',') + '\r\n';

export const csvHeader = (): string => csvLine(CSV_COLUMNS);

export function csvRow({ receipt: r, origin, receivedAt, conflict }: StoredReceipt): string {
  const { doNotTrack: dnt, globalPrivacyControl: gpc } = r.signals;
  return csvLine([
    r.consentId,
    r.seq,
    r.decidedAt,
    r.decision,
    r.method,
    r.policyVersion,
    r.mode,
    r.givenAt,
    r.withdrawnAt,
    r.categories,
    r.services,
    dnt.observed,
    dnt.honored,
    gpc.observed,
    gpc.honored,
    r.page,
    r.language,
    r.sdkVersion,
    origin,
    receivedAt,
    conflict,
  ]);
}
