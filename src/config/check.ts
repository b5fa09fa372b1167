/**
 * The lean run-time check: does a config follow the rule tree and the rules between its fields?
 * A verdict only, with no message text, so that it costs the script tag little. The explainer
 * (`validate.ts`) walks with the same `walk` and `crossRules` and turns what they find into
 * problems by JSON path, so both give the same verdict (test/config/check.property.test.ts).
 */
import { largestRecord, MAX_RECORD_BYTES, recordBytes } from '../consent/record';
import { isObject } from '../json-value';
import type { ConsentGateConfig } from '../types';
import { configRules, MAX_SERVICES } from './config-rules';
import { resolveConfig } from './resolve';
import { hasOwn, type ObjectRule, type Rule } from './rules';
import { isSafeUrl, SAFE_URL } from './safe-url';

/** Where a value sits: its key, and its parent's place (none at the root). Built as the walk goes. */
export interface Place {
  up: Place | undefined;
  key: string | number;
}

/** A rule between fields that a config breaks (`crossRules`). */
export type Conflict = 'duplicate-category' | 'duplicate-service' | 'too-many-services' | 'not-a-category' | 'record-too-large';

/** What a walk reports. The check stops at the first report; the explainer lists them. */
export interface Findings {
  /** The value at `place` does not follow `rule`. */
  wrong(rule: Rule, place: Place | undefined, value: unknown): void;
  /** A required key is missing; `rule` is its rule. */
  missing(rule: Rule, place: Place): void;
  /** A key of a map that its `keyRe` refuses. */
  badKey(rule: ObjectRule, place: Place): void;
  /** A key no rule of the object knows: ignored, so no error (the verdict does not ask). */
  unknown?(rule: ObjectRule, place: Place): void;
  conflict(kind: Conflict, place: Place, detail: string | number): void;
}

const at = (up: Place | undefined, key: string | number): Place => ({ up, key });

/** Walks `value` against `rule` and reports to `findings` what does not follow it. */
export function walk(value: unknown, rule: Rule, place: Place | undefined, findings: Findings): void {
  const wrong = () => findings.wrong(rule, place, value);
  switch (rule.k) {
    case 's':
      if (
        typeof value !== 'string' ||
        value.length > (rule.max ?? Infinity) ||
        (rule.re && !rule.re.test(value)) ||
        (rule.oneOf && !rule.oneOf.includes(value)) ||
        (rule.url && !(SAFE_URL.test(value) && isSafeUrl(value)))
      )
        wrong();
      return;
    case 'n':
      if (typeof value !== 'number' || !(value >= rule.min && value <= rule.max) || (rule.int && !Number.isInteger(value))) wrong();
      return;
    case 'b':
      if (typeof value !== 'boolean') wrong();
      return;
    case 'z':
      if (value !== null) wrong();
      return;
    case 'u':
      if (!rule.of.some((sub) => follows(value, sub))) wrong();
      return;
    case 'a':
      if (!Array.isArray(value) || value.length < (rule.min ?? 0) || value.length > (rule.max ?? Infinity)) return wrong();
      value.forEach((item, i) => walk(item, rule.of, at(place, i), findings));
      return;
    case 'o': {
      if (!isObject(value)) return wrong();
      if (rule.values) {
        // A map (`map()` gives it no props): every key is the config's.
        const keys = Object.keys(value);
        if (keys.length > (rule.max ?? Infinity)) return wrong();
        for (const key of keys) {
          if (rule.keyRe && !rule.keyRe.test(key)) findings.badKey(rule, at(place, key));
          else walk(value[key], rule.values, at(place, key), findings);
        }
        return;
      }
      const known = (key: string) => walk(value[key], rule.props[key]!, at(place, key), findings);
      for (const key of rule.req ?? []) if (!hasOwn(value, key)) findings.missing(rule.props[key]!, at(place, key));
      // Without an ear for unknown keys (the verdict), only the rule's keys are looked at: 50,000
      // unknown ones cost nothing. With one (the explainer), the config's keys, in its order.
      if (!findings.unknown) for (const key of Object.keys(rule.props)) hasOwn(value, key) && known(key);
      else for (const key of Object.keys(value)) hasOwn(rule.props, key) ? known(key) : findings.unknown(rule, at(place, key));
    }
  }
}

/** Rules that span several fields: unique ids, references to categories, and the limits in all. */
export function crossRules(config: ConsentGateConfig, findings: Findings): void {
  const root = at(undefined, 'categories');
  const categoryIds = new Set<string>();
  const serviceIds = new Set<string>();
  let services = 0;
  config.categories.forEach((category, i) => {
    const place = at(root, i);
    if (categoryIds.has(category.id)) findings.conflict('duplicate-category', at(place, 'id'), category.id);
    categoryIds.add(category.id);
    category.services?.forEach((service, j) => {
      const servicePlace = at(at(place, 'services'), j);
      if (++services === MAX_SERVICES + 1) findings.conflict('too-many-services', servicePlace, MAX_SERVICES);
      if (serviceIds.has(service.id)) findings.conflict('duplicate-service', at(servicePlace, 'id'), service.id);
      serviceIds.add(service.id);
    });
  });
  const section = (key: string, sub: string) => at(at(undefined, key), sub);
  const references: Array<[Place, string[] | undefined]> = [
    [section('signals', 'doNotTrack'), config.signals?.doNotTrack?.categories],
    [section('signals', 'globalPrivacyControl'), config.signals?.globalPrivacyControl?.categories],
    [section('ui', 'optOutLink'), config.ui?.optOutLink?.categories],
  ];
  const list = (place: Place, ids: string[] | undefined, key = 'categories') =>
    ids?.forEach((ref, i) => categoryIds.has(ref) || findings.conflict('not-a-category', at(at(place, key), i), ref));
  for (const [place, ids] of references) list(place, ids);
  config.sensitivePages?.forEach((page, i) => list(at(at(undefined, 'sensitivePages'), i), page.block, 'block'));
  for (const key of Object.keys(config.googleConsentMode?.map ?? {})) {
    if (!categoryIds.has(key)) findings.conflict('not-a-category', at(section('googleConsentMode', 'map'), key), key);
  }
  // The record keeps an entry per category, the signals' categories and reasons, the policy
  // version: a config whose record could outgrow a cookie would lose every decision (issue 16, item 8).
  const bytes = recordBytes(largestRecord(resolveConfig(config)));
  if (bytes > MAX_RECORD_BYTES) findings.conflict('record-too-large', root, bytes);
}

const STOP = {};
const stop = (): never => {
  throw STOP;
};
/** Findings that stop the walk at the first error; an unknown key is no error. */
const verdict: Findings = { wrong: stop, missing: stop, badKey: stop, conflict: stop };

/** Whether `value` follows `rule`: no error (unknown keys are allowed). Never throws. */
export function follows(value: unknown, rule: Rule): boolean {
  try {
    walk(value, rule, undefined, verdict);
    return true;
  } catch {
    // STOP, or a getter of a config given from code that threw: either way, not a valid value.
    return false;
  }
}

/**
 * The config when it is valid (the same object), else null: the verdict of `validateConfig`,
 * without its messages. Never throws.
 */
export function checkConfig(value: unknown): ConsentGateConfig | null {
  try {
    walk(value, configRules, undefined, verdict);
    crossRules(value as ConsentGateConfig, verdict);
    return value as ConsentGateConfig;
  } catch {
    return null;
  }
}
