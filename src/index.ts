/**
 * npm entry: named exports only, no side effect on import.
 * `createConsentGate` wires everything; the parts are exported for custom compositions.
 */
export { createConsentGate, createPublicApi, createCore, loadConfig, type ConsentGateOptions } from './gate';
export { validateConfig, resolveConfig, ConsentGateConfigError, type ResolvedConfig } from './config';
export {
  createConsentManager,
  createCookieStore,
  createMemoryStore,
  readSignals,
  type ConsentManager,
  type ConsentStore,
  type ObservedSignals,
} from './consent';
export { CHANGE_EVENT } from './integrations';
export { installBlocking, createServiceCatalog, type Blocking, type BlockingEvent, type BlockingOptions } from './blocking';
export {
  buildReceipt,
  connectReceipts,
  createReceiptQueue,
  type ReceiptQueue,
  type ReceiptQueueOptions,
  type ReceiptQueueStats,
  type ReceiptStorage,
} from './receipts';
export { VERSION } from './version';
export type * from './types';
