/**
 * A tiny rule language for JSON values. One rule tree (`config-rules.ts`) is the single source of
 * the config's shape: `validate.ts` walks it at run time and `json-schema.ts` turns it into the
 * JSON Schema that ships for editors. Rules carry no prose beyond the few words an error needs,
 * because this tree ships to every visitor; the schema's descriptions live in `schema-docs.ts`.
 */

export interface StringRule {
  k: 's';
  /** What an error says was expected, when more telling than "a string". */
  x?: string;
  re?: RegExp;
  oneOf?: readonly string[];
  /** Links: only https:, http: or relative, as the browser parses them (`safe-url.ts`). */
  url?: true;
}
export interface NumberRule {
  k: 'n';
  min: number;
  max: number;
  int?: true;
}
export interface BooleanRule {
  k: 'b';
}
export interface ArrayRule {
  k: 'a';
  of: Rule;
  x?: string;
  min?: number;
}
export interface ObjectRule {
  k: 'o';
  props: Record<string, Rule>;
  req?: readonly string[];
  /** A map: every key is free, every value follows this rule. */
  values?: Rule;
  keyRe?: RegExp;
  x?: string;
}
/** `null` (receipts: a signal nobody sent). */
export interface NullRule {
  k: 'z';
}
/** Any one of several rules. */
export interface UnionRule {
  k: 'u';
  of: readonly Rule[];
  x: string;
}
export type Rule = StringRule | NumberRule | BooleanRule | ArrayRule | ObjectRule | NullRule | UnionRule;

/**
 * Whether `key` is the object's own: a config's `constructor` or `__proto__` key must never be
 * taken for the rule or value that `Object.prototype` lends every object. Not `Object.hasOwn`:
 * Safari before 15.4 lacks it, and a TypeError there would block every category.
 */
export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

export const str = (extra: Omit<StringRule, 'k'> = {}): StringRule => ({ k: 's', ...extra });
export const num = (min: number, max: number, int?: true): NumberRule => ({ k: 'n', min, max, int });
export const bool: BooleanRule = { k: 'b' };
export const nul: NullRule = { k: 'z' };
export const anyOf = (x: string, ...of: Rule[]): UnionRule => ({ k: 'u', of, x });
export const arr = (of: Rule, extra: Omit<ArrayRule, 'k' | 'of'> = {}): ArrayRule => ({ k: 'a', of, ...extra });
export const obj = (props: Record<string, Rule>, extra: Omit<ObjectRule, 'k' | 'props'> = {}): ObjectRule => ({
  k: 'o',
  props,
  ...extra,
});
export const map = (values: Rule, extra: Omit<ObjectRule, 'k' | 'props' | 'values'> = {}): ObjectRule => ({
  k: 'o',
  props: {},
  values,
  ...extra,
});

/** The words an error uses for what a rule expects. */
export function expected(rule: Rule): string {
  switch (rule.k) {
    case 's':
      return rule.x ?? (rule.oneOf ? 'one of ' + rule.oneOf.map((v) => `"${v}"`).join(', ') : rule.url ? 'an https:, http: or relative URL' : 'a string');
    case 'n':
      return `${rule.int ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}`;
    case 'b':
      return 'true or false';
    case 'a':
      return rule.x ?? 'an array';
    case 'o':
      return rule.x ?? 'an object';
    case 'z':
      return 'null';
    case 'u':
      return rule.x;
  }
}
