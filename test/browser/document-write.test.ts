/**
 * Issue 18, item 2: a marked tag that calls `document.write` keeps the page. The script tag as it
 * ships (dist/), every third party answered locally and counted.
 *
 * Before: released after parsing (Accept), the tag's write opened a new document, so the page was
 * replaced by the written <img> and `load` never fired; on a returning visit the write either did
 * the same or was dropped. Now what a released script writes goes where the tag stood, through an
 * inert parse and the guards, and the scripts it writes run in order.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AFTER_APP, APP_STARTED, answerAfterApp } from '../_util/after-app';
import { SITE_HOST, withPage, type PageEnv } from '../_util/chromium';

declare global {
  interface Window {
    __order?: string[];
    __loaded?: boolean;
  }
}

const CONFIG = {
  policy: { version: '1' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'analytics', services: [{ id: 'hotjar' }] },
    { id: 'advertising', services: [{ id: 'microsoft-uet' }] },
  ],
  ui: { optOutLink: { fixed: false } },
};
const BING = 'https://bat.bing.com/action/0?ti=5&Ver=2';
const AD = 'https://ads.example-network.com';
const HOTJAR = 'https://static.hotjar.com/c/hotjar-1234567.js?sv=6';

const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script src="/dist/consentgate.js"></script>
<script>addEventListener('load', function () { window.__loaded = true; });</script>
</head><body><h1 id="title">Shop</h1>
${body}
<p id="after">The page's own content after the tags.</p>
<footer id="footer">Footer</footer>
</body></html>`;

// Bing UET's image tag, written by a marked advertising script as affiliate and ad tags still do.
const BING_TAG = `<script type="text/plain" data-category="advertising" data-service="microsoft-uet" id="bing">document.write('<img src="${BING}" height="0" width="0" style="display:none" alt="" id="bing-img">');</script>`;

// An ad tag as networks serve them: markup split across writes, an external script written
// inside it (which writes again, an external script and markup), an inline one after it, and a
// tracker of another category written alongside.
const AD_TAG = `<script type="text/plain" data-category="advertising" id="ad-tag">
(window.__order = window.__order || []).push('tag');
document.write('<div id="ad" class="ad-slot">');
document.write('<script src="${AD}/a.js"><\\/script>');
document.write('<script>window.__order.push("inline after a")<\\/script>');
document.writeln('<span id="tag-end">end</span></div>');
document.write('<script src="${HOTJAR}"><\\/script>');
window.__order.push('tag done: ' + !!document.getElementById('ad'));
</script>`;
const AD_SCRIPTS = {
  [`${AD}/a.js`]: `window.__order.push('a'); document.write('<script src="${AD}/b.js"><\\/script><em id="a-wrote">a</em>');`,
  [`${AD}/b.js`]: `window.__order.push('b'); document.write('<i id="b-wrote">b</i>');`,
  'static.hotjar.com': `(window.__order = window.__order || []).push('hotjar');`,
};

/** The page's own content is there and `load` fired. */
async function intact(p: Page): Promise<void> {
  await p.waitForFunction(() => window.__loaded === true, undefined, { timeout: 10_000 });
  expect(await p.evaluate(() => [document.title, document.getElementById('title')?.textContent, !!document.getElementById('after'), !!document.getElementById('footer')])).toEqual([
    'Shop',
    'Shop',
    true,
    true,
  ]);
}

const count = (env: PageEnv, part: string) => env.requests.filter((r) => r.url.includes(part)).length;

/** The page kept, the Bing image written right after its tag, and requested once. */
async function bingInPlace(env: PageEnv): Promise<void> {
  await intact(env.page);
  await env.page.waitForFunction(() => !!document.getElementById('bing-img'));
  expect(await env.page.evaluate(() => document.getElementById('bing')!.nextElementSibling!.id)).toBe('bing-img');
  await expect.poll(() => count(env, 'bat.bing.com')).toBe(1);
}

/** `visits` returning visits, each with the Bing tag written in place. */
async function returningVisits(env: PageEnv, visits: number): Promise<void> {
  for (let visit = 1; visit <= visits; visit++) {
    env.requests.length = 0;
    await env.page.reload();
    await bingInPlace(env);
  }
}

/** The element ids (and script srcs) inside #ad, in order. */
const adSlot = (p: Page) =>
  p.evaluate(() => Array.from(document.querySelectorAll('#ad *')).map((el) => el.id || (el as HTMLScriptElement).src || el.localName));

