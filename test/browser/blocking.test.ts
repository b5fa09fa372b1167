/**
 * The product's core promise, in headless Chromium, with the script tag as it ships
 * (dist/consentgate.js loading dist/consentgate-app.js): a shop page carrying the vendors' real
 * published snippets — GA4 gtag.js + inline config, the Meta pixel base code with its <noscript>
 * image, LinkedIn Insight, the TikTok pixel, a YouTube iframe, X widgets.js, a Facebook like-button
 * iframe — plus first-party code that injects Hotjar with createElement, fires a `new Image()`
 * pixel, a sendBeacon, a fetch and an XHR. Static loader tags and iframes are marked as a site
 * owner would mark them; the inline bootstraps are left as the vendors publish them, so what they
 * inject is caught by the guards. Every third-party request is answered locally and recorded;
 * every fake tracker script records its execution and sets first-party cookies as trackers do.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import registry from '../../src/blocking/service-registry.json';
import { createServiceCatalog, type ServiceRegistry } from '../../src/blocking';
import { cookiesOf, SITE_HOST, trackerRuns, withPage, type PageEnv, type ThirdPartyRequest } from '../_util/chromium';

declare global {
  interface Window {
    __order?: string[];
    __segmentLoaded?: boolean;
    __firstParty?: Record<string, unknown>;
  }
}

const GA_ID = 'G-TEST123';
const CONFIG = {
  policy: { version: '1' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'analytics', services: [{ id: 'google-analytics' }, { id: 'hotjar' }, { id: 'segment' }, { id: 'amplitude' }] },
    { id: 'advertising', services: [{ id: 'meta-pixel' }, { id: 'linkedin-insight' }, { id: 'tiktok-pixel' }] },
    { id: 'social', services: [{ id: 'youtube' }, { id: 'x-widgets' }, { id: 'facebook-plugins' }] },
  ],
  ui: { optOutLink: { fixed: false } },
};

const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

// The vendors' snippets as published (IDs replaced), marked where a site owner marks static tags.
const SHOP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
<script src="/dist/consentgate.js"></script>

<!-- Google tag (gtag.js): the loader marked, the inline config as published -->
<script type="text/plain" data-category="analytics" data-service="google-analytics" async src="https://www.googletagmanager.com/gtag/js?id=${GA_ID}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', '${GA_ID}');
</script>

<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');
</script>
<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->

<!-- LinkedIn Insight Tag -->
<script type="text/javascript">
_linkedin_partner_id = "1234567";
window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
window._linkedin_data_partner_ids.push(_linkedin_partner_id);
</script><script type="text/javascript">
(function(l) {
if (!l){window.lintrk = function(a,b){window.lintrk.q.push([a,b])};
window.lintrk.q=[]}
var s = document.getElementsByTagName("script")[0];
var b = document.createElement("script");
b.type = "text/javascript";b.async = true;
b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js";
s.parentNode.insertBefore(b, s);})(window.lintrk);
</script>
<noscript>
<img height="1" width="1" style="display:none;" alt="" src="https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif" />
</noscript>

<!-- TikTok Pixel Code Start -->
<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=["page","track","identify","instances","debug","on","off","once","ready","alias","group","enableCookie","disableCookie","holdConsent","revokeConsent","grantConsent"],ttq.setAndDefer=function(t,e){t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}};for(var i=0;i<ttq.methods.length;i++)ttq.setAndDefer(ttq,ttq.methods[i]);ttq.instance=function(t){for(
var e=ttq._i[t]||[],n=0;n<ttq.methods.length;n++)ttq.setAndDefer(e,ttq.methods[n]);return e},ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js",o=n&&n.partner;ttq._i=ttq._i||{},ttq._i[e]=[],ttq._i[e]._u=r,ttq._t=ttq._t||{},ttq._t[e]=+new Date,ttq._o=ttq._o||{},ttq._o[e]=n||{};n=document.createElement("script")
;n.type="text/javascript",n.async=!0,n.src=r+"?sdkid="+e+"&lib="+t;e=document.getElementsByTagName("script")[0];e.parentNode.insertBefore(n,e)};

  ttq.load('CTESTTESTTESTTESTTEST');
  ttq.page();
}(window, document, 'ttq');
</script>
<!-- TikTok Pixel Code End -->
</head>
<body>
<main>
<h1>Shop</h1>

<iframe width="560" height="315" data-category="social" data-service="youtube" data-src="https://www.youtube.com/embed/dQw4w9WgXcQ?si=test" title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>

<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Hello, world.</p>&mdash; Example (@example) <a href="https://twitter.com/example/status/20?ref_src=twsrc%5Etfw">March 21, 2006</a></blockquote> <script async type="text/plain" data-category="social" src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>

<iframe data-category="social" data-src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fwww.example.com%2F&width=450&layout&action&size&share=true&height=35&appId" width="450" height="35" style="border:none;overflow:hidden" scrolling="no" frameborder="0" allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; picture-in-picture; web-share"></iframe>

<!-- A site owner's own pair: a loader and the inline code that needs it (order matters) -->
<script type="text/plain" data-category="analytics" data-service="segment" src="https://cdn.segment.com/analytics.js/v1/WRITEKEY/analytics.min.js"></script>
<script type="text/plain" data-category="analytics">(window.__order = window.__order || []).push('after-segment:' + (window.__segmentLoaded === true));</script>
</main>

<script>
  // First-party code: Hotjar's snippet as published, a pixel, a beacon, a fetch and an XHR.
  (function(h,o,t,j,a,r){
      h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};
      h._hjSettings={hjid:1234567,hjsv:6};
      a=o.getElementsByTagName('head')[0];
      r=o.createElement('script');r.async=1;
      r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;
      a.appendChild(r);
  })(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');
  window.__firstParty = {};
  new Image().src = 'https://www.facebook.com/tr?id=123456789012345&ev=Purchase&cd[value]=9.99';
  window.__firstParty.beacon = navigator.sendBeacon('https://www.google-analytics.com/g/collect?v=2&tid=${GA_ID}&en=scroll', '');
  fetch('https://api.segment.io/v1/t', { method: 'POST', body: '{"event":"Viewed"}', keepalive: true })
    .then((r) => (window.__firstParty.fetch = r.status), (e) => (window.__firstParty.fetch = String(e)));
  var x = new XMLHttpRequest();
  x.open('POST', 'https://api2.amplitude.com/2/httpapi');
  x.onloadend = function () { window.__firstParty.xhr = [x.readyState, x.status]; };
  x.send('{"events":[]}');
</script>
</body></html>`;

// What the fake trackers do when they run: set first-party cookies, as the real ones do.
const TRACKER_BODIES = {
  'gtag/js': `document.cookie = '_ga=GA1.1.1.1; path=/'; document.cookie = '_ga_TEST123=GS1.1.1; path=/';`,
  'fbevents.js': `document.cookie = '_fbp=fb.1.1.1; path=/';`,
  'insight.min.js': `document.cookie = 'li_sugr=abc; path=/';`,
  'pixel/events.js': `document.cookie = '_ttp=abc; path=/';`,
  // No Path: the document's directory (/shop). A Domain: the parent domain.
  'static.hotjar.com': `document.cookie = '_hjSessionUser_1234567=eyJ9'; document.cookie = '_hjSession_1234567=eyJ9; path=/; domain=${SITE_HOST}';`,
  'analytics.min.js': `window.__segmentLoaded = true; document.cookie = 'ajs_anonymous_id=abc; path=/';`,
};
const TRACKER_COOKIES = ['_fbp', '_ga', '_ga_TEST123', '_hjSessionUser_1234567', '_hjSession_1234567', '_ttp', 'ajs_anonymous_id', 'li_sugr'];

const catalog = createServiceCatalog({ registry: registry as ServiceRegistry, pageHost: 'www.' + SITE_HOST });
const serviceOf = (url: string) => catalog.match(url)?.id ?? `unknown: ${url}`;
const servicesOf = (requests: ThirdPartyRequest[]) => [...new Set(requests.map((r) => serviceOf(r.url)))].sort();

const ANALYTICS = ['google-analytics', 'hotjar', 'segment'];
const EVERYTHING = [...ANALYTICS, 'facebook-plugins', 'linkedin-insight', 'meta-pixel', 'tiktok-pixel', 'x-widgets', 'youtube'].sort();

/** Opens the shop and waits until the app has started (the facade's listeners are the app's). */
async function openShop(env: PageEnv): Promise<void> {
  env.server.setPage('/shop/index.html', SHOP_PAGE);
  await env.page.goto(env.server.url('/shop/index.html', 'www.' + SITE_HOST));
  await appReady(env.page);
}

