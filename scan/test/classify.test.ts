/** Matching recordings against the registry: services, unknowns, lifetimes, the declaration, firings. */
import { describe, expect, it } from 'vitest';
import { findFindings } from '../src/classify/findings';
import { CONSENTGATE_SERVICE, createJudge, REGISTRY } from '../src/classify/judge';
import { declaredLifetime, describeDays, formatLifetime, observedLifetime } from '../src/classify/lifetime';
import { cookie, NOW, page, pass, request, scanResult, SITE } from './_util/records';

const judge = createJudge({ siteUrl: SITE, consentCookieName: 'shop_consent' });
const serviceOf = (verdict: ReturnType<typeof judge.request>) => (verdict.kind === 'service' ? verdict.service.id : verdict.kind === 'unknown' ? `unknown:${verdict.site}` : 'first-party');

describe('the judge', () => {
  it("matches URLs with the SDK's catalog: the most specific pattern wins", () => {
    expect(serviceOf(judge.request('https://www.googletagmanager.com/gtag/js?id=G-ABC'))).toBe('google-analytics');
    expect(serviceOf(judge.request('https://www.googletagmanager.com/gtag/js?id=AW-123'))).toBe('google-ads');
    expect(serviceOf(judge.request('https://www.googletagmanager.com/gtm.js?id=GTM-1'))).toBe('google-tag-manager');
    expect(serviceOf(judge.request('https://connect.facebook.net/en_US/fbevents.js'))).toBe('meta-pixel');
  });

  it('tells unknown third parties by registrable domain, and leaves the site (and its subdomains) alone', () => {
    expect(serviceOf(judge.request('https://cdn.tracker-unknown.example/t.js'))).toBe('unknown:tracker-unknown.example');
    expect(serviceOf(judge.request('https://static.shop.example/app.js'))).toBe('first-party');
    expect(serviceOf(judge.request(`${SITE}/api`))).toBe('first-party');
  });

  it('matches every cookie the registry declares, wildcards included, to its service', () => {
    for (const service of REGISTRY.services) {
      for (const declared of service.cookies ?? []) {
        if ((declared.storage ?? 'cookie') !== 'cookie') continue;
        const name = declared.name.replace(/\*/g, 'X1');
        const verdict = judge.cookie({ name, domain: '.shop.example' });
        expect(verdict.kind, `${service.id}: ${name}`).toBe('service');
        // Two services may declare one name: either may have it, but the name must be one of its own.
        if (verdict.kind === 'service') expect(verdict.service.cookies.some((c) => c.name === declared.name), `${service.id}: ${name} → ${verdict.service.id}`).toBe(true);
      }
    }
  });

  it("gives a shared cookie name to the service whose host set it, and a nameless third-party cookie to its host's service", () => {
    const name = 'IDE';
    expect(judge.cookie({ name, domain: '.doubleclick.net' })).toMatchObject({ kind: 'service', service: { id: 'doubleclick' } });
    expect(judge.cookie({ name: 'whatever', domain: '.hotjar.com' })).toMatchObject({ kind: 'unknown' });
    expect(judge.cookie({ name: 'whatever', domain: 'script.hotjar.com' })).toMatchObject({ kind: 'service', service: { id: 'hotjar' } });
    expect(judge.cookie({ name: 'sid', domain: '.tracker-unknown.example' })).toMatchObject({ kind: 'unknown', site: 'tracker-unknown.example' });
    expect(judge.cookie({ name: 'session', domain: 'www.shop.example' })).toEqual({ kind: 'first-party' });
  });

  it("knows ConsentGate's own record cookie and keys as necessary", () => {
    for (const [name, storage] of [
      ['shop_consent:receipts', 'localStorage'],
      ['shop_consent:notice', 'sessionStorage'],
      ['consentgate:shop_consent', 'localStorage'],
    ] as const) {
      expect(judge.storageKey(name, storage)).toMatchObject({ kind: 'service', service: { id: CONSENTGATE_SERVICE, necessary: true } });
    }
    expect(judge.cookie({ name: 'shop_consent', domain: 'www.shop.example' })).toMatchObject({ kind: 'service', service: { id: CONSENTGATE_SERVICE, necessary: true } });
  });

  it("counts a config's custom services, necessary only in a required category; a registry tracker stays non-necessary whatever the config says", () => {
    const withConfig = createJudge({
      siteUrl: SITE,
      config: {
        policy: { version: '1' },
        categories: [
          { id: 'essential', required: true, services: [{ id: 'cdn-fonts', domains: ['fonts.cdn-unknown.example'] }, { id: 'google-analytics' }] },
          { id: 'stats', services: [{ id: 'own-stats', domains: ['stats.counter-unknown.example'], cookies: [{ name: 'cnt_*' }] }] },
        ],
      },
    });
    expect(withConfig.request('https://fonts.cdn-unknown.example/a.woff2')).toMatchObject({ kind: 'service', service: { id: 'cdn-fonts', necessary: true, category: 'essential' } });
    expect(withConfig.request('https://stats.counter-unknown.example/p')).toMatchObject({ kind: 'service', service: { id: 'own-stats', necessary: false } });
    expect(withConfig.cookie({ name: 'cnt_1', domain: 'www.shop.example' })).toMatchObject({ kind: 'service', service: { id: 'own-stats' } });
    expect(withConfig.request('https://www.google-analytics.com/g/collect')).toMatchObject({ kind: 'service', service: { id: 'google-analytics', category: 'essential', necessary: false } });
  });
});

