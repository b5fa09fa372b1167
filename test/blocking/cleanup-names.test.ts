/**
 * The cookie and storage-name patterns of cleanup (issue 16, item 7): `*` is any characters,
 * matched in one pass with the meaning of the regular expression it replaced (`^…$`, `*` as `.*`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesName } from '../../src/blocking/cleanup';

const asRegExp = (name: string) => new RegExp('^' + name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');

describe('matchesName', () => {
  it('answers a name of 30 stars against a 100,000-character key', () => {
    const pattern = 'a*'.repeat(30) + 'b';
    expect(matchesName(pattern, 'a'.repeat(100_000))).toBe(false);
    expect(matchesName(pattern, 'a'.repeat(100_000) + 'b')).toBe(true);
    expect(matchesName(pattern, 'a'.repeat(29) + 'b')).toBe(false);
  });

  it('matches exact names, prefixes, suffixes and inner stars', () => {
    expect(matchesName('_ga', '_ga')).toBe(true);
    expect(matchesName('_ga', '_gat')).toBe(false);
    expect(matchesName('_ga_*', '_ga_ABC123')).toBe(true);
    expect(matchesName('_ga_*', '_ga')).toBe(false);
    expect(matchesName('*_id', 'acme_id')).toBe(true);
    expect(matchesName('ab*ba', 'aba')).toBe(false);
    expect(matchesName('ab*ba', 'abba')).toBe(true);
    expect(matchesName('_hj*Session*', '_hjSessionUser_1')).toBe(true);
    expect(matchesName('*', '')).toBe(true);
  });

  it('agrees with the regular expression on every short name and pattern', () => {
    const text = (max: number) => fc.array(fc.constantFrom('a', 'b', '*', '.'), { maxLength: max }).map((c) => c.join(''));
    fc.assert(
      fc.property(text(7), text(9), (pattern, name) => {
        expect(matchesName(pattern, name), `${pattern} on ${name}`).toBe(asRegExp(pattern).test(name));
      }),
      { numRuns: 5000 },
    );
  });
});
