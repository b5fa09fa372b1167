export { createConsentManager, type ConsentManager, type ConsentManagerOptions } from './manager';
export { createCookieStore, createMemoryStore, type ConsentStore, type CookieStoreOptions } from './store';
export { readSignals, decideSignal, signalOn, type ObservedSignals } from './signals';
export { parseRecord, serializeRecord, copyRecord, randomConsentId, MAX_RECORD_BYTES, type RecordStatus } from './record';
