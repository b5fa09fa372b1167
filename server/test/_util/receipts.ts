import { randomUUID } from 'node:crypto';
import { buildReceipt } from '../../../src/receipts/receipt';
import type { ConsentReceipt, ConsentRecord } from '../../../src/types';
import { sampleRecord } from '../../../test/fixtures/records';

export const SITE = 'https://site.example';

/**
 * A receipt as the SDK builds it (its own `buildReceipt` over the shared record fixture), with a
 * fresh consent ID unless one is given: what the collector accepts is what the SDK sends.
 */
export function makeReceipt(record: Partial<ConsentRecord> = {}, extra: Partial<ConsentReceipt> = {}): ConsentReceipt {
  const receipt = buildReceipt(sampleRecord({ id: randomUUID(), ...record }), {
    required: ['necessary'],
    withdrawal: false,
    url: `${SITE}/pricing?utm_source=mail#plans`,
    language: 'en',
  });
  return { ...receipt, ...extra };
}
