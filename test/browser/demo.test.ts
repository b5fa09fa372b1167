/**
 * The demo (`npm run demo`) in Chromium: the Larkspur Health site on the script tag + JSON config,
 * and the SPA on the npm import. Third-party requests are answered by the harness, never the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_READ_TOKEN, startDemoServer } from '../../demo/serve.mjs';
import { trackerRuns, withPage } from '../_util/chromium';

let demo: Awaited<ReturnType<typeof startDemoServer>>;
const dir = mkdtempSync(join(tmpdir(), 'cg-demo-'));
beforeAll(async () => {
  demo = await startDemoServer({ port: 0, receiptsDb: join(dir, 'receipts.sqlite') });
});
afterAll(async () => {
  await demo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const url = (path: string) => new URL(path, demo.url).href;
const GA = 'https://www.googletagmanager.com/gtag/js?id=G-LARKSPUR01';
const META = 'https://connect.facebook.net/en_US/fbevents.js';
const LINKEDIN = 'https://snap.licdn.com/li.lms-analytics/insight.min.js';

describe('demo site (script tag + demo/consentgate.config.json)', () => {
  it('home: banner, Opt Out link in the footer, no tracker request before consent; Accept runs each tag once; a sensitive page keeps advertising off', async () => {
    await withPage(async ({ page, requests }) => {
      await page.goto(url('/'));
      await page.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      await expect.poll(() => page.locator('footer [data-consentgate-opt-out]').locator('a, button').first().innerText()).toMatch(/opt out/i);
      await page.waitForTimeout(300);
      expect(requests.map((r) => r.url)).toEqual([]);
      await page.locator('[data-consentgate-accept-all]').click();
      await page.waitForFunction(() => (window.__trackerRuns ?? []).length >= 3);
      await page.waitForTimeout(300);
      expect([...(await trackerRuns(page))].sort()).toEqual([META, GA, LINKEDIN].sort());
      // The decision's receipt is in the demo's own collector (same origin, /collector/).
      const today = new Date().toISOString().slice(0, 10);
      await expect
        .poll(async () => {
          const response = await fetch(url(`/collector/stats?from=${today}&to=${today}`), { headers: { Authorization: `Bearer ${DEMO_READ_TOKEN}` } });
          return response.json();
        })
        .toEqual([{ day: today, decision: 'accept-all', count: 1 }]);

      // The next page: a returning visitor (the config's own cookie name, repeated on the tag as
      // data-cookie-name) downloads no panels.
      const panels: string[] = [];
      page.on('request', (r) => r.url().includes('/dist/consentgate-ui.js') && panels.push(r.url()));
      await page.goto(url('/conditions/type-2-diabetes.html'));
      await page.waitForFunction(() => (window.__trackerRuns ?? []).length >= 1);
      await page.waitForTimeout(500);
      expect(await trackerRuns(page)).toEqual([GA]);
      expect(panels).toEqual([]);
    });
  });

  it('blog: the YouTube and Vimeo embeds wait behind placeholders, the document.write partner tag is held; privacy: the cookie declaration lists the services\' cookies', async () => {
    await withPage(async ({ page, requests }) => {
      await page.goto(url('/blog.html'));
      await page.locator('[data-consentgate-placeholder]').first().waitFor({ state: 'visible' });
      expect(await page.locator('[data-consentgate-placeholder]').evaluateAll((els) => els.map((el) => el.getAttribute('data-consentgate-placeholder')))).toEqual(['youtube', 'vimeo']);
      await page.waitForTimeout(300);
      expect(requests.map((r) => r.url)).toEqual([]);
      expect(await page.locator('.partner-offer').count()).toBe(0);
      await page.goto(url('/privacy.html'));
      const table = page.locator('[data-consentgate-cookie-table] table').first();
      await table.waitFor();
      expect(await page.locator('[data-consentgate-cookie-table]').innerText()).toContain('_ga');
    });
  });
});

describe('demo blog after Accept, and for a returning visitor', () => {
  it('the Vimeo player loads and the partner tag writes its offer and Microsoft UET\'s image in place, the page intact, on every visit', async () => {
    await withPage(async ({ page, requests, recorder }) => {
      await page.goto(url('/blog.html'));
      await page.locator('[data-consentgate-accept-all]').click();
      for (const visit of ['Accept', 'returning visit 1', 'returning visit 2']) {
        if (visit !== 'Accept') {
          requests.length = 0;
          await page.reload();
        }
        await page.locator('.partner .partner-offer').waitFor();
        const vimeo = (part: string) => requests.filter((r) => r.url.includes(part)).length;
        await expect.poll(() => [vimeo('player.vimeo.com/video/76979871'), vimeo('player.vimeo.com/api/player.js'), vimeo('bat.bing.com/action/0')], { message: visit }).toEqual([1, 1, 1]);
        // Written where the tag stands, inside its <aside>; the article and the footer are still there.
        expect(await page.evaluate(() => Array.from(document.querySelector('.partner')!.children).map((el) => el.localName)), visit).toEqual(['script', 'p', 'img']);
        expect(await page.evaluate(() => [document.querySelector('h1')?.textContent, !!document.querySelector('footer.site'), document.readyState]), visit).toEqual([
          'Five small habits for better sleep',
          true,
          'complete',
        ]);
        await expect.poll(() => page.frames().some((f) => f.url().startsWith('https://player.vimeo.com/video/76979871')), { message: visit }).toBe(true);
      }
      expect(recorder.unanswered()).toEqual([]);
    });
  });
});

describe('SPA demo (npm import)', () => {
  it('route changes neither re-show the banner nor re-run trackers; the panel shows states and what was stopped', async () => {
    await withPage(async ({ page }) => {
      await page.goto(url('/spa/'));
      await page.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      await expect.poll(() => page.locator('#stopped li[data-event="held"]').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#services tr[data-service="google-analytics"] td').last().innerText()).toBe('blocked');
      await page.locator('[data-consentgate-accept-all]').click();
      await page.waitForFunction(() => (window.__trackerRuns ?? []).length >= 2);
      await expect.poll(() => page.locator('#services tr[data-service="google-analytics"] td').last().innerText()).toBe('allowed');
      for (const path of ['/spa/appointments', '/spa/messages', '/spa/', '/spa/appointments']) {
        await page.locator(`header nav a[href="${path}"]`).click();
        await page.waitForURL(url(path));
      }
      await page.goBack();
      await page.waitForTimeout(600);
      const stats = await page.evaluate(() => window.__spa!);
      expect(stats).toMatchObject({ routeChanges: 5, loaderInserts: 2, pageViews: 6, bannerShows: 1 });
      expect(await page.locator('[data-consentgate-banner]').count()).toBe(0);
      expect([...(await trackerRuns(page))].sort()).toEqual([META, GA].sort());
    });
  });
});