async function appReady(p: Page): Promise<void> {
  await p.evaluate(() => new Promise<void>((ready) => window.ConsentGate!.onChange(() => ready())));
  await p.waitForFunction(() => window.__firstParty && 'fetch' in window.__firstParty && 'xhr' in window.__firstParty);
  // Give anything that slipped through time to show up.
  await p.waitForTimeout(400);
}

const settle = async (p: Page, runs: number) => {
  try {
    await p.waitForFunction((n) => (window.__trackerRuns ?? []).length >= n, runs, { timeout: 10_000 });
  } catch (error) {
    throw new Error(`expected ${runs} tracker runs, saw ${JSON.stringify(await trackerRuns(p))}`, { cause: error });
  }
  await p.waitForTimeout(500);
};

const options = { thirdParty: { scripts: TRACKER_BODIES } };

describe('blocking in Chromium, as shipped: the vendors’ real tags', () => {
  it('0 tracker requests and 0 executions before consent, and after reject-all and a reload', async () => {
    await withPage(async (env) => {
      const errors: string[] = [];
      env.page.on('pageerror', (e) => errors.push(e.message));
      await openShop(env);
      expect(env.requests.map((r) => r.url)).toEqual([]);
      expect(await trackerRuns(env.page)).toEqual([]);
      // The page's own code got normal answers and no exception.
      expect(await env.page.evaluate(() => window.__firstParty)).toEqual({ beacon: false, fetch: 204, xhr: [4, 200] });
      expect(errors).toEqual([]);
      // The held iframes are there, empty (about:blank), for the placeholders.
      expect(env.page.frames().slice(1).map((f) => f.url())).toEqual(['about:blank', 'about:blank']);

      await env.page.evaluate(() => window.ConsentGate!.rejectAll());
      await env.page.waitForTimeout(300);
      await env.page.reload();
      await appReady(env.page);
      expect(env.requests.map((r) => r.url)).toEqual([]);
      expect(await trackerRuns(env.page)).toEqual([]);
      expect(env.recorder.unanswered()).toEqual([]);
      expect(errors).toEqual([]);
    }, options);
  });

  it('granting only analytics requests and runs exactly the analytics services', async () => {
    await withPage(async (env) => {
      await openShop(env);
      await env.page.evaluate(() => window.ConsentGate!.update({ analytics: true }));
      await settle(env.page, 3);
      expect(servicesOf(env.requests)).toEqual(ANALYTICS);
      const runs = await trackerRuns(env.page);
      expect(runs.map(serviceOf).sort()).toEqual(ANALYTICS);
      // What was stopped without an element (beacon, fetch, XHR) is not replayed.
      expect(env.requests.filter((r) => ['fetch', 'xhr', 'ping'].includes(r.resourceType))).toEqual([]);
    }, options);
  });

  it('accept-all: every service, each script executed once, held scripts in document order; withdrawal deletes their cookies', async () => {
    await withPage(async (env) => {
      await openShop(env);
      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await settle(env.page, 7);
      expect(servicesOf(env.requests)).toEqual(EVERYTHING);
      const runs = await trackerRuns(env.page);
      expect(new Set(runs).size).toBe(runs.length);
      expect(runs.map(serviceOf).sort()).toEqual(['google-analytics', 'hotjar', 'linkedin-insight', 'meta-pixel', 'segment', 'tiktok-pixel', 'x-widgets']);
      // The marked inline script ran after the marked loader before it had loaded.
      expect(await env.page.evaluate(() => window.__order)).toEqual(['after-segment:true']);
      // Iframes loaded: YouTube and the like button.
      const frames = env.requests.filter((r) => r.resourceType === 'document').map((r) => serviceOf(r.url));
      expect(frames.sort()).toEqual(['facebook-plugins', 'youtube']);

      // Granting again releases nothing twice.
      const count = env.requests.length;
      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await env.page.waitForTimeout(500);
      expect(env.requests.length).toBe(count);
      expect(await trackerRuns(env.page)).toEqual(runs);

      const url = env.server.url('/shop/index.html', 'www.' + SITE_HOST);
      const names = async () => (await cookiesOf(env.context, url)).map((c) => c.name);
      expect(await names()).toEqual(expect.arrayContaining([...TRACKER_COOKIES, 'consentgate']));
      const hotjar = (await cookiesOf(env.context, url)).filter((c) => c.name.startsWith('_hj')).map((c) => [c.name, c.domain, c.path]);
      expect(hotjar.sort()).toEqual([
        ['_hjSessionUser_1234567', 'www.' + SITE_HOST, '/shop'],
        ['_hjSession_1234567', '.' + SITE_HOST, '/'],
      ]);

      // Withdrawal: cleanup, then the page reloads so nothing keeps running.
      await Promise.all([env.page.waitForEvent('load'), env.page.evaluate(() => window.ConsentGate!.withdraw())]);
      await appReady(env.page);
      expect((await names()).sort()).toEqual(['consentgate']);
      expect(await trackerRuns(env.page)).toEqual([]);
      expect(env.requests.length).toBe(count);
      expect(await env.page.evaluate(() => window.ConsentGate!.get()?.withdrawnAt)).toBeTruthy();
    }, options);
  });
});
