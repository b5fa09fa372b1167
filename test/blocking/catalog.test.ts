import { describe, expect, it } from 'vitest';
import registry from '../../src/blocking/service-registry.json';
import { createServiceCatalog, type ServiceRegistry } from '../../src/blocking';
import { FIXTURE_REGISTRY } from '../fixtures/blocking/registry';

describe('createServiceCatalog', () => {
  it('holds the registry as it is when the config lists nothing', () => {
    const catalog = createServiceCatalog({ registry: FIXTURE_REGISTRY, pageHost: 'www.example.com' });
    expect(catalog.services.map((s) => s.id)).toEqual(FIXTURE_REGISTRY.services.map((s) => s.id));
    expect(catalog.byId('youtube')).toMatchObject({ category: 'social', embed: true, listed: false, custom: false });
    expect(catalog.match('https://www.youtube.com/embed/abc')?.id).toBe('youtube');
  });

  it('a config service with a registry id merges into it and takes the category it is listed under', () => {
    const catalog = createServiceCatalog({
      registry: FIXTURE_REGISTRY,
      pageHost: 'www.example.com',
      configCategories: [
        { id: 'necessary' },
        {
          id: 'functional',
          services: [{ id: 'youtube', title: 'Videos', domains: ['videos.example-cdn.net'], cookies: [{ name: 'yt_pref' }] }],
        },
      ],
    });
    const yt = catalog.byId('youtube')!;
    expect(yt).toMatchObject({ category: 'functional', title: 'Videos', embed: true, listed: true, custom: false });
    expect(yt.domains).toEqual(['youtube.com/embed', 'youtube-nocookie.com', 'ytimg.com', 'videos.example-cdn.net']);
    expect(yt.cookies.map((c) => c.name)).toEqual(['YSC', 'yt_pref']);
    expect(catalog.match('https://www.youtube-nocookie.com/embed/x')?.category).toBe('functional');
    expect(catalog.match('https://videos.example-cdn.net/v.mp4')?.id).toBe('youtube');
  });

  it('an unknown id is a custom service', () => {
    const catalog = createServiceCatalog({
      registry: FIXTURE_REGISTRY,
      pageHost: 'www.example.com',
      configCategories: [{ id: 'analytics', services: [{ id: 'matomo-self', domains: ['stats.example.com/matomo.js'], cookies: [{ name: '_pk_id.*' }] }] }],
    });
    expect(catalog.byId('matomo-self')).toMatchObject({ category: 'analytics', custom: true, listed: true });
    expect(catalog.match('https://stats.example.com/matomo.js?v=1')?.id).toBe('matomo-self');
    // Another host of the site: relative URLs of the page can never be it.
    expect(catalog.coversPageHost).toBe(false);
    expect(catalog.services.at(-1)?.id).toBe('matomo-self');
  });

  it('coversPageHost when a pattern is for the page host (relative URLs must then be matched)', () => {
    const catalog = createServiceCatalog({
      registry: FIXTURE_REGISTRY,
      pageHost: 'www.example.com',
      configCategories: [{ id: 'analytics', services: [{ id: 'own-stats', domains: ['example.com/stats/'] }] }],
    });
    expect(catalog.coversPageHost).toBe(true);
    expect(catalog.match('/stats/collect?x=1')?.id).toBe('own-stats');
    expect(catalog.match('/blog/')).toBeUndefined();
  });

  it('useRegistry: false keeps only listed services, filled in from the registry', () => {
    const catalog = createServiceCatalog({
      registry: FIXTURE_REGISTRY,
      useRegistry: false,
      pageHost: 'www.example.com',
      configCategories: [{ id: 'analytics', services: [{ id: 'hotjar' }] }],
    });
    expect(catalog.services.map((s) => s.id)).toEqual(['hotjar']);
    expect(catalog.match('https://static.hotjar.com/c/hotjar-1.js')?.id).toBe('hotjar');
    expect(catalog.match('https://www.google-analytics.com/g/collect')).toBeUndefined();
    expect(catalog.byId('hotjar')!.cookies).toHaveLength(4);
  });

  it('isThirdParty compares registrable domains', () => {
    const catalog = createServiceCatalog({ registry: FIXTURE_REGISTRY, pageHost: 'www.example.co.uk' });
    expect(catalog.isThirdParty('https://cdn.example.co.uk/a.js')).toBe(false);
    expect(catalog.isThirdParty('https://example.co.uk/')).toBe(false);
    expect(catalog.isThirdParty('/relative.js')).toBe(false);
    expect(catalog.isThirdParty('https://other.co.uk/a.js')).toBe(true);
    expect(catalog.isThirdParty(new URL('https://cdn.example-static.com/'))).toBe(true);
    expect(catalog.coversPageHost).toBe(false);
  });

  it('resolves the shared hosts of the real registry to the most specific service', () => {
    const catalog = createServiceCatalog({ registry: registry as ServiceRegistry, pageHost: 'www.example.com' });
    const cases: Array<[string, string | undefined]> = [
      ['https://www.googletagmanager.com/gtag/js?id=G-ABC123', 'google-analytics'],
      ['https://www.googletagmanager.com/gtag/js?id=AW-123', 'google-ads'],
      ['https://www.googletagmanager.com/gtm.js?id=GTM-ABC', 'google-tag-manager'],
      ['https://stats.g.doubleclick.net/j/collect', 'google-analytics'],
      ['https://securepubads.g.doubleclick.net/tag/js/gpt.js', 'doubleclick'],
      ['https://connect.facebook.net/en_US/fbevents.js', 'meta-pixel'],
      ['https://connect.facebook.net/en_US/sdk.js', 'facebook-plugins'],
      ['https://www.facebook.com/tr?id=1&ev=PageView', 'meta-pixel'],
      ['https://www.facebook.com/plugins/like.php?href=x', 'facebook-plugins'],
      ['https://www.facebook.com/somepage', undefined],
      ['https://px.ads.linkedin.com/collect?pid=1', 'linkedin-insight'],
      ['https://snap.licdn.com/li.lms-analytics/insight.min.js', 'linkedin-insight'],
      ['https://platform.twitter.com/widgets.js', 'x-widgets'],
      ['https://t.co/abcdef', undefined],
      ['https://www.youtube.com/embed/abc', 'youtube'],
      ['https://www.youtube.com/watch?v=abc', undefined],
      ['https://analytics.tiktok.com/i18n/pixel/events.js', 'tiktok-pixel'],
      ['https://static.hotjar.com/c/hotjar-1.js', 'hotjar'],
      ['https://www.google.com/recaptcha/api.js', undefined],
    ];
    for (const [url, id] of cases) expect(catalog.match(url)?.id, url).toBe(id);
  });
});
