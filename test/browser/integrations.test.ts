/**
 * Integrations in real Chromium against the shipped `dist/consentgate.js`: two tabs kept in sync,
 * Google Consent Mode and the tag-manager event in `window.dataLayer`, and a sensitive SPA route.
 */
import { describe, expect, it } from 'vitest';
import { withPage } from '../_util/chromium';
import { appReady, isAdvertising, isAnalytics, settle, siteConfig, storedRecord, trackerPage } from '../fixtures/integrations/pages';
import { DENIED_DEFAULT } from '../fixtures/integrations/setup';

declare global {
  interface Window {
    dataLayer?: unknown[];
  }
}

/** `window.dataLayer` as JSON: gtag commands (Arguments objects) as arrays tagged `gtag`. */
const readDataLayer = () =>
  (window.dataLayer ?? []).map((entry) =>
    Object.prototype.toString.call(entry) === '[object Arguments]' ? { gtag: Array.from(entry as IArguments) } : entry,
  );

describe('cross-tab', () => {
  it('two tabs of one site stay in sync: a grant applies in the other tab without a reload and releases its held tags', async () => {
    await withPage(async ({ page: a, context, server, requests }) => {
      server.setPage('/', trackerPage({ config: siteConfig() }));
      await a.goto(server.url('/?tab=a'));
      const b = await context.newPage();
      await b.goto(server.url('/?tab=b'));
      await Promise.all([appReady(a), appReady(b)]);
      await settle(b);
      const fromTab = (tab: string) => requests.filter((r) => r.frameUrl.endsWith(`?tab=${tab}`));
      expect(requests.filter((r) => isAnalytics(r) || isAdvertising(r))).toEqual([]);
      await b.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      // A marker that a reload would wipe.
      await b.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

      await a.locator('[data-consentgate-accept-all]').click();
      // B learns it without a reload: granted, banner gone, its held tags released.
      await b.waitForFunction(() => window.ConsentGate!.isGranted('analytics'), undefined, { polling: 50 });
      await b.locator('[data-consentgate-banner]').waitFor({ state: 'hidden' });
      await settle(b);
      expect(await b.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      for (const tab of ['a', 'b']) {
        expect(fromTab(tab).filter(isAnalytics).map((r) => r.url)).toEqual(['https://www.google-analytics.com/analytics.js']);
        expect(fromTab(tab).filter(isAdvertising).map((r) => r.host).sort()).toEqual(['ads.acme.example', 'connect.facebook.net', 'www.facebook.com']);
      }
    });
  });

  it('and back: a rejection in the other tab applies here too (a revocation reloads, as reloadOnWithdraw says)', async () => {
    await withPage(async ({ page: a, context, server, requests }) => {
      server.setPage('/', trackerPage({ config: siteConfig() }));
      await a.goto(server.url('/?tab=a'));
      await appReady(a);
      await a.locator('[data-consentgate-accept-all]').click();
      const b = await context.newPage();
      await b.goto(server.url('/?tab=b'));
      await appReady(b);
      expect(await a.evaluate(() => window.ConsentGate!.isGranted('advertising'))).toBe(true);

      await b.evaluate(() => window.ConsentGate!.rejectAll());
      await a.waitForFunction(() => window.ConsentGate && !window.ConsentGate.isGranted('advertising'), undefined, { polling: 50 });
      await appReady(a);
      requests.length = 0;
      await a.evaluate(() => (window as unknown as { fireTrackers(tag: string): void }).fireTrackers('after-reject'));
      await settle(a);
      expect(requests.filter((r) => isAnalytics(r) || isAdvertising(r)).map((r) => r.url)).toEqual([]);
      expect((await storedRecord(context, server.url('/')))!.categories).toMatchObject({ analytics: false, advertising: false });
    });
  });
});

describe('Google Consent Mode and the tag-manager event', () => {
  const config = siteConfig({ googleConsentMode: { enabled: true, waitForUpdate: 500, adsDataRedaction: true, urlPassthrough: true } });
  // The site's own Google tag snippet, after the SDK as the README says.
  const gtagSnippet = `<script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', 'now');
    gtag('config', 'G-TEST');
  </script>`;

  it('default first, before the page’s gtag commands; after accept-all (GPC) an update, then consentgate_update', async () => {
    await withPage(
      async ({ page, server }) => {
        server.setPage('/', trackerPage({ config, head: gtagSnippet }));
        await page.goto(server.url('/'));
        await appReady(page);
        const before = await page.evaluate(readDataLayer);
        expect(before.slice(0, 5)).toEqual([
          { gtag: ['consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500 }] },
          { gtag: ['set', 'ads_data_redaction', true] },
          { gtag: ['set', 'url_passthrough', true] },
          { gtag: ['js', 'now'] },
          { gtag: ['config', 'G-TEST'] },
        ]);
        expect(before).toHaveLength(5); // undecided: no update, no event

        await page.locator('[data-consentgate-accept-all]').click();
        // The decision runs after the next paint (the UI keeps the click's INP low): wait for it.
        await page.waitForFunction(() => (window.dataLayer ?? []).some((e) => (e as { event?: string }).event === 'consentgate_update'));
        const after = (await page.evaluate(readDataLayer)).slice(5);
        expect(after[0]).toEqual({
          // GPC: advertising stays denied; no functional category on this site.
          gtag: ['consent', 'update', { ...DENIED_DEFAULT, analytics_storage: 'granted' }],
        });
        expect(after[1]).toMatchObject({
          event: 'consentgate_update',
          consentgate: { categories: ['necessary', 'analytics'], method: 'banner-accept-all' },
          // GTM's flag, by its name: the build must not mangle it with our internal `_` fields.
          _clear: true,
        });

        // Returning visitor: the update comes right at start-up, after the default.
        await page.reload();
        await appReady(page);
        const again = await page.evaluate(readDataLayer);
        expect(again[0]).toEqual({ gtag: ['consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500 }] });
        const update = again.findIndex((e) => JSON.stringify(e).includes('"update"'));
        expect(update).toBeGreaterThan(0);
        expect(again[update]).toEqual({ gtag: ['consent', 'update', { ...DENIED_DEFAULT, analytics_storage: 'granted' }] });
        expect(again[update + 1]).toMatchObject({ event: 'consentgate_update', consentgate: { cause: 'init' } });
      },
      { gpc: true },
    );
  });
});

describe('sensitive pages in a single-page app', () => {
  it('a pushState route to a condition page keeps advertising blocked there, without changing the record', async () => {
    const config = siteConfig({ sensitivePages: [{ match: '/conditions/**', block: ['advertising'] }] });
    await withPage(async ({ page, context, server, requests }) => {
      server.setPage('/', trackerPage({ config }));
      await page.goto(server.url('/'));
      await appReady(page);
      await page.locator('[data-consentgate-accept-all]').click();
      await settle(page);
      expect(requests.some(isAdvertising)).toBe(true);
      const record = await storedRecord(context, server.url('/'));

      requests.length = 0;
      await page.evaluate(() => {
        history.pushState({}, '', '/conditions/hiv');
        (window as unknown as { fireTrackers(tag: string): void }).fireTrackers('condition-page');
      });
      await settle(page);
      expect(requests.filter(isAdvertising).map((r) => r.url)).toEqual([]);
      expect(requests.some(isAnalytics)).toBe(true);
      expect(await page.evaluate(() => window.ConsentGate!.isGranted('advertising'))).toBe(false);
      expect(await storedRecord(context, server.url('/'))).toEqual(record);

      // Back on an ordinary route, new tags run again.
      await page.evaluate(() => {
        history.pushState({}, '', '/');
        (window as unknown as { fireTrackers(tag: string): void }).fireTrackers('home');
      });
      await settle(page);
      expect(requests.filter(isAdvertising).some((r) => r.url.includes('t=home'))).toBe(true);
    });
  });

  // A tag held on the sensitive route carries that page (its URL names it): the blocking layer
  // drops it, so it is not sent later either, after the visitor navigates to an ordinary route.
  it('a tag held on a condition route is not sent after the visitor leaves it', async () => {
    const config = siteConfig({ sensitivePages: [{ match: '/conditions/**', block: ['advertising'] }] });
    await withPage(async ({ page, server, requests }) => {
      server.setPage('/', trackerPage({ config }));
      await page.goto(server.url('/'));
      await appReady(page);
      await page.locator('[data-consentgate-accept-all]').click();
      await page.evaluate(() => {
        history.pushState({}, '', '/conditions/hiv');
        (window as unknown as { fireTrackers(tag: string): void }).fireTrackers('condition-page');
        history.pushState({}, '', '/');
      });
      await settle(page);
      expect(requests.filter(isAdvertising).some((r) => r.url.includes('t=condition-page'))).toBe(false);
    });
  });
});
