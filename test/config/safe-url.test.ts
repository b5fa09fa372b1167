import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config';
import { isSafeUrl, safeUrl } from '../../src/config/safe-url';
import { minimalConfig } from '../fixtures/configs';
import { HOSTILE_URLS, SAFE_URLS } from '../fixtures/urls';


describe('safeUrl: judged as the browser parses the value', () => {
  it.each(HOSTILE_URLS.map((url) => [JSON.stringify(url), url]))('refuses %s', (_, url) => {
    expect(safeUrl(url, 'https://shop.example/')).toBeNull();
    expect(isSafeUrl(url)).toBe(false);
  });

  it('gives the URL the browser will follow for https:, http: and relative references', () => {
    expect(safeUrl('/privacy', 'https://shop.example/a/b')).toBe('https://shop.example/privacy');
    expect(safeUrl('terms.html', 'http://shop.example/a/b')).toBe('http://shop.example/a/terms.html');
    expect(safeUrl('//cdn.example/p', 'http://shop.example/')).toBe('http://cdn.example/p');
    // What the parser strips does not survive into the href.
    expect(safeUrl('\u0001 https://example.com/pri\tvacy ', 'https://shop.example/')).toBe('https://example.com/privacy');
    for (const url of SAFE_URLS) expect(isSafeUrl(url), url).toBe(true);
  });

  it('refuses a relative reference on a page that is not http(s)', () => {
    expect(safeUrl('/privacy', 'file:///home/site/index.html')).toBeNull();
  });

  it('judges what the browser would make of a value that is not a string (an unvalidated config)', () => {
    const sneaky = { toString: () => '\u0001javascript:alert(1)' } as unknown as string;
    expect(safeUrl(sneaky, 'https://shop.example/')).toBeNull();
  });
});

describe('validateConfig: every link of the config', () => {
  const where: Array<[string, (url: string) => object]> = [
    ['policy.privacyPolicyUrl', (url) => ({ policy: { version: '1', privacyPolicyUrl: url } })],
    ['categories[1].services[0].privacyPolicyUrl', (url) => ({ categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'x', privacyPolicyUrl: url }] }] })],
    ['categories[1].services[0].optOutUrl', (url) => ({ categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'x', optOutUrl: url }] }] })],
    ['ui.optOutLinks[0].url', (url) => ({ ui: { optOutLinks: [{ title: 'Opt out', url }] } })],
    ['receipts.endpoint', (url) => ({ receipts: { endpoint: url } })],
  ];

  it.each(where)('refuses every hostile form at %s, with its JSON path', (path, place) => {
    for (const url of HOSTILE_URLS) {
      const result = validateConfig({ ...minimalConfig, ...place(url) });
      expect(result.config, JSON.stringify(url)).toBeNull();
      expect(result.problems.filter((p) => p.severity === 'error').map((p) => p.path)).toEqual([path]);
    }
    for (const url of SAFE_URLS) expect(validateConfig({ ...minimalConfig, ...place(url) }).problems, url).toEqual([]);
  });

  it('also refuses spaces and control characters the browser would strip from a safe URL (as the JSON Schema does)', () => {
    for (const url of [' https://example.com/', 'https://example.com/\u0001', '/pri vacy'])
      expect(validateConfig({ ...minimalConfig, policy: { version: '1', privacyPolicyUrl: url } }).config, JSON.stringify(url)).toBeNull();
  });
});
