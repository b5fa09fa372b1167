/**
 * Browser signals and regimes in real Chromium, against the shipped `dist/consentgate.js`.
 * DNT and GPC are set both ways a browser sends them: the JS properties (init script) and the
 * request headers (`DNT: 1`, `Sec-GPC: 1`).
 */
import { describe, expect, it } from 'vitest';
import { withPage } from '../_util/chromium';
import type { ConsentGateConfig } from '../../src/types';
import { appReady, isAdvertising, isAnalytics, settle, siteConfig, storedRecord, trackerPage } from '../fixtures/integrations/pages';

const DNT_REASON = 'Not honored: no common definition or industry standard for Do Not Track exists (privacy policy).';
const DO_NOT_SELL = 'Do Not Sell or Share My Personal Information';

describe('browser signals (opt-in regime)', () => {
  it('DNT + GPC: the cookie records both observations; accept-all leaves advertising blocked and makes no advertising request', async () => {
    await withPage(
      async ({ page, context, server, requests }) => {
        server.setPage('/', trackerPage({ config: siteConfig() }));
        await page.goto(server.url('/'));
        await appReady(page);

        // The browser really sends both signals.
        expect(await page.evaluate(() => [navigator.doNotTrack, (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl])).toEqual(['1', true]);
        const hit = server.hits.find((h) => h.url === '/')!;
        expect(hit.headers['dnt']).toBe('1');
        expect(hit.headers['sec-gpc']).toBe('1');

        // Opt-in: a banner, nothing recorded yet, nothing sent.
        await page.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
        expect(await storedRecord(context, server.url('/'))).toBeNull();
        expect(requests.filter((r) => isAdvertising(r) || isAnalytics(r))).toEqual([]);

        await page.locator('[data-consentgate-accept-all]').click();
        await page.locator('[data-consentgate-banner]').waitFor({ state: 'hidden' });
        await settle(page);

        const record = await storedRecord(context, server.url('/'));
        expect(record).toMatchObject({
          v: 1,
          method: 'banner-accept-all',
          mode: 'opt-in',
          categories: { necessary: true, analytics: true, advertising: false },
          signals: {
            doNotTrack: { observed: '1', honored: false, categories: [], reason: DNT_REASON },
            globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] },
          },
        });
        expect(record!.signals.globalPrivacyControl.overriddenByVisitor).toBeUndefined();
        expect(await page.evaluate(() => [window.ConsentGate!.isGranted('analytics'), window.ConsentGate!.isGranted('advertising')])).toEqual([true, false]);

        // Analytics was released; advertising never left the page, then or later.
        expect(requests.some(isAnalytics)).toBe(true);
        await page.evaluate(() => (window as unknown as { fireTrackers(tag: string): void }).fireTrackers('after-accept'));
        await settle(page);
        expect(requests.filter(isAdvertising).map((r) => r.url)).toEqual([]);

        // Next page view: same record, no banner, still no advertising request.
        requests.length = 0;
        await page.reload();
        await appReady(page);
        await settle(page);
        expect(await page.locator('[data-consentgate-banner]').count()).toBe(0);
        expect(requests.filter(isAdvertising).map((r) => r.url)).toEqual([]);
        expect(requests.some(isAnalytics)).toBe(true);
        expect((await storedRecord(context, server.url('/')))!.seq).toBe(record!.seq);
      },
      { dnt: true, gpc: true },
    );
  });

  it('DNT honored by the site: accept-all leaves its categories blocked and the record says the signal was honored', async () => {
    const config = siteConfig({ signals: { doNotTrack: { mode: 'honor', categories: ['analytics', 'advertising'] }, globalPrivacyControl: { mode: 'honor' } } });
    await withPage(
      async ({ page, context, server, requests }) => {
        server.setPage('/', trackerPage({ config }));
        await page.goto(server.url('/'));
        await appReady(page);
        await page.locator('[data-consentgate-accept-all]').click();
        await settle(page);
        expect(await storedRecord(context, server.url('/'))).toMatchObject({
          categories: { analytics: false, advertising: false },
          signals: {
            doNotTrack: { observed: '1', honored: true, categories: ['analytics', 'advertising'] },
            globalPrivacyControl: { observed: false, categories: [] },
          },
        });
        expect(requests.filter((r) => isAdvertising(r) || isAnalytics(r)).map((r) => r.url)).toEqual([]);
      },
      { dnt: true },
    );
  });

  it('without signals, accept-all releases advertising too (the control case)', async () => {
    await withPage(async ({ page, context, server, requests }) => {
      server.setPage('/', trackerPage({ config: siteConfig() }));
      await page.goto(server.url('/'));
      await appReady(page);
      await page.locator('[data-consentgate-accept-all]').click();
      await settle(page);
      expect(await storedRecord(context, server.url('/'))).toMatchObject({
        categories: { advertising: true },
        signals: { doNotTrack: { observed: null, honored: false }, globalPrivacyControl: { observed: false, categories: [] } },
      });
      expect(requests.some(isAdvertising)).toBe(true);
    });
  });
});

