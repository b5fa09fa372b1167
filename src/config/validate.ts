/**
 * The explainer: every problem of a config by JSON path, with what was expected and, for a
 * mistyped key, the key that was meant. It walks with the lean check's `walk` and `crossRules`
 * (`check.ts`), so its verdict is the check's; the words are all here, so that a build that only
 * needs the verdict ships none of them. The npm build validates with this; the script tag can load
 * it only when the check fails.
 *
 * Linear in the config's size: after the first `LISTED` problems it only counts, and the
 * did-you-mean distances are computed for listed problems only (issue 16, item 8: 50,000 unknown
 * keys made a 16 s long task).
 */
import { MAX_RECORD_BYTES } from '../consent/record';
import { isObject } from '../json-value';
import type { ConfigProblem, ConsentGateConfig } from '../types';
import { crossRules, walk, type Conflict, type Findings, type Place } from './check';
import { configRules } from './config-rules';
import { configWords } from './config-words';
import type { ObjectRule, Rule } from './rules';

/** Problems listed one by one; the rest are counted in one last line per severity. */
export const LISTED = 50;

/** Words that tell a path where it is: `categories[2].services[0].domains`. */
function pathOf(place: Place | undefined): string {
  let path = '';
  for (let p = place; p; p = p.up) {
    const { key } = p;
    path = typeof key === 'number' ? `[${key}]${path}` : (/^[A-Za-z_$-][\w$-]*$/.test(key) ? '.' + key : '.' + JSON.stringify(key)) + path;
  }
  return path.replace(/^\./, '') || '(root)';
}

/** The words for what a rule expects: the config's own words, else the rule's (receipts), else its kind. */
export function expected(rule: Rule): string {
  const words = configWords.get(rule) ?? ('x' in rule ? rule.x : undefined);
  if (words) return words;
  switch (rule.k) {
    case 's':
      if (rule.oneOf) return 'one of ' + rule.oneOf.map((v) => `"${v}"`).join(', ');
      if (rule.url) return 'an https:, http: or relative URL';
      return 'a string';
    case 'n':
      return `${rule.int ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}`;
    case 'b':
      return 'true or false';
    case 'a':
      return 'an array';
    case 'o':
      return 'an object';
    case 'z':
      return 'null';
    case 'u':
      return rule.x;
  }
}

/** What a value that failed its rule is, when its size is the reason: ` (152 items; at most 64)`. */
function size(rule: Rule, value: unknown): string {
  const count = (n: number, max: number | undefined, unit: string) => (max !== undefined && n > max ? ` (${n} ${unit}; at most ${max})` : '');
  if (rule.k === 's' && typeof value === 'string') return count(value.length, rule.max, 'characters');
  if (rule.k === 'a' && Array.isArray(value)) return count(value.length, rule.max, 'items');
  if (rule.k === 'o' && isObject(value)) return count(Object.keys(value).length, rule.max, 'keys');
  return '';
}

/** Levenshtein distance, for a suggestion only, and only between keys of similar length. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

const CONFLICTS: Record<Conflict, (detail: string | number) => string> = {
  'duplicate-category': (id) => `duplicate category id "${id}"`,
  'duplicate-service': (id) => `duplicate service id "${id}"`,
  'too-many-services': (max) => `expected at most ${max} services in all categories; this one is the first too many`,
  'not-a-category': (id) => `expected the id of a configured category; "${id}" is not one`,
  'record-too-large': (bytes) =>
    `the consent record could take ${bytes} bytes, more than the ${MAX_RECORD_BYTES} a cookie holds: use fewer or shorter category ids, shorter signal reasons or a shorter policy.version`,
};

/** Collects problems: the first `LISTED` in full, the rest counted per severity. */
function collector() {
  const problems: ConfigProblem[] = [];
  const more = { error: 0, warning: 0 };
  const add = (severity: ConfigProblem['severity'], place: Place | undefined, message: () => string) => {
    if (problems.length < LISTED) problems.push({ path: pathOf(place), message: message(), severity });
    else more[severity]++;
  };
  const findings: Findings = {
    wrong: (rule, place, value) => add('error', place, () => `expected ${expected(rule)}${size(rule, value)}`),
    missing: (rule, place) => add('error', place, () => `missing; expected ${expected(rule)}`),
    badKey: (rule, place) => add('error', place, () => `unexpected key; expected ${expected(rule)}`),
    unknown: (rule: ObjectRule, place) =>
      add('warning', place, () => {
        const near = Object.keys(rule.props).find((known) => distance(known, String(place.key)) <= 2);
        return `unknown key, ignored${near ? ` (did you mean "${near}"?)` : ''}`;
      }),
    conflict: (kind, place, detail) => add('error', place, () => CONFLICTS[kind](detail)),
  };
  const failed = (error: unknown) => add('error', undefined, () => `could not be read: ${String(error)}`);
  const list = (): ConfigProblem[] => [
    ...problems,
    ...(['error', 'warning'] as const)
      .filter((severity) => more[severity])
      .map((severity) => ({ path: '(root)', message: `${more[severity]} more ${severity}s, not listed`, severity, count: more[severity] })),
  ];
  const hasErrors = () => more.error > 0 || problems.some((p) => p.severity === 'error');
  return { findings, add, failed, list, hasErrors };
}

/** The built-in text keys; an unknown key in `texts` is most likely a typo. */
const TEXT_KEY = /^(category\.[a-z][a-z0-9_-]*\.(title|description)|[a-zA-Z]+)$/;

/**
 * Every problem of `value` against any rule tree, by JSON path. The collector checks receipts with
 * this and `receipt-rules.ts`, so the SDK, the shipped schemas and the server share one definition.
 */
export function checkAgainst(value: unknown, rule: Rule): ConfigProblem[] {
  const out = collector();
  try {
    walk(value, rule, undefined, out.findings);
  } catch (error) {
    out.failed(error);
  }
  return out.list();
}

/** Every problem of a config by JSON path (the first `LISTED`, then how many more). Never throws. */
export function explainConfig(value: unknown): ConfigProblem[] {
  const out = collector();
  try {
    walk(value, configRules, undefined, out.findings);
    if (!out.hasErrors()) {
      const config = value as ConsentGateConfig;
      crossRules(config, out.findings);
      for (const [lang, texts] of Object.entries(config.texts ?? {})) {
        for (const key of Object.keys(texts)) {
          if (!TEXT_KEY.test(key)) out.add('warning', { up: { up: { up: undefined, key: 'texts' }, key: lang }, key }, () => 'unknown text key, ignored');
        }
      }
    }
  } catch (error) {
    // Getters or proxies in a config given from code: report rather than throw into the page.
    out.failed(error);
  }
  return out.list();
}

export interface ValidationResult {
  /** The config when it has no errors (warnings allowed), else null. */
  config: ConsentGateConfig | null;
  problems: ConfigProblem[];
}

/** Checks a config against every rule at once and lists every problem by JSON path. Never throws. */
export function validateConfig(value: unknown): ValidationResult {
  const problems = explainConfig(value);
  const ok = !problems.some((p) => p.severity === 'error');
  return { config: ok ? (value as ConsentGateConfig) : null, problems };
}

/** One error listing every problem, as the console shows it. */
export class ConsentGateConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const count = errors.reduce((n, p) => n + (p.count ?? 1), 0);
    super(
      `Invalid configuration: ${count} problem${count === 1 ? '' : 's'}; every non-necessary category stays blocked.\n` +
        errors.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ConsentGateConfigError';
    this.problems = problems;
  }
}
