import type { ConfigProblem, ConsentGateConfig } from '../types';
import { configRules } from './config-rules';
import { expected, hasOwn, type Rule } from './rules';
import { isSafeUrl, SAFE_URL } from './safe-url';

/** Words that tell a path where it is: `categories[2].services[0].domains`. */
function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_$-][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${safe}` : safe;
}

/** Levenshtein distance, capped: only used to suggest a key for a typo (`categrories`). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks `value` against `rule`, pushing every problem found; never throws. */
function check(value: unknown, rule: Rule, path: string, out: ConfigProblem[]): void {
  const fail = (): void => {
    out.push({ path: path || '(root)', message: `expected ${expected(rule)}`, severity: 'error' });
  };
  switch (rule.k) {
    case 's':
      if (
        typeof value !== 'string' ||
        (rule.re && !rule.re.test(value)) ||
        (rule.oneOf && !rule.oneOf.includes(value)) ||
        (rule.url && !(SAFE_URL.test(value) && isSafeUrl(value)))
      )
        fail();
      return;
    case 'n':
      if (typeof value !== 'number' || !(value >= rule.min && value <= rule.max) || (rule.int && !Number.isInteger(value))) fail();
      return;
    case 'b':
      if (typeof value !== 'boolean') fail();
      return;
    case 'z':
      if (value !== null) fail();
      return;
    case 'u':
      if (!rule.of.some((sub) => !checkAgainst(value, sub).length)) fail();
      return;
    case 'a':
      if (!Array.isArray(value) || value.length < (rule.min ?? 0)) return fail();
      value.forEach((item, i) => check(item, rule.of, join(path, i), out));
      return;
    case 'o': {
      if (!isPlainObject(value)) return fail();
      for (const key of rule.req ?? []) {
        if (!hasOwn(value, key)) out.push({ path: join(path, key), message: `missing; expected ${expected(rule.props[key]!)}`, severity: 'error' });
      }
      for (const key of Object.keys(value)) {
        const sub = hasOwn(rule.props, key) ? rule.props[key] : undefined;
        const keyPath = join(path, key);
        if (sub) check(value[key], sub, keyPath, out);
        else if (rule.values) {
          if (rule.keyRe && !rule.keyRe.test(key)) out.push({ path: keyPath, message: `unexpected key; expected ${expected(rule)}`, severity: 'error' });
          else check(value[key], rule.values, keyPath, out);
        } else {
          const near = Object.keys(rule.props).find((known) => distance(known, key) <= 2);
          out.push({
            path: keyPath,
            message: `unknown key, ignored${near ? ` (did you mean "${near}"?)` : ''}`,
            severity: 'warning',
          });
        }
      }
    }
  }
}

/** The built-in text keys; an unknown key in `texts` is most likely a typo. */
const TEXT_KEY = /^(category\.[a-z][a-z0-9_-]*\.(title|description)|[a-zA-Z]+)$/;

/** Rules that span several fields: unique ids and references between sections. */
function crossCheck(config: ConsentGateConfig, out: ConfigProblem[]): void {
  const categoryIds = new Set<string>();
  const serviceIds = new Set<string>();
  config.categories.forEach((category, i) => {
    if (categoryIds.has(category.id)) out.push({ path: `categories[${i}].id`, message: `duplicate category id "${category.id}"`, severity: 'error' });
    categoryIds.add(category.id);
    category.services?.forEach((service, j) => {
      if (serviceIds.has(service.id))
        out.push({ path: `categories[${i}].services[${j}].id`, message: `duplicate service id "${service.id}"`, severity: 'error' });
      serviceIds.add(service.id);
    });
  });
  const references: Array<[string, string[] | undefined]> = [
    ['signals.doNotTrack.categories', config.signals?.doNotTrack?.categories],
    ['signals.globalPrivacyControl.categories', config.signals?.globalPrivacyControl?.categories],
    ['ui.optOutLink.categories', config.ui?.optOutLink?.categories],
    ...(config.sensitivePages ?? []).map((page, i): [string, string[] | undefined] => [`sensitivePages[${i}].block`, page.block]),
  ];
  for (const [path, ids] of references) {
    ids?.forEach((ref, i) => {
      if (!categoryIds.has(ref)) out.push({ path: `${path}[${i}]`, message: `expected the id of a configured category; "${ref}" is not one`, severity: 'error' });
    });
  }
  for (const key of Object.keys(config.googleConsentMode?.map ?? {})) {
    if (!categoryIds.has(key)) out.push({ path: `googleConsentMode.map.${key}`, message: `expected the id of a configured category; "${key}" is not one`, severity: 'error' });
  }
  for (const [lang, texts] of Object.entries(config.texts ?? {})) {
    for (const key of Object.keys(texts)) {
      if (!TEXT_KEY.test(key)) out.push({ path: `texts.${lang}.${key}`, message: 'unknown text key, ignored', severity: 'warning' });
    }
  }
}

export interface ValidationResult {
  /** The config when it has no errors (warnings allowed), else null. */
  config: ConsentGateConfig | null;
  problems: ConfigProblem[];
}

/**
 * Every problem of `value` against any rule tree, by JSON path. The collector checks receipts with
 * this and `receipt-rules.ts`, so the SDK, the shipped schemas and the server share one definition.
 */
export function checkAgainst(value: unknown, rule: Rule): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    check(value, rule, '', problems);
  } catch (error) {
    problems.push({ path: '(root)', message: `could not be read: ${String(error)}`, severity: 'error' });
  }
  return problems;
}

/** Checks a config against every rule at once and lists every problem by JSON path. Never throws. */
export function validateConfig(value: unknown): ValidationResult {
  const problems: ConfigProblem[] = [];
  try {
    check(value, configRules, '', problems);
    if (!problems.some((p) => p.severity === 'error')) crossCheck(value as ConsentGateConfig, problems);
  } catch (error) {
    // Getters or proxies in a config given from code: report rather than throw into the page.
    problems.push({ path: '(root)', message: `could not be read: ${String(error)}`, severity: 'error' });
  }
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
