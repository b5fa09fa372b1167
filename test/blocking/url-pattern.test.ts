import { describe, expect, it } from 'vitest';
import { createPatternIndex, siteOf } from '../../src/blocking/url-pattern';

const indexOf = (patterns: Record<string, string>) => {
  const index = createPatternIndex<string>();
  for (const [pattern, id] of Object.entries(patterns)) index.add(pattern, id);
  const match = (url: string) => {
    const u = new URL(url);
    return index.match(u.hostname, u.pathname + u.search);
  };
  return { index, match };
};

describe('createPatternIndex', () => {
  it('matches a host and its subdomains, not look-alike hosts', () => {
    const { match } = indexOf({ 'google-analytics.com': 'ga' });
    expect(match('https://google-analytics.com/g/collect')).toBe('ga');
    expect(match('https://www.google-analytics.com/analytics.js')).toBe('ga');
    expect(match('https://region1.google-analytics.com/g/collect')).toBe('ga');
    expect(match('https://notgoogle-analytics.com/')).toBeUndefined();
    expect(match('https://google-analytics.com.evil.example/')).toBeUndefined();
  });

  it('`*.host` matches subdomains only', () => {
    const { match } = indexOf({ '*.hotjar.com': 'hotjar' });
    expect(match('https://static.hotjar.com/c/hotjar-1.js')).toBe('hotjar');
    expect(match('https://a.b.hotjar.com/')).toBe('hotjar');
    expect(match('https://hotjar.com/')).toBeUndefined();
  });

  it('a path is a prefix of path + query; `*` is exactly one segment', () => {
    const { match } = indexOf({ 'connect.facebook.net/*/fbevents.js': 'pixel', 'www.facebook.com/tr': 'tr' });
    expect(match('https://connect.facebook.net/en_US/fbevents.js')).toBe('pixel');
    expect(match('https://connect.facebook.net/signals/config/1?v=2')).toBeUndefined();
    expect(match('https://connect.facebook.net/a/b/fbevents.js')).toBeUndefined();
    expect(match('https://connect.facebook.net//fbevents.js')).toBeUndefined();
    expect(match('https://www.facebook.com/tr?id=1&ev=PageView')).toBe('tr');
    expect(match('https://www.facebook.com/tr/')).toBe('tr');
    expect(match('https://www.facebook.com/somepage')).toBeUndefined();
  });

  it('matches a query prefix', () => {
    const { match } = indexOf({ 'www.googletagmanager.com/gtag/js?id=G-': 'ga', 'www.googletagmanager.com/gtag/js?id=AW-': 'ads', 'googletagmanager.com': 'gtm' });
    expect(match('https://www.googletagmanager.com/gtag/js?id=G-ABC')).toBe('ga');
    expect(match('https://www.googletagmanager.com/gtag/js?id=AW-1')).toBe('ads');
    expect(match('https://www.googletagmanager.com/gtm.js?id=GTM-1')).toBe('gtm');
  });

  it('the longest host wins, then the longest path', () => {
    const { match } = indexOf({
      'doubleclick.net': 'dc',
      'stats.g.doubleclick.net': 'ga',
      'googleads.g.doubleclick.net': 'ads',
      'www.google.com/maps': 'maps',
      'www.google.com/maps/embed': 'maps-embed',
      'google.com/pagead': 'pagead',
    });
    expect(match('https://stats.g.doubleclick.net/j/collect')).toBe('ga');
    expect(match('https://googleads.g.doubleclick.net/pagead/x')).toBe('ads');
    expect(match('https://securepubads.g.doubleclick.net/tag/js/gpt.js')).toBe('dc');
    expect(match('https://www.google.com/maps/embed?pb=1')).toBe('maps-embed');
    expect(match('https://www.google.com/maps/place/x')).toBe('maps');
    // `google.com/pagead` is a shorter host than `www.google.com`, and is still found for its path.
    expect(match('https://www.google.com/pagead/1p-conversion')).toBe('pagead');
    expect(match('https://www.google.com/search?q=x')).toBeUndefined();
  });

  it('ignores case and a trailing dot in the host', () => {
    const { index } = indexOf({ 'Google-Analytics.com': 'ga' });
    expect(index.match('WWW.GOOGLE-ANALYTICS.COM.', '/')).toBe('ga');
  });

  it('covers() tells whether a host or a parent domain has patterns', () => {
    const { index } = indexOf({ 'example.com/stats': 's', '*.cdn.net': 'c' });
    expect(index.covers('www.example.com')).toBe(true);
    expect(index.covers('example.org')).toBe(false);
    expect(index.covers('a.cdn.net')).toBe(true);
  });
});

describe('siteOf', () => {
  it.each([
    ['www.example.com', 'example.com'],
    ['a.b.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['www.bbc.co.uk', 'bbc.co.uk'],
    ['shop.example.com.au', 'example.com.au'],
    ['news.yahoo.co.jp', 'yahoo.co.jp'],
    ['t.co', 't.co'],
    ['www.youtu.be', 'youtu.be'],
    ['static.example.de', 'example.de'],
    ['localhost', 'localhost'],
    ['www.consentgate.localhost', 'consentgate.localhost'],
    ['127.0.0.1', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['WWW.Example.COM.', 'example.com'],
  ])('%s → %s', (host, site) => {
    expect(siteOf(host)).toBe(site);
  });
});
