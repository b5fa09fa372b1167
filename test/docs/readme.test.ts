// @vitest-environment node
/**
 * The README is the site owner's first page: what ConsentGate does, how to install it, one example
 * each way, links to the guides. Reference material goes to docs/, byte accounting to
 * bench/README.md, design to docs/ARCHITECTURE.md; this keeps it from growing back (issue 15).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const README = readFileSync(new URL('../../README.md', import.meta.url));
const text = README.toString('utf8');

describe('README.md', () => {
  it('stays at most 12 KB', () => {
    expect(README.byteLength).toBeLessThanOrEqual(12 * 1024);
  });

  it('says how to install it both ways and how to develop it', () => {
    expect(text).toContain('npm install consentgate');
    expect(text).toContain('https://unpkg.com/consentgate/dist/consentgate.js');
    expect(text).toContain('npm install && npm run demo');
    expect(text).toContain('npm install && npm test');
  });

  it('links every guide in docs/', () => {
    const guides = readFileSync(new URL('../../docs/README.md', import.meta.url), 'utf8');
    for (const [, file] of guides.matchAll(/\]\(([a-z0-9-]+\.md)\)/g)) {
      if (file === 'ARCHITECTURE.md') continue;
      expect(text, file).toContain(`(docs/${file})`);
    }
  });
});
