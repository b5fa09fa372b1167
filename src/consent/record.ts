import type { ResolvedConfig, ResolvedSignal } from '../config/resolve';
import { hasOwn } from '../config/rules';
import { isObject } from '../json-value';
import { logError } from '../log';
import type { ConsentMethod, ConsentRecord, SignalDecision } from '../types';

/**
 * Browsers keep a cookie only when its name and value take at most 4096 bytes (RFC 6265 §6.1, the
 * minimum they must support, and what Chrome, Firefox and Safari enforce): the record's value gets
 * 4000 of them, the name (at most 64 characters) the rest. A larger value was not written by us.
 */
export const MAX_RECORD_BYTES = 4000;
const DAY = 864e5;
export const CONSENT_METHODS: readonly ConsentMethod[] = ['banner-accept-all', 'banner-reject-all', 'preferences', 'opt-out-link', 'placeholder', 'api', 'signal'];
/** A consent ID: UUID v4, lower case, as `randomConsentId` makes it. */
export const CONSENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * A record's choice for a category or service: only its own boolean. A page names services
 * (`data-service="constructor"`) and a stored record's maps are plain objects, whose prototype
 * lends `constructor`, `toString`, `__proto__`: a function or an object there is no consent.
 */
export const choiceOf = (map: Readonly<Record<string, boolean>>, id: string): boolean | undefined =>
  hasOwn(map, id) && typeof map[id] === 'boolean' ? map[id] : undefined;

/** A map of choices to fill by id, with no prototype: `__proto__` is then a key like any other. */
export const choiceMap = (from?: Readonly<Record<string, boolean>>): Record<string, boolean> => Object.assign(Object.create(null) as Record<string, boolean>, from);

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

/**
 * The bytes the browser keeps for a cookie value as js-cookie writes it: UTF-8, percent-encoded,
 * with the characters RFC 6265 allows in a cookie value decoded back (js-cookie's own converter).
 */
function cookieBytes(value: string): number {
  return encodeURIComponent(value).replace(/%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])/g, decodeURIComponent).length;
}

/** The bytes the record takes in its cookie. */
export const recordBytes = (record: ConsentRecord): number => cookieBytes(JSON.stringify(record));

/**
 * The largest record a config can produce before the visitor switches single services: every
 * category, every honored signal on and overridden, the longest method and dates, a withdrawal.
 * The validator refuses a config whose largest record would not fit a cookie (config/check.ts).
 */
export function largestRecord(config: ResolvedConfig): ConsentRecord {
  const at = '2000-01-01T00:00:00.000Z';
  // An ignored signal switches nothing off: it records no categories (signals.ts, decideSignal).
  const signal = ({ mode, categories, reason }: ResolvedSignal): SignalDecision => {
    const off = mode === 'honor' ? [...categories] : [];
    return { observed: '1', honored: mode === 'honor', categories: off, reason, overriddenByVisitor: off };
  };
  return {
    v: 1,
    id: '00000000-0000-4000-8000-000000000000',
    givenAt: at,
    updatedAt: at,
    withdrawnAt: at,
    policyVersion: config.policy.version,
    mode: 'opt-out',
    categories: Object.fromEntries(config.categories.map((c) => [c.id, false])),
    services: {},
    method: 'banner-reject-all',
    seq: 1e9,
    signals: { doNotTrack: signal(config.signals.doNotTrack), globalPrivacyControl: signal(config.signals.globalPrivacyControl) },
  };
}

/**
 * The record as the cookie stores it. A config's largest record fits (the validator sees to it);
 * per-service choices can still outgrow the cookie, and the browser would then drop it without a
 * word: say so, so that a site owner learns why visitors are asked again.
 */
export function serializeRecord(record: ConsentRecord): string {
  const value = JSON.stringify(record);
  const bytes = cookieBytes(value);
  if (bytes > MAX_RECORD_BYTES)
    logError(`The consent record is ${bytes} bytes, more than the ${MAX_RECORD_BYTES} a cookie holds: the browser will not keep it, and the visitor will be asked again on the next page.`);
  return value;
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
