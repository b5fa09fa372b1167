import { isObject } from '../json-value';
import type { ConsentMethod, ConsentRecord, SignalDecision } from '../types';

/** Browsers keep at most about 4096 bytes per cookie; a larger value was not written by us. */
export const MAX_RECORD_BYTES = 4000;
const DAY = 864e5;
export const CONSENT_METHODS: readonly ConsentMethod[] = ['banner-accept-all', 'banner-reject-all', 'preferences', 'opt-out-link', 'placeholder', 'api', 'signal'];
/** A consent ID: UUID v4, lower case, as `randomConsentId` makes it. */
export const CONSENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Why a stored value does not count as a decision. */
export type RecordStatus = 'ok' | 'none' | 'outdated' | 'expired' | 'invalid';

export interface RecordCheck {
  policyVersion: string;
  lifetimeDays: number;
  now: number;
}

function isBooleanMap(value: unknown): value is Record<string, boolean> {
  return isObject(value) && Object.values(value).every((v) => typeof v === 'boolean');
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isSignal(value: unknown): value is SignalDecision {
  return (
    isObject(value) &&
    (value.observed === null || typeof value.observed === 'string' || typeof value.observed === 'boolean') &&
    typeof value.honored === 'boolean' &&
    isStringList(value.categories) &&
    typeof value.reason === 'string' &&
    (value.overriddenByVisitor === undefined || isStringList(value.overriddenByVisitor))
  );
}

function isDate(value: unknown, now: number): value is string {
  // A date from the future (beyond clock skew) was not written by this SDK.
  return typeof value === 'string' && ISO.test(value) && Date.parse(value) <= now + DAY;
}

/**
 * Reads a stored value. Anything malformed, tampered with, too large, from another policy version
 * or past its lifetime counts as no decision; nothing here throws.
 */
export function parseRecord(raw: string | undefined | null, check: RecordCheck): { record: ConsentRecord | null; status: RecordStatus } {
  if (raw == null || raw === '') return { record: null, status: 'none' };
  if (typeof raw !== 'string' || raw.length > MAX_RECORD_BYTES) return { record: null, status: 'invalid' };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { record: null, status: 'invalid' };
  }
  const { now } = check;
  if (
    !isObject(value) ||
    value.v !== 1 ||
    typeof value.id !== 'string' ||
    !CONSENT_ID.test(value.id) ||
    !isDate(value.givenAt, now) ||
    !isDate(value.updatedAt, now) ||
    (value.withdrawnAt !== undefined && !isDate(value.withdrawnAt, now)) ||
    typeof value.policyVersion !== 'string' ||
    (value.mode !== 'opt-in' && value.mode !== 'opt-out') ||
    !isBooleanMap(value.categories) ||
    !isBooleanMap(value.services) ||
    !CONSENT_METHODS.includes(value.method as ConsentMethod) ||
    !Number.isInteger(value.seq) ||
    (value.seq as number) < 1 ||
    !isObject(value.signals) ||
    !isSignal(value.signals.doNotTrack) ||
    !isSignal(value.signals.globalPrivacyControl)
  ) {
    return { record: null, status: 'invalid' };
  }
  const record = value as unknown as ConsentRecord;
  if (record.policyVersion !== check.policyVersion) return { record: null, status: 'outdated' };
  if (now - Date.parse(record.updatedAt) > check.lifetimeDays * DAY) return { record: null, status: 'expired' };
  return { record, status: 'ok' };
}

export function serializeRecord(record: ConsentRecord): string {
  return JSON.stringify(record);
}

/** A deep copy, so that no caller can change the manager's state through what it was given. */
export function copyRecord(record: ConsentRecord | null): ConsentRecord | null {
  return record && (JSON.parse(JSON.stringify(record)) as ConsentRecord);
}

/** RFC 4122 version 4 UUID from the platform's CSPRNG. */
export function randomConsentId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
