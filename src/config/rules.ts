/**
 * A tiny rule language for JSON values. One rule tree (`config-rules.ts`) is the single source of
 * the config's shape: `check.ts` walks it at run time for a verdict, `validate.ts` for the
 * problems by JSON path, and `json-schema.ts` turns it into the JSON Schema that ships for editors.
 * The config's tree carries no words at all, because it ships to every visitor: what an error says
 * is expected is in `config-words.ts`; descriptions and defaults are in the doc comments of
 * `ConsentGateConfig` (types.ts), which `reference.ts` reads for the docs and the schema.
 *
 * Each builder's return type also carries, for TypeScript only, the type of the JSON its rule
 * accepts (`JsonOf<typeof rule>`): test/config/config-type.test-d.ts proves that the hand-written
 * `ConsentGateConfig` is that type, so a key changed in one place and not the other fails to compile.
 */

export interface StringRule {
  k: 's';
  /**
   * What an error says was expected, in trees that never ship (the receipts'). The config's words
   * are in `config-words.ts`, which only the explainer loads.
   */
  x?: string;
  re?: RegExp;
  oneOf?: readonly string[];
  /** Links: only https:, http: or relative, as the browser parses them (`safe-url.ts`). */
  url?: true;
  /** At most this many characters (UTF-16 code units). */
  max?: number;
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
  /** At most this many items. */
  max?: number;
}
export interface ObjectRule {
  k: 'o';
  props: Record<string, Rule>;
  req?: readonly string[];
  /** A map (then `props` is empty): every key is free, every value follows this rule. */
  values?: Rule;
  keyRe?: RegExp;
  /** A map: at most this many keys. */
  max?: number;
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

/** Type level only: the JSON type a rule accepts rides on its builder's return type, never at run time. */
export interface Typed<T> {
  readonly __json?: T;
}
/** The type of the JSON values `rule` accepts. */
export type JsonOf<R> = R extends Typed<infer T> ? T : never;
type Flat<T> = { [K in keyof T]: T[K] } & {};
/** An object rule's type: the required keys, then the optional ones. */
type Shape<P extends Record<string, Rule>, Required extends keyof P> = Flat<
  { [K in Required]: JsonOf<P[K]> } & { [K in Exclude<keyof P, Required>]?: JsonOf<P[K]> }
>;

type StringExtra = Omit<StringRule, 'k' | 'oneOf'>;
type ArrayExtra = Omit<ArrayRule, 'k' | 'of'>;
type MapExtra = Omit<ObjectRule, 'k' | 'props' | 'values' | 'req'>;

/**
 * Whether `key` is the object's own: a config's `constructor` or `__proto__` key must never be
 * taken for the rule or value that `Object.prototype` lends every object. Not `Object.hasOwn`:
 * Safari before 15.4 lacks it, and a TypeError there would block every category.
 */
export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** A string; with `oneOf`, one of those strings (their union, for TypeScript). */
export function str<const T extends string>(extra: StringExtra & { oneOf: readonly T[] }): StringRule & Typed<T>;
export function str(extra?: StringExtra): StringRule & Typed<string>;
export function str(extra: Omit<StringRule, 'k'> = {}): StringRule {
  return { k: 's', ...extra };
}
export const num = (min: number, max: number, int?: true): NumberRule & Typed<number> => ({ k: 'n', min, max, int });
export const bool: BooleanRule & Typed<boolean> = { k: 'b' };
export const nul: NullRule & Typed<null> = { k: 'z' };
export const anyOf = <R extends Rule[]>(x: string, ...of: R): UnionRule & Typed<JsonOf<R[number]>> => ({ k: 'u', of, x });
export const arr = <R extends Rule>(of: R, extra: ArrayExtra = {}): ArrayRule & { of: R } & Typed<JsonOf<R>[]> => ({ k: 'a', of, ...extra });
export const obj = <P extends Record<string, Rule>, const Required extends keyof P & string = never>(
  props: P,
  extra: Omit<ObjectRule, 'k' | 'props' | 'req'> & { req?: readonly Required[] } = {},
): ObjectRule & { props: P } & Typed<Shape<P, Required>> => ({ k: 'o', props, ...extra });
/** A map: keys free (or matching `keyRe`), every value following `values`. */
export const map = <R extends Rule>(values: R, extra: MapExtra = {}): ObjectRule & { values: R } & Typed<Record<string, JsonOf<R>>> => ({
  k: 'o',
  props: {},
  values,
  ...extra,
});
/**
 * A map whose keys TypeScript knows as `K` (`keyed<UiTextKey>()(str())`): the type only; at run
 * time it is `map`, with whatever `keyRe` says.
 */
export const keyed =
  <K extends string>() =>
  <R extends Rule>(values: R, extra: MapExtra = {}): ObjectRule & { values: R } & Typed<{ [P in K]?: JsonOf<R> }> =>
    map(values, extra) as ObjectRule & { values: R };
