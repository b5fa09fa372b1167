import { afterEach, describe, expect, it, vi } from 'vitest';
import { trusted, trustedAttribute, TRUSTED_TYPES_POLICY } from '../src/trusted-types';

afterEach(() => vi.restoreAllMocks());

/** A window with a Trusted Types factory that wraps values, and records the policies made. */
const windowWith = (createPolicy?: (name: string, rules: Record<string, (s: string) => string>) => unknown) => {
  const made: string[] = [];
  const win = {
    trustedTypes: createPolicy && {
      createPolicy(name: string, rules: Record<string, (s: string) => string>) {
        made.push(name);
        return createPolicy(name, rules);
      },
    },
  };
  return { win: win as unknown as Window, made };
};
const wrapping = (_: string, rules: Record<string, (s: string) => string>) =>
  Object.fromEntries(Object.entries(rules).map(([kind, rule]) => [kind, (s: string) => ({ kind, value: rule(s) })]));

describe('trusted', () => {
  it('makes one policy named consentgate per window, and passes values through it unchanged', () => {
    const { win, made } = windowWith(wrapping);
    expect(trusted('createScriptURL', '/consentgate-app.js', win)).toEqual({ kind: 'createScriptURL', value: '/consentgate-app.js' });
    expect(trusted('createHTML', '<p>', win)).toEqual({ kind: 'createHTML', value: '<p>' });
    expect(trusted('', 'plain', win)).toBe('plain');
    expect(made).toEqual([TRUSTED_TYPES_POLICY]);
    expect(TRUSTED_TYPES_POLICY).toBe('consentgate');
  });

  it('without Trusted Types, the string itself', () => {
    expect(trusted('createScript', 'code()', windowWith().win)).toBe('code()');
  });

  it('a policy the page refuses: one console error naming the directive, then plain strings', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { win, made } = windowWith(() => {
      throw new TypeError('Policy "consentgate" disallowed.');
    });
    expect(trusted('createScriptURL', '/a.js', win)).toBe('/a.js');
    expect(trusted('createScriptURL', '/b.js', win)).toBe('/b.js');
    expect(made).toHaveLength(1);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]!.join(' ')).toContain('trusted-types');
  });

  it('trustedAttribute: script URLs, event handlers and srcdoc go through the policy, other attributes do not', () => {
    const { win } = windowWith(wrapping);
    const el = (localName: string) => ({ localName }) as Element;
    expect(trustedAttribute(el('script'), 'src', '/x.js', win)).toMatchObject({ kind: 'createScriptURL' });
    expect(trustedAttribute(el('script'), 'href', '/x.js', win)).toMatchObject({ kind: 'createScriptURL' });
    expect(trustedAttribute(el('img'), 'onload', 'f()', win)).toMatchObject({ kind: 'createScript' });
    expect(trustedAttribute(el('iframe'), 'srcdoc', '<p>', win)).toMatchObject({ kind: 'createHTML' });
    expect(trustedAttribute(el('img'), 'src', '/x.png', win)).toBe('/x.png');
  });
});
