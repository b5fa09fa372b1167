/**
 * URL patterns with many `*` (issue 16, item 7): matched in one pass, with the meaning the
 * regular expression they replaced had (`^` + pieces joined by `[^/?]+`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPatternIndex, startsWithPieces } from '../../src/blocking/url-pattern';

const asRegExp = (path: string) => new RegExp('^' + path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/?]+'));

describe('startsWithPieces', () => {
  it('answers a pattern of 30 stars against a 100,000-character path', () => {
    const pattern = '/' + 'a*'.repeat(30) + 'b';
    const index = createPatternIndex<string>();
    index.add('tracker.example' + pattern, 'pathological');
    const long = '/' + 'a'.repeat(100_000);
    // No `b`: the regular expression tried every way to cut the a's into 30 segments.
    expect(index.match('tracker.example', long)).toBeUndefined();
    expect(index.match('tracker.example', long + 'b')).toBe('pathological');
    expect(index.match('tracker.example', long + '/b')).toBeUndefined();
    expect(startsWithPieces('/' + 'ax'.repeat(30) + 'b?q', pattern.split('*'))).toBe(true);
    expect(startsWithPieces('/' + 'ax'.repeat(29) + 'ab', pattern.split('*'))).toBe(false);
  });

  it('takes at least one character of one segment for each star', () => {
    const pieces = '/p/*/embed'.split('*');
    expect(startsWithPieces('/p/ABC/embed', pieces)).toBe(true);
    expect(startsWithPieces('/p//embed', pieces)).toBe(false);
    expect(startsWithPieces('/p/a/b/embed', pieces)).toBe(false);
    expect(startsWithPieces('/p/a?/embed', pieces)).toBe(false);
    expect(startsWithPieces('/p/', '/p/*'.split('*'))).toBe(false);
    expect(startsWithPieces('/p/x', '/p/*'.split('*'))).toBe(true);
    expect(startsWithPieces('/p/xy', '/p/**'.split('*'))).toBe(true);
    expect(startsWithPieces('/p/x', '/p/**'.split('*'))).toBe(false);
    expect(startsWithPieces('/p/ab/ab/c', '/p/*b/c'.split('*'))).toBe(false);
    expect(startsWithPieces('/p/abb/c', '/p/*b/c'.split('*'))).toBe(true);
  });

  it('agrees with the regular expression on every short path and pattern', () => {
    const chars = fc.constantFrom('a', 'b', '/', '?', '*');
    const text = (max: number) => fc.array(chars, { maxLength: max }).map((c) => c.join(''));
    fc.assert(
      fc.property(text(8), text(10), (pattern, rest) => {
        const path = '/' + rest.replace(/\*/g, 'a');
        expect(startsWithPieces(path, pattern.split('*')), `${pattern} on ${path}`).toBe(asRegExp(pattern).test(path));
      }),
      { numRuns: 5000 },
    );
  });
});
