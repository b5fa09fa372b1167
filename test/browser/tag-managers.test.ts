/**
 * Issue 18, item 5: the registry knows the big tag managers. Adobe Launch's loader (the vendor's
 * embed code, unmarked) is held before consent like any tracker; a site may list it under another
 * category (here `functional`), and once that is granted what Launch loads is still judged one by
 * one: Adobe Analytics' beacon waits for `analytics`.
 */
import { describe, expect, it } from 'vitest';
import { SITE_HOST, trackerRuns, withPage, type PageEnv } from '../_util/chromium';

const page = (functional: Array<{ id: string }>) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SaaS</title>
<script type="application/json" data-consentgate-config>${JSON.stringify({
  policy: { version: '1' },
  categories: [{ id: 'necessary', required: true }, { id: 'functional', services: functional }, { id: 'analytics' }],
  ui: { optOutLink: { fixed: false } },
})}</script>
<script src="/dist/consentgate.js"></script>
<script src="https://assets.adobedtm.com/launch-ENabc123.min.js" async></script>
<script src="https://tags.tiqcdn.com/utag/acme/main/prod/utag.js"></script>
</head><body><h1>SaaS</h1></body></html>`;

// Launch behaves like Adobe's: it sets AMCV_/s_cc and sends an Adobe Analytics beacon.
const LAUNCH = {
  thirdParty: {
    scripts: {
      'assets.adobedtm.com':
        "document.cookie = 'AMCV_ABC%40AdobeOrg=1; path=/'; document.cookie = 's_cc=true; path=/'; new Image().src = 'https://acme.sc.omtrdc.net/b/ss/acme/1/JS-2.22.0/s1';",
    },
  },
};

const ran = async (env: PageEnv) => [...new Set((await trackerRuns(env.page)).map((u) => new URL(u).hostname))].sort();
const beacons = (env: PageEnv) => env.requests.filter((r) => r.url.includes('omtrdc.net')).length;

async function open(env: PageEnv, functional: Array<{ id: string }> = []): Promise<void> {
  env.server.setPage('/saas', page(functional));
  await env.page.goto(env.server.url('/saas', 'www.' + SITE_HOST));
  await env.page.waitForLoadState('load');
  await env.page.waitForTimeout(500);
}

describe('tag managers', () => {
  it('holds Adobe Launch and Tealium before consent: no AMCV_ or s_cc cookie, no beacon', async () => {
    await withPage(async (env) => {
      await open(env);
      expect(await ran(env)).toEqual([]);
      expect(await env.page.evaluate(() => document.cookie)).not.toMatch(/AMCV_|s_cc/);
      expect(beacons(env)).toBe(0);
    }, LAUNCH);
  });

  it('runs Launch under the category the site lists it in; its children still wait for their own', async () => {
    await withPage(async (env) => {
      await open(env, [{ id: 'adobe-launch' }]);
      await env.page.evaluate(() => window.ConsentGate!.update({ functional: true }));
      await env.page.waitForFunction(() => (window.__trackerRuns ?? []).some((u) => u.includes('adobedtm')), null, { timeout: 5000 });
      await env.page.waitForTimeout(300);
      expect(await ran(env)).toEqual(['assets.adobedtm.com']);
      expect(beacons(env)).toBe(0);
      await env.page.evaluate(() => window.ConsentGate!.update({ functional: true, analytics: true }));
      await env.recorder.waitFor((r) => r.url.includes('omtrdc.net'), 3000);
      await env.page.waitForFunction(() => (window.__trackerRuns ?? []).some((u) => u.includes('tiqcdn')), null, { timeout: 5000 });
      expect(await ran(env)).toEqual(['assets.adobedtm.com', 'tags.tiqcdn.com']);
    }, LAUNCH);
  });
});
