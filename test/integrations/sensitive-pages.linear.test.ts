/**
 * Sensitive-page globs with many stars (issue 16, item 7): matched by a state set, with the meaning
 * of the regular expression they replaced (kept here as the reference).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPathGlob } from '../../src/integrations';

/** The former globToRegExp. */
function asRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slashBefore = source.endsWith('/');
      const slashAfter = glob[i + 2] === '/';
      i++;
      if (slashBefore && (slashAfter || i === glob.length - 1)) {
        source = source.slice(0, -1) + (slashAfter ? '(?:/.*)?/' : '(?:/.*)?');
        if (slashAfter) i++;
      } else source += '.*';
    } else if (ch === '*') source += '[^/]*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}/?$`, 'i');
}

describe('matchesPathGlob', () => {
  it('answers a glob of 30 stars against a 20,000-character path', () => {
    const glob = '/' + 'a*'.repeat(30) + 'b';
    const long = '/' + 'a'.repeat(20_000);
    expect(matchesPathGlob(glob, long)).toBe(false);
    expect(matchesPathGlob(glob, long + 'B/')).toBe(true);
    expect(matchesPathGlob(glob, long + '/b')).toBe(false);
    expect(matchesPathGlob('/**' + 'a**'.repeat(30) + 'b', long + '/x/b')).toBe(true);
    expect(matchesPathGlob('/**' + 'a**'.repeat(30) + 'b', long)).toBe(false);
  });

  it('takes a star as a character of the path when the path has one', () => {
    expect(matchesPathGlob('/a*', '/a**')).toBe(true);
    expect(matchesPathGlob('/a*/b', '/a*x/b')).toBe(true);
  });

  it('agrees with the regular expression on every short glob and path', () => {
    const text = (max: number) => fc.array(fc.constantFrom('a', 'B', 'b', '/', '*', '.'), { maxLength: max }).map((c) => c.join(''));
    fc.assert(
      fc.property(text(9), text(9), (glob, path) => {
        expect(matchesPathGlob(glob, path), `${glob} on ${path}`).toBe(asRegExp(glob).test(path));
      }),
      { numRuns: 10000 },
    );
  });
});
