/**
 * One source per fact: the hand-written `ConsentGateConfig` (what users read in their editor, with
 * its `@default` comments) is exactly the type of the JSON the rule tree accepts. A key, a union
 * member, a required flag or a list type changed in one and not the other fails to compile here.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { configRules } from '../../src/config/config-rules';
import type { JsonOf } from '../../src/config/rules';
import type { ConsentGateConfig, UiTexts } from '../../src/types';

type FromRules = JsonOf<typeof configRules>;

describe('ConsentGateConfig and the rule tree', () => {
  it('are the same type', () => {
    expectTypeOf<ConsentGateConfig>().toEqualTypeOf<FromRules>();
  });

  it('agree part by part (a readable error when they do not)', () => {
    expectTypeOf<ConsentGateConfig['policy']>().toEqualTypeOf<FromRules['policy']>();
    expectTypeOf<ConsentGateConfig['categories']>().toEqualTypeOf<FromRules['categories']>();
    expectTypeOf<ConsentGateConfig['signals']>().toEqualTypeOf<FromRules['signals']>();
    expectTypeOf<ConsentGateConfig['ui']>().toEqualTypeOf<FromRules['ui']>();
    expectTypeOf<ConsentGateConfig['googleConsentMode']>().toEqualTypeOf<FromRules['googleConsentMode']>();
    expectTypeOf<UiTexts>().toEqualTypeOf<NonNullable<FromRules['texts']>[string]>();
  });
});
