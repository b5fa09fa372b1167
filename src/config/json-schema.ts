/**
 * Turns the rule tree into the JSON Schema (draft 2020-12) that ships as
 * `dist/consentgate.schema.json`, so editors complete and check what the run time checks.
 * Build-time only: no entry imports this file. `npm run schema` writes the checked-in copy and
 * `test/config/json-schema.test.ts` fails when the copy and the rules drift apart. The config's
 * descriptions and defaults come from `reference.ts` (the doc comments of `ConsentGateConfig`).
 */
import { configRules } from './config-rules';
import type { Rule } from './rules';
import { SAFE_URL } from './safe-url';

type JsonSchema = Record<string, unknown>;
/** Descriptions (and defaults) by rule path: `policy.version`, `categories[].id`, `texts.*`. */
export type SchemaDocs = Record<string, string | { description: string; default?: unknown }>;

function convert(rule: Rule, path: string, docs: SchemaDocs): JsonSchema {
  const entry = docs[path];
  const doc = typeof entry === 'string' ? { description: entry } : entry ? { description: entry.description, ...('default' in entry ? { default: entry.default } : {}) } : {};
  switch (rule.k) {
    case 's':
      return {
        type: 'string',
        ...doc,
        ...(rule.oneOf ? { enum: [...rule.oneOf] } : {}),
        ...(rule.re ? { pattern: rule.re.source } : {}),
        ...(rule.url ? { pattern: SAFE_URL.source } : {}),
        // JSON Schema counts code points, the run time UTF-16 units: the same for all but astral characters.
        ...(rule.max !== undefined ? { maxLength: rule.max } : {}),
      };
    case 'n':
      return { type: rule.int ? 'integer' : 'number', minimum: rule.min, maximum: rule.max, ...doc };
    case 'b':
      return { type: 'boolean', ...doc };
    case 'z':
      return { type: 'null', ...doc };
    case 'u':
      return { anyOf: rule.of.map((sub, i) => convert(sub, `${path}|${i}`, docs)), ...doc };
    case 'a':
      return {
        type: 'array',
        items: convert(rule.of, `${path}[]`, docs),
        ...(rule.min ? { minItems: rule.min } : {}),
        ...(rule.max !== undefined ? { maxItems: rule.max } : {}),
        ...doc,
      };
    case 'o': {
      const properties = Object.fromEntries(Object.entries(rule.props).map(([key, sub]) => [key, convert(sub, path ? `${path}.${key}` : key, docs)]));
      return {
        type: 'object',
        ...doc,
        ...(Object.keys(properties).length ? { properties } : {}),
        ...(rule.req?.length ? { required: [...rule.req] } : {}),
        // The run time only warns about unknown keys; editors flag them, which catches typos sooner.
        ...(rule.values ? {} : { additionalProperties: false }),
        ...(rule.values
          ? {
              ...(rule.keyRe ? { propertyNames: { pattern: rule.keyRe.source } } : {}),
              ...(rule.max !== undefined ? { maxProperties: rule.max } : {}),
              additionalProperties: convert(rule.values, `${path}.*`, docs),
            }
          : {}),
      };
    }
  }
}

export function buildJsonSchema(version: string, docs: SchemaDocs): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://unpkg.com/consentgate@${version}/dist/consentgate.schema.json`,
    title: 'ConsentGate configuration',
    ...convert(configRules, '', docs),
  };
}

/** The same conversion for any rule tree (the receipt schema), with its own descriptions by path. */
export function ruleSchema(rule: Rule, docs: SchemaDocs, head: JsonSchema): JsonSchema {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...head, ...convert(rule, '', docs) };
}
