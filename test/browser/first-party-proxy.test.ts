/**
 * Issue 18, item 7: a tracker served from the site's own path (Google Analytics through a
 * first-party proxy, as server-side tagging sets it up: `/metrics/gtag.js`, `/metrics/g/collect`).
 * A config service with a path of the site's own host (`"/metrics/"`) holds it like any tracker,
 * whatever host the page is served from; the site's other requests are untouched.
 */
import { describe, expect, it } from 'vitest';
import { SITE_HOST, withPage } from '../_util/chromium';

const CONFIG = {
  policy: { version: '1' },
  categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'google-analytics', domains: ['/metrics/'] }] }],
  ui: { optOutLink: { fixed: false } },
};

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Proxied</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script src="/dist/consentgate.js"></script>
<script async src="/metrics/gtag.js?id=G-TEST"></script>
<script>
  fetch('/metrics/g/collect?v=2&en=page_view');
  navigator.sendBeacon('/metrics/g/collect?v=2&en=scroll');
  new Image().src = '/metrics/g/collect?v=2&en=img';
  fetch('/api/cart').then((r) => r.text()).then((t) => (window.__cart = t));
</script>
</head><body><h1>Proxied</h1></body></html>`;

describe('first-party proxied trackers', () => {
  it('holds what a service with a same-origin path pattern claims until its category is granted', async () => {
    await withPage(async (env) => {
      env.server.setPage('/shop', PAGE);
      env.server.setPage('/metrics/gtag.js', 'window.__gtag = (window.__gtag || 0) + 1;', { 'content-type': 'text/javascript' });
      env.server.setPage('/metrics/g/collect', '', { 'content-type': 'image/gif' });
      env.server.setPage('/api/cart', '3 items', { 'content-type': 'text/plain' });
      await env.page.goto(env.server.url('/shop', 'www.' + SITE_HOST));
      await env.page.waitForLoadState('load');
      await env.page.waitForFunction(() => (window as { __cart?: string }).__cart === '3 items');
      await env.page.waitForTimeout(500);
      const metrics = () => env.server.hits.filter((h) => h.url.startsWith('/metrics/')).map((h) => h.url.split('?')[0]);
      // The preload scanner may fetch the static script (a documented limit); it never runs, and no hit is sent.
      expect(metrics().filter((u) => u !== '/metrics/gtag.js')).toEqual([]);
      expect(await env.page.evaluate(() => (window as { __gtag?: number }).__gtag)).toBeUndefined();

      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await env.page.waitForFunction(() => (window as { __gtag?: number }).__gtag === 1, null, { timeout: 5000 });
      await env.page.waitForTimeout(300);
      expect(metrics()).toContain('/metrics/gtag.js');
      expect(metrics()).toContain('/metrics/g/collect');
    });
  });
});