describe('a marked document.write tag (dist/)', () => {
  it('first visit, Accept, returning visit: the page stays, load fires, the written <img> sits where the tag stood', async () => {
    await withPage(async (env) => {
      env.server.setPage('/bing.html', page(BING_TAG));
      await env.page.goto(env.server.url('/bing.html', 'www.' + SITE_HOST));
      await intact(env.page);
      expect(count(env, 'bat.bing.com')).toBe(0);

      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await bingInPlace(env);
      await returningVisits(env, 3);
      expect(env.recorder.unanswered()).toEqual([]);
    });
  });

  it('written scripts run in order, external ones awaited, nested writes where the parser would put them; split markup is one tree', async () => {
    await withPage(
      async (env) => {
        env.server.setPage('/ad.html', page(AD_TAG));
        await env.page.goto(env.server.url('/ad.html', 'www.' + SITE_HOST));
        await env.page.evaluate(() => window.ConsentGate!.acceptAll());
        const expected = ['tag', 'tag done: true', 'a', 'b', 'inline after a', 'hotjar'];
        for (const visit of ['Accept', 'returning visit']) {
          if (visit !== 'Accept') {
            env.requests.length = 0;
            await env.page.reload();
          }
          await env.page.waitForFunction((n) => (window.__order ?? []).length >= n, expected.length, { timeout: 10_000 });
          await intact(env.page);
          expect(await env.page.evaluate(() => window.__order), visit).toEqual(expected);
          // a.js, what it wrote (b.js, what b wrote, then its own <em>), the inline script, the span.
          expect(await adSlot(env.page), visit).toEqual([`${AD}/a.js`, `${AD}/b.js`, 'b-wrote', 'a-wrote', 'script', 'tag-end']);
          // The slot is right after the tag, the tracker script after the slot.
          expect(await env.page.evaluate(() => [document.getElementById('ad-tag')!.nextElementSibling!.id, (document.getElementById('ad')!.nextElementSibling as HTMLScriptElement).src]), visit).toEqual([
            'ad',
            HOTJAR,
          ]);
          for (const file of ['a.js', 'b.js', 'hotjar']) expect(count(env, file), `${file}, ${visit}`).toBe(1);
        }
      },
      { thirdParty: { scripts: AD_SCRIPTS } },
    );
  });

  it('a written tracker of a service not granted is held where it was written, and runs there once granted', async () => {
    await withPage(
      async (env) => {
        env.server.setPage('/ad.html', page(AD_TAG));
        await env.page.goto(env.server.url('/ad.html', 'www.' + SITE_HOST));
        await env.page.evaluate(() => window.ConsentGate!.update({ advertising: true }));
        await env.page.waitForFunction(() => (window.__order ?? []).includes('inline after a'));
        await env.page.waitForTimeout(300);
        await intact(env.page);
        expect(count(env, 'hotjar')).toBe(0);
        const held = () =>
          env.page.evaluate(() => {
            const s = document.getElementById('ad')!.nextElementSibling as HTMLScriptElement;
            return [s.type, s.hasAttribute('data-cg')];
          });
        expect(await held()).toEqual(['text/plain', true]);

        // Still held on a returning visit; the grant releases it in its place.
        env.requests.length = 0;
        await env.page.reload();
        await env.page.waitForFunction(() => (window.__order ?? []).includes('inline after a'));
        await intact(env.page);
        expect(await held()).toEqual(['text/plain', true]);
        expect(count(env, 'hotjar')).toBe(0);
        await env.page.evaluate(() => window.ConsentGate!.update({ analytics: true }));
        await env.page.waitForFunction(() => (window.__order ?? []).includes('hotjar'));
        expect(count(env, 'hotjar')).toBe(1);
        expect(await env.page.evaluate(() => (document.getElementById('ad')!.nextElementSibling as HTMLScriptElement).src)).toBe(HOTJAR);
      },
      { thirdParty: { scripts: AD_SCRIPTS } },
    );
  });

  it('released while the page still parses (the app started first): the rest of the page is parsed, the write lands in place', async () => {
    await withPage(async (env) => {
      await answerAfterApp(env.page);
      env.server.setPage('/parsing.html', page(`${APP_STARTED}<script src="${AFTER_APP}"></script>${BING_TAG}`));
      await env.page.goto(env.server.url('/parsing.html', 'www.' + SITE_HOST));
      await env.page.evaluate(() => window.ConsentGate!.acceptAll());
      await expect.poll(() => count(env, 'bat.bing.com')).toBe(1);
      await returningVisits(env, 3);
      expect(await env.page.evaluate(() => window.__afterApp)).toBe(true);
    });
  });

  it('the parser’s own scripts keep the native write', async () => {
    await withPage(async (env) => {
      env.server.setPage('/native.html', page(`<script id="own">document.write('<b id="native">' + (document.readyState) + '</b>');</script>`));
      await env.page.goto(env.server.url('/native.html', 'www.' + SITE_HOST));
      await intact(env.page);
      expect(await env.page.evaluate(() => [document.getElementById('own')!.nextElementSibling!.id, document.getElementById('native')!.textContent])).toEqual([
        'native',
        'loading',
      ]);
    });
  });
});