describe('US opt-out regime', () => {
  const optOut = (extra: Partial<ConsentGateConfig> = {}) => siteConfig({ mode: 'opt-out', ...extra });

  it('the "Do Not Sell or Share" link shows; a click records the opt-out and no tracker request follows', async () => {
    await withPage(async ({ page, context, server, requests }) => {
      server.setPage('/', trackerPage({ config: optOut() }));
      await page.goto(server.url('/'));
      await appReady(page);
      expect(await page.locator('[data-consentgate-banner]').count()).toBe(0);

      const link = page.locator('[data-consentgate-opt-out]').getByRole('button', { name: DO_NOT_SELL });
      await link.waitFor({ state: 'visible' });
      await settle(page);
      expect(requests.some(isAdvertising)).toBe(true); // opt-out regime: on until the visitor objects

      await link.click();
      await settle(page, 200);
      const record = await storedRecord(context, server.url('/'));
      expect(record).toMatchObject({ method: 'opt-out-link', mode: 'opt-out', categories: { advertising: false } });
      expect(await page.evaluate(() => window.ConsentGate!.isGranted('advertising'))).toBe(false);

      // Nothing more goes to an advertiser: not the page's later tags, not a reload.
      requests.length = 0;
      await page.evaluate(() => (window as unknown as { fireTrackers(tag: string): void }).fireTrackers('after-opt-out'));
      await settle(page);
      expect(requests.filter(isAdvertising).map((r) => r.url)).toEqual([]);
      await page.reload();
      await appReady(page);
      await settle(page);
      expect(requests.filter(isAdvertising).map((r) => r.url)).toEqual([]);
      await page.locator('[data-consentgate-opt-out]').getByRole('button', { name: DO_NOT_SELL }).waitFor({ state: 'visible' });
    });
  });

  it('a GPC visitor: a signal record, no banner, no advertising request, and the link still there', async () => {
    await withPage(
      async ({ page, context, server, requests }) => {
        server.setPage('/', trackerPage({ config: optOut() }));
        await page.goto(server.url('/'));
        await appReady(page);
        await settle(page);
        expect(await page.locator('[data-consentgate-banner]').count()).toBe(0);
        expect(await storedRecord(context, server.url('/'))).toMatchObject({
          method: 'signal',
          mode: 'opt-out',
          categories: { analytics: true, advertising: false },
          signals: { globalPrivacyControl: { observed: true, honored: true, categories: ['advertising'] } },
        });
        expect(requests.filter(isAdvertising).map((r) => r.url)).toEqual([]);
        expect(requests.some(isAnalytics)).toBe(true);
        await page.locator('[data-consentgate-opt-out]').getByRole('button', { name: DO_NOT_SELL }).waitFor({ state: 'visible' });
      },
      { gpc: true },
    );
  });

  it('data-region on the script tag picks the regime: US-CA opt-out with GPC, GB opt-in with a banner', async () => {
    const config = siteConfig({ regions: { 'US-CA': 'opt-out', GB: 'opt-in', default: 'opt-in' } });
    await withPage(
      async ({ page, context, server }) => {
        server.setPage('/ca', trackerPage({ config, scriptAttributes: 'data-region="US-CA"' }));
        server.setPage('/gb', trackerPage({ config: { ...config, policy: { ...config.policy, cookieName: 'cg_gb' } }, scriptAttributes: 'data-region="GB"' }));
        await page.goto(server.url('/ca'));
        await appReady(page);
        expect(await page.locator('[data-consentgate-banner]').count()).toBe(0);
        expect((await storedRecord(context, server.url('/ca')))!.method).toBe('signal');
        await page.goto(server.url('/gb'));
        await appReady(page);
        await page.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
        expect(await storedRecord(context, server.url('/gb'), 'cg_gb')).toBeNull();
      },
      { gpc: true },
    );
  });
});
