import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, createServiceCatalog } from '../../src/blocking';
import type { ServiceRegistry } from '../../src/blocking/catalog';
import registry from '../../src/blocking/service-registry.json';
import { FIXTURE_REGISTRY } from '../fixtures/blocking/registry';
import { createTestPage, PAGE_URL, type TestPage } from '../fixtures/blocking/dom';

let page: TestPage | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await page?.done();
  page = undefined;
});

const catalog = createServiceCatalog({
  registry: FIXTURE_REGISTRY,
  pageHost: 'www.example.com',
  configCategories: [{ id: 'advertising', services: [{ id: 'acme-ads', domains: ['ads.acme.example'], cookies: [{ name: 'acme_*' }, { name: 'acme_seen', storage: 'localStorage' }] }] }],
});

const names = (p: TestPage) => p.document.cookie.split('; ').filter(Boolean).map((c) => c.split('=')[0]).sort();

describe('cleanup', () => {
  it('deletes exact names and * patterns on the host, each parent domain and each path', () => {
    const p = (page = createTestPage());
    expect(PAGE_URL).toBe('https://www.example.com/blog/post');
    const set = (c: string) => (p.document.cookie = c);
    set('_ga=GA1.1; path=/');
    set('_ga_ABC123=GS1; path=/; domain=example.com');
    set('_gid=x; path=/; domain=www.example.com; secure');
    set('_hjSessionUser_42=x; path=/blog');
    // A cookie set without Path gets the document's directory (/blog) in browsers; happy-dom keeps
    // no default path, so it is written out here (the browser test covers the default).
    set('_hjSession_42=x; path=/blog');
    set('acme_uid=x; path=/; domain=.example.com');
    set('_fbp=fb; path=/');
    set('consentgate=%7B%7D; path=/');
    set('site_pref=dark; path=/');
    expect(names(p)).toEqual(['_fbp', '_ga', '_ga_ABC123', '_gid', '_hjSessionUser_42', '_hjSession_42', 'acme_uid', 'consentgate', 'site_pref'].sort());

    const deleted = cleanup(catalog, ['analytics'], { window: p.window as unknown as Window });
    expect(deleted.sort()).toEqual(['_ga', '_ga_ABC123', '_gid', '_hjSessionUser_42', '_hjSession_42']);
    expect(names(p)).toEqual(['_fbp', 'acme_uid', 'consentgate', 'site_pref']);

    cleanup(catalog, ['advertising'], { window: p.window as unknown as Window });
    expect(names(p)).toEqual(['consentgate', 'site_pref']);
  });

  it('writes every domain × path × Secure combination that can apply', () => {
    const p = (page = createTestPage());
    const writes: string[] = [];
    const proto = Object.getPrototypeOf(p.document);
    let owner = proto;
    while (!Object.getOwnPropertyDescriptor(owner, 'cookie')) owner = Object.getPrototypeOf(owner);
    const native = Object.getOwnPropertyDescriptor(owner, 'cookie')!;
    Object.defineProperty(p.document, 'cookie', { configurable: true, get: () => native.get!.call(p.document), set: (v: string) => writes.push(v) });
    cleanup(catalog, [], { services: ['facebook-plugins', 'youtube'], paths: ['/shop'], window: p.window as unknown as Window });
    expect(writes).toHaveLength(1 * 3 * 3 * 2);
    expect(writes).toContain('YSC=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=/');
    expect(writes).toContain('YSC=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=/shop;domain=example.com;secure');
    expect(writes).toContain('YSC=;expires=Thu, 01 Jan 1970 00:00:00 GMT;path=/blog;domain=www.example.com');
    expect(writes.some((w) => w.includes('domain=com'))).toBe(false);
  });

  it('never deletes the consent cookie, even when a pattern matches it', () => {
    const p = (page = createTestPage());
    const greedy = createServiceCatalog({ pageHost: 'www.example.com', configCategories: [{ id: 'analytics', services: [{ id: 'greedy', cookies: [{ name: '*' }] }] }] });
    p.document.cookie = 'consentgate=x; path=/';
    p.document.cookie = 'my_consent=y; path=/';
    p.document.cookie = 'other=z; path=/';
    cleanup(greedy, ['analytics'], { keep: ['my_consent'], window: p.window as unknown as Window });
    // `keep` replaces the default: the caller names the consent cookie (connectBlocking does).
    expect(names(p)).toEqual(['my_consent']);
  });

  it('deletes localStorage and sessionStorage keys by name and pattern', () => {
    const p = (page = createTestPage());
    const { localStorage, sessionStorage } = p.window;
    localStorage.setItem('_hjUserAttributesHash', '1');
    localStorage.setItem('_hjUserAttributes', '1');
    localStorage.setItem('ajs_anonymous_id', '"a"');
    localStorage.setItem('acme_seen', '1');
    localStorage.setItem('site_cart', '[]');
    sessionStorage.setItem('_hjTLDTest', '1');
    sessionStorage.setItem('site_tab', '1');
    const deleted = cleanup(catalog, ['analytics'], { window: p.window as unknown as Window });
    expect(deleted.sort()).toEqual(['_hjTLDTest', '_hjUserAttributes', '_hjUserAttributesHash', 'ajs_anonymous_id']);
    expect(Object.keys(localStorage).sort()).toEqual(['acme_seen', 'site_cart']);
    expect(Object.keys(sessionStorage)).toEqual(['site_tab']);
  });

  it('looks for every declared name in cookies and both storages: vendors write the same key in several (issue 18, item 3)', () => {
    const p = (page = createTestPage());
    const real = createServiceCatalog({ registry: registry as ServiceRegistry, pageHost: 'www.example.com' });
    const { localStorage, sessionStorage } = p.window;
    // Segment keeps its ids in localStorage as well as in cookies; Hotjar its user id.
    localStorage.setItem('ajs_anonymous_id', '"a"');
    localStorage.setItem('ajs_user_traits', '{}');
    localStorage.setItem('_hjSessionUser_3412', '{}');
    sessionStorage.setItem('_hjSession_3412', '{}');
    sessionStorage.setItem('tt_sessionId', '1');
    localStorage.setItem('site_cart', '[]');
    cleanup(real, ['analytics', 'advertising'], { window: p.window as unknown as Window });
    expect(Object.keys(localStorage)).toEqual(['site_cart']);
    expect(Object.keys(sessionStorage)).toEqual([]);
  });

  it('matches each key against the names of 1,000 services through its index (exact names, patterns by prefix)', () => {
    const p = (page = createTestPage());
    const services = Array.from({ length: 1000 }, (_, i) => ({
      id: `vendor-${i}`,
      domains: [`t${i}.vendor.example`],
      cookies: [{ name: `v${i}_id` }, { name: `v${i}_s_*`, storage: 'localStorage' as const }, { name: `*_v${i}` }],
    }));
    const many = createServiceCatalog({ pageHost: 'www.example.com', configCategories: [{ id: 'analytics', services }] });
    const { localStorage } = p.window;
    for (const key of ['v7_id', 'v999_s_abc', 'x_v500', 'v7_ids', 'v1000_s_a', 'v12_s', 'site']) localStorage.setItem(key, '1');
    const deleted = cleanup(many, ['analytics'], { window: p.window as unknown as Window });
    expect(deleted.sort()).toEqual(['v7_id', 'v999_s_abc', 'x_v500']);
    expect(Object.keys(localStorage).sort()).toEqual(['site', 'v1000_s_a', 'v12_s', 'v7_ids']);
  });

  it('survives storage that throws', () => {
    const p = (page = createTestPage());
    Object.defineProperty(p.window, 'localStorage', { get: () => { throw new Error('denied'); } });
    expect(() => cleanup(catalog, ['analytics'], { window: p.window as unknown as Window })).not.toThrow();
  });
});