describe('lifetimes', () => {
  it('tells session cookies from persistent ones, with days', () => {
    expect(observedLifetime(cookie('a', 'x', -1))).toEqual({ type: 'session' });
    expect(observedLifetime(cookie('a', 'x', 400))).toEqual({ type: 'persistent', days: 400, text: '400 days' });
    expect(observedLifetime({ expires: NOW / 1000 + 3600, seenAt: NOW })).toEqual({ type: 'persistent', days: 0.0417, text: '1 hour' });
    expect(observedLifetime({ expires: NOW / 1000 + 60, seenAt: NOW })).toMatchObject({ text: '1 minute' });
  });

  it("reads the registry's and configs' lifetimes", () => {
    expect(declaredLifetime('2 years')).toEqual({ type: 'persistent', days: 730, text: '2 years' });
    expect(declaredLifetime('13 months')).toEqual({ type: 'persistent', days: 395, text: '13 months' });
    expect(declaredLifetime('session')).toEqual({ type: 'session' });
    expect(declaredLifetime(undefined)).toBeUndefined();
    expect(formatLifetime(declaredLifetime('2 years'))).toBe('persistent, 2 years (730 days)');
    expect(formatLifetime(declaredLifetime('15 minutes'))).toBe('persistent, 15 minutes');
    expect(formatLifetime(observedLifetime(cookie('a', 'x', 30)))).toBe('persistent, 30 days');
    expect(describeDays(1.5)).toBe('2 days');
  });

  it('writes every registry lifetime in a shape it reads back', () => {
    for (const s of REGISTRY.services) {
      for (const c of s.cookies ?? []) {
        if (!c.lifetime) continue;
        const lifetime = declaredLifetime(c.lifetime);
        expect(lifetime?.type === 'session' || typeof lifetime?.days === 'number', `${s.id} ${c.name}: ${c.lifetime}`).toBe(true);
      }
    }
  });
});

