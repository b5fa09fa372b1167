/**
 * The explainer: every problem of a config by JSON path, with what was expected and, for a
 * mistyped key, the key that was meant. It walks with the lean check's `walk` and `crossRules`
 * (`check.ts`), so its verdict is the check's; the words are all here, so that a build that only
 * needs the verdict ships none of them. The npm build validates with this; the script tag can load
 * it only when the check fails.
 */
import type { ConfigProblem, ConsentGateConfig } from '../types';
import { crossRules, walk, type Conflict, type Findings, type Place } from './check';
import { configRules } from './config-rules';
import { configWords } from './config-words';
import type { ObjectRule, Rule } from './rules';

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

/** Levenshtein distance, capped: only used to suggest a key for a typo (`categrories`). */
function distance(a: string, b: string): number {
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
  'not-a-category': (id) => `expected the id of a configured category; "${id}" is not one`,
};

/** Collects problems by JSON path. */
function collector() {
  const problems: ConfigProblem[] = [];
  const add = (severity: ConfigProblem['severity'], place: Place | undefined, message: () => string) =>
    problems.push({ path: pathOf(place), message: message(), severity });
  const findings: Findings = {
    wrong: (rule, place) => add('error', place, () => `expected ${expected(rule)}`),
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
  const list = (): ConfigProblem[] => problems;
  const hasErrors = () => problems.some((p) => p.severity === 'error');
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

/** Every problem of a config by JSON path. Never throws. */
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
    super(
      `Invalid configuration: ${errors.length} problem${errors.length === 1 ? '' : 's'}; every non-necessary category stays blocked.\n` +
        errors.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ConsentGateConfigError';
    this.problems = problems;
  }
}