describe('findings', () => {
  const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-ABC';
  const UNKNOWN = 'https://pixel.tracker-unknown.example/p.gif';
  const scan = scanResult([
    page('/', [
      pass('before-consent', {
        requests: [request(UNKNOWN, { resourceType: 'image' }), request(`${SITE}/app.js`)],
        cookies: [cookie('sid', '.tracker-unknown.example', 30), cookie('PHPSESSID', 'www.shop.example', -1)],
        storage: [{ key: 'shop_consent:notice', storage: 'sessionStorage', origin: SITE }],
        frames: [{ tag: 'iframe', url: 'https://www.youtube-nocookie.com/embed/x', held: true }],
      }),
      pass('accept-all', {
        decision: 'banner',
        requests: [request(GTAG, { afterDecision: true })],
        cookies: [cookie('_ga', '.shop.example', 730), cookie('_ga_X1', '.shop.example', 730), cookie('shop_consent', 'www.shop.example', 365)],
        frames: [{ tag: 'iframe', url: 'https://www.youtube-nocookie.com/embed/x', held: false }],
      }),
      pass('reject-all', {
        decision: 'banner',
        requests: [request(GTAG, { afterDecision: false }), request('https://connect.facebook.net/en_US/fbevents.js', { afterDecision: true })],
        jar: [cookie('shop_consent', 'www.shop.example', 365), cookie('_fbp', '.shop.example', 90)],
      }),
    ]),
  ]);
  const findings = findFindings(scan, judge);

  it('lists the services found, by category, and where they were seen', () => {
    expect(findings.services.map((f) => [f.service.category, f.service.id])).toEqual([
      ['necessary', CONSENTGATE_SERVICE],
      ['analytics', 'google-analytics'],
      ['advertising', 'meta-pixel'],
      ['social', 'youtube'],
    ]);
    const youtube = findings.services.find((f) => f.service.id === 'youtube')!;
    // The held frame before consent shows the site uses YouTube, not that it loaded.
    expect(youtube.passes).toEqual(['accept-all']);
    expect(findings.unknown).toEqual([expect.objectContaining({ site: 'tracker-unknown.example', id: 'tracker-unknown-example', hosts: ['pixel.tracker-unknown.example'], requests: 1, cookies: ['sid'] })]);
  });

  it('reports what fired before a decision and after Reject all (not what came before the reject click)', () => {
    expect(findings.beforeConsent.map((f) => [f.what, f.name])).toEqual([
      ['request', UNKNOWN],
      ['cookie', 'sid'],
    ]);
    expect(findings.afterReject.map((f) => [f.what, f.name])).toEqual([
      ['request', 'https://connect.facebook.net/en_US/fbevents.js'],
      ['cookie', '_fbp'],
    ]);
  });

  it('declares what was seen, with its lifetime, and what the registry declares for the services found', () => {
    const entry = (name: string) => findings.declaration.find((d) => d.name === name);
    expect(entry('_ga')).toMatchObject({ provider: 'Google LLC', category: 'analytics', service: 'google-analytics', observed: true, lifetime: { type: 'persistent', days: 730 }, review: false });
    // `_ga_*` is covered by the `_ga_X1` that was seen; `_gid` was not seen, so the registry's words stand.
    expect(entry('_ga_*')).toBeUndefined();
    expect(entry('_gid')).toMatchObject({ observed: false, lifetime: { type: 'persistent', days: 1 } });
    expect(entry('shop_consent')).toMatchObject({ category: 'necessary', service: CONSENTGATE_SERVICE, lifetime: { type: 'persistent', days: 365 } });
    expect(entry('shop_consent:notice')).toMatchObject({ storage: 'sessionStorage', lifetime: { type: 'session' } });
    expect(entry('PHPSESSID')).toMatchObject({ provider: 'This site', category: 'unclassified', review: true, lifetime: { type: 'session' } });
    expect(entry('sid')).toMatchObject({ provider: 'tracker-unknown.example', service: 'tracker-unknown-example', review: true });
    for (const declared of REGISTRY.services.find((s) => s.id === 'youtube')!.cookies ?? []) expect(entry(declared.name)).toMatchObject({ service: 'youtube', observed: false });
  });
});
