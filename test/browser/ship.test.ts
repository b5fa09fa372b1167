/**
 * The script tag as it ships: dist/consentgate.js (the boot) loading dist/consentgate-app.js, in
 * headless Chromium. Config sources, the facade before the app is ready, fail-closed paths, safe
 * twice, CSP nonce.
 */
import type { ConsoleMessage, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { trackerRuns, withPage, type TestServer } from '../_util/chromium';

declare global {
  interface Window {
    __log?: string[];
    __changes?: Array<{ cause: string; categories: string[] }>;
  }
}

const CONFIG = {
  policy: { version: '1' },
  categories: [{ id: 'necessary', required: true }, { id: 'analytics' }, { id: 'advertising' }],
  ui: { optOutLink: { fixed: false } },
};

const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Runs right after the boot, before anything async: what a page script sees at that moment. */
const PROBE = `
  window.__log = [];
  window.__changes = [];
  const cg = window.ConsentGate;
  window.__log.push('sync:' + typeof cg + ':' + cg.isGranted('analytics') + ':' + JSON.stringify(cg.get()));
  cg.onChange((c) => window.__changes.push({ cause: c.cause, categories: c.categories }));
  cg.whenGranted('analytics').then(() => window.__log.push('granted:analytics'));
`;

const page = (head: string, body = '') => `<!doctype html><html lang="en"><head>${head}</head><body><main><h1>Shop</h1></main>${body}</body></html>`;

function collectConsole(p: Page): string[] {
  const lines: string[] = [];
  p.on('console', (m: ConsoleMessage) => lines.push(`${m.type()}: ${m.text()}`));
  p.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

const NONCE_CSP = { 'Content-Security-Policy': "script-src 'nonce-r4nd0m'; object-src 'none'; base-uri 'none'" };
/** The boot and the probe under `NONCE_CSP`, after `head`; what the CSP refused: `violations(page)`. */
const noncePage = (head = '') =>
  page(`${head}
    <script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
    <script nonce="r4nd0m" src="/dist/consentgate.js"></script>
    <script nonce="r4nd0m">document.addEventListener('securitypolicyviolation', (e) => (window.__violations = window.__violations || []).push(e.blockedURI)); ${PROBE}</script>`);
const violations = (p: Page) => p.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);

const appHits = (server: TestServer) => server.hits.filter((h) => h.url.startsWith('/dist/consentgate-app.js')).length;

describe('script tag: dist/consentgate.js + dist/consentgate-app.js', () => {
  it('sets window.ConsentGate synchronously; calls made before the app is ready are replayed in order', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage(
        '/sync.html',
        page(`<script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
          <script src="/dist/consentgate.js"></script>
          <script>${PROBE} cg.acceptAll();</script>`),
      );
      await p.goto(server.url('/sync.html'));
      await p.waitForFunction(() => window.__log?.includes('granted:analytics'));
      const log = await p.evaluate(() => window.__log);
      expect(log?.[0]).toBe('sync:object:false:null');
      const changes = await p.evaluate(() => window.__changes!);
      // The listener registered before the app existed got the init replay, then the decision.
      expect(changes.map((c) => c.cause)).toEqual(['init', 'decision']);
      expect(changes[1]!.categories).toEqual(expect.arrayContaining(['necessary', 'analytics', 'advertising']));
      expect(await p.evaluate(() => [window.ConsentGate!.isGranted('analytics'), window.ConsentGate!.get()?.method])).toEqual([true, 'api']);
      expect(appHits(server)).toBe(1);
      expect(console.filter((l) => l.startsWith('error') || l.startsWith('pageerror'))).toEqual([]);
    });
  });

  it('reads window.consentGateConfig', async () => {
    await withPage(async ({ page: p, server }) => {
      server.setPage(
        '/global.html',
        page(`<script>window.consentGateConfig = ${json(CONFIG)};</script>
          <script src="/dist/consentgate.js"></script><script>${PROBE}</script>`),
      );
      await p.goto(server.url('/global.html'));
      await p.waitForFunction(() => window.__changes?.some((c) => c.cause === 'init'));
      expect(await p.evaluate(() => window.ConsentGate!.problems)).toEqual([]);
    });
  });

  it('reads an inline config placed after the script tag once the document is parsed', async () => {
    await withPage(async ({ page: p, server }) => {
      server.setPage(
        '/late.html',
        page(`<script src="/dist/consentgate.js"></script><script>${PROBE}</script>`, `<script type="application/json" data-consentgate-config>${json(CONFIG)}</script>`),
      );
      await p.goto(server.url('/late.html'));
      await p.waitForFunction(() => window.__changes?.some((c) => c.cause === 'init'));
    });
  });

  it('fetches data-config="URL" and holds everything until it arrives', async () => {
    await withPage(async ({ page: p, server }) => {
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      await p.route('**/consent-config.json', async (route) => {
        await gate;
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(CONFIG) });
      });
      server.setPage('/url.html', page(`<script src="/dist/consentgate.js" data-config="/consent-config.json"></script><script>${PROBE}</script>`));
      await p.goto(server.url('/url.html'));
      await p.waitForTimeout(300);
      // Still waiting for the config: no decision possible, nothing granted, the app is loaded but idle.
      expect(await p.evaluate(() => [window.__changes!.length, window.ConsentGate!.isGranted('analytics')])).toEqual([0, false]);
      release();
      await p.waitForFunction(() => window.__changes?.some((c) => c.cause === 'init'));
    });
  });

  it('fails closed with a clear console error when data-config cannot be loaded', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage('/missing.html', page(`<script src="/dist/consentgate.js" data-config="/nope.json"></script><script>${PROBE}</script>`));
      await p.goto(server.url('/missing.html'));
      await p.waitForLoadState('load');
      await p.waitForTimeout(300);
      const errors = console.filter((l) => l.startsWith('error: [ConsentGate]'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('data-config="/nope.json"');
      expect(errors[0]).toContain('stays blocked');
      expect(await p.evaluate(() => [window.__changes!.length, window.ConsentGate!.isGranted('analytics')])).toEqual([0, false]);
      expect(console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    });
  });

  const UNUSABLE: Array<{ name: string; config: string; error: string }> = [
    { name: 'an inline config of null', config: '<script type="application/json" data-consentgate-config>null</script>', error: 'The config in <script data-consentgate-config> is null' },
    { name: 'window.consentGateConfig = null', config: '<script>window.consentGateConfig = null;</script>', error: 'The config in window.consentGateConfig is null' },
    {
      name: 'a window.consentGateConfig whose getter throws',
      config: "<script>Object.defineProperty(window, 'consentGateConfig', { get() { throw new Error('nope'); } });</script>",
      error: 'Could not read window.consentGateConfig',
    },
    {
      name: 'a config object with a throwing getter inside',
      config: `<script>window.consentGateConfig = ${json(CONFIG)}; Object.defineProperty(window.consentGateConfig, 'categories', { get() { throw new Error('nope'); } });</script>`,
      error: 'Could not read window.consentGateConfig',
    },
  ];
  for (const c of UNUSABLE) {
    it(`${c.name}: one console error that says so, and the guards hold an injected tracker`, async () => {
      await withPage(async ({ page: p, server, requests }) => {
        const console = collectConsole(p);
        server.setPage(
          '/unusable.html',
          page(`${c.config}<script src="/dist/consentgate.js"></script>
            <script>const s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js'; document.head.appendChild(s);</script>`),
        );
        await p.goto(server.url('/unusable.html'));
        await p.waitForLoadState('load');
        await p.waitForTimeout(300);
        const errors = console.filter((l) => l.startsWith('error: [ConsentGate]'));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain(c.error);
        expect(errors[0]).toContain('stays blocked');
        expect(requests.map((r) => r.url)).toEqual([]);
        expect(console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
      });
    });
  }

  it('in a sandboxed frame (document.cookie throws) the guards still go in and the banner still shows', async () => {
    await withPage(async ({ page: p, server, requests }) => {
      const console = collectConsole(p);
      const inner = page(
        `<script type="application/json" data-consentgate-config>${json(CONFIG)}</script><script src="${server.url('/dist/consentgate.js')}"></script>`,
        `<script>const s = document.createElement('script'); s.src = 'https://www.googletagmanager.com/gtag/js?id=G-SANDBOX'; document.head.appendChild(s);</script>`,
      );
      server.setPage('/sandbox.html', `<!doctype html><html lang="en"><body><iframe sandbox="allow-scripts" title="sandboxed" srcdoc="${inner.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe></body></html>`);
      await p.goto(server.url('/sandbox.html'));
      const frame = p.frameLocator('iframe');
      await frame.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      await p.waitForTimeout(200);
      expect(requests.map((r) => r.url)).toEqual([]);
      expect(console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
    });
  });

  it('fails closed on an invalid config, listing the problems', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage(
        '/invalid.html',
        page(`<script type="application/json" data-consentgate-config>{"policy": {}, "categories": "all"}</script>
          <script src="/dist/consentgate.js"></script><script>${PROBE}</script>`),
      );
      await p.goto(server.url('/invalid.html'));
      await p.waitForFunction(() => window.ConsentGate!.problems.length > 0);
      expect(await p.evaluate(() => window.ConsentGate!.isGranted('analytics'))).toBe(false);
      expect(console.some((l) => l.startsWith('error: [ConsentGate]'))).toBe(true);
    });
  });

  it('is safe twice: a second script tag adds no second app, facade or listener', async () => {
    await withPage(async ({ page: p, server }) => {
      server.setPage(
        '/twice.html',
        page(`<script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
          <script src="/dist/consentgate.js"></script><script>${PROBE} window.__first = window.ConsentGate;</script>
          <script src="/dist/consentgate.js"></script>`),
      );
      await p.goto(server.url('/twice.html'));
      await p.waitForFunction(() => window.__changes?.some((c) => c.cause === 'init'));
      await p.waitForTimeout(200);
      expect(appHits(server)).toBe(1);
      expect(await p.evaluate(() => window.ConsentGate === (window as unknown as { __first: unknown }).__first)).toBe(true);
      expect(await p.evaluate(() => window.__changes!.filter((c) => c.cause === 'init').length)).toBe(1);
    });
  });

  it('loads the app with the boot\'s CSP nonce under a strict script-src', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage('/csp.html', noncePage(), NONCE_CSP);
      await p.goto(server.url('/csp.html'));
      await p.waitForFunction(() => window.__changes?.some((c) => c.cause === 'init'));
      expect(await violations(p)).toEqual([]);
      expect(console.filter((l) => l.startsWith('error'))).toEqual([]);
    });
  });

  it('the README\'s preload hint: the app is fetched once, with the HTML, and used by the boot (strict CSP, nonce)', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      // The hint's request starts before the boot has run: hold the boot until the app was asked for.
      let appAsked!: () => void;
      const asked = new Promise<void>((ok) => (appAsked = ok));
      p.on('request', (r) => r.url().includes('/dist/consentgate-app.js') && appAsked());
      let appBeforeBoot = false;
      await p.route('**/dist/consentgate.js', async (route) => {
        appBeforeBoot = await Promise.race([asked.then(() => true), new Promise<boolean>((no) => setTimeout(() => no(false), 5000))]);
        await route.continue();
      });
      server.setPage('/preload.html', noncePage('<link rel="preload" href="/dist/consentgate-app.js" as="script" nonce="r4nd0m">'), NONCE_CSP);
      await p.goto(server.url('/preload.html'));
      await p.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      expect(appBeforeBoot).toBe(true);
      expect(appHits(server)).toBe(1);
      expect(await violations(p)).toEqual([]);
      // Chromium warns when a preloaded response goes unused (a second download instead).
      expect(console.filter((l) => l.startsWith('error') || /preload/i.test(l))).toEqual([]);
    });
  });

  it('says so when the app is loaded without the boot', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage('/app-only.html', page('<script src="/dist/consentgate-app.js"></script>'));
      await p.goto(server.url('/app-only.html'));
      await p.waitForLoadState('load');
      expect(console.filter((l) => l.startsWith('error: [ConsentGate]'))).toEqual([
        'error: [ConsentGate] consentgate-app.js is loaded by consentgate.js: put that one in the page instead.',
      ]);
      expect(await p.evaluate(() => typeof window.ConsentGate)).toBe('undefined');
    });
  });

  it('an app served with a boot from an older release (no registry patterns to hand over) stays held and says why', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      // The hand-over of a boot that predates the patterns hand-over: no `registry`.
      const oldBoot = `<script>
        window.__attached = false;
        var handOver = { version: '0.0.9', started: false, region: undefined, config: Promise.resolve({ policy: { version: '1' }, categories: [{ id: 'necessary', required: true }] }),
          blocking: {}, attach: function () { window.__attached = true; } };
        Object.defineProperty(window, Symbol.for('consentgate.boot'), { value: handOver });
      </script>`;
      server.setPage('/old-boot.html', page(oldBoot + '<script src="/dist/consentgate-app.js"></script>'));
      await p.goto(server.url('/old-boot.html'));
      await p.waitForLoadState('load');
      await p.waitForTimeout(200);
      expect(console.filter((l) => l.startsWith('error: [ConsentGate]'))).toEqual([
        expect.stringMatching(/^error: \[ConsentGate\] consentgate\.js 0\.0\.9 cannot run consentgate-app\.js .*: serve both from the same release\.$/),
      ]);
      expect(await p.evaluate(() => (window as unknown as { __attached: boolean }).__attached)).toBe(false);
    });
  });

  it('holds every tracker from the first byte, through a slow config URL, until the visitor accepts; a returning visitor runs them at once', async () => {
    await withPage(async ({ page: p, server, requests }) => {
      const config = { ...CONFIG, categories: [...CONFIG.categories], googleConsentMode: { enabled: true } };
      let release!: () => void;
      const gate = new Promise<void>((ok) => (release = ok));
      let slow = true;
      await p.route('**/slow-config.json', async (route) => {
        if (slow) await gate;
        await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(config) });
      });
      // Marked tags, as site owners mark them, and trackers that first-party code inserts later (the
      // guards' job). Unmarked tags in the static HTML are out of scope here: Chromium's preload
      // scanner fetches them before any script can run (they are held, not executed).
      server.setPage(
        '/trackers.html',
        page(
          `<script src="/dist/consentgate.js" data-config="/slow-config.json"></script>
           <script type="text/plain" data-category="analytics" data-service="google-analytics" async src="https://www.googletagmanager.com/gtag/js?id=G-TEST1"></script>
           <script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-TEST1');</script>
           <script type="text/plain" data-category="advertising" data-service="meta-pixel" src="https://connect.facebook.net/en_US/fbevents.js"></script>`,
          `<img data-category="advertising" data-src="https://www.facebook.com/tr?id=1&ev=PageView" alt="">
           <script>new Image().src = 'https://px.ads.linkedin.com/collect/?pid=1&fmt=gif';
             const s = document.createElement('script'); s.async = true; s.src = 'https://snap.licdn.com/li.lms-analytics/insight.min.js'; document.head.appendChild(s);</script>`,
        ),
      );
      await p.goto(server.url('/trackers.html'));
      await p.waitForLoadState('load');
      await p.waitForTimeout(300);
      expect(requests.map((r) => r.url)).toEqual([]);
      release();
      const banner = p.locator('[data-consentgate-banner]');
      await banner.waitFor({ state: 'visible' });
      await p.waitForTimeout(200);
      expect(requests.map((r) => r.url)).toEqual([]);
      expect(await trackerRuns(p)).toEqual([]);
      // Consent Mode: the default (from the config that arrived) precedes the page's gtag('config').
      const layer = await p.evaluate(() => (window as unknown as { dataLayer: unknown[] }).dataLayer.map((e) => Array.from(e as ArrayLike<unknown>).slice(0, 2).join(' ')));
      expect(layer.indexOf('consent default')).toBeGreaterThanOrEqual(0);

      await p.locator('[data-consentgate-accept-all]').click();
      await p.waitForFunction(() => (window.__trackerRuns ?? []).length >= 3);
      await p.waitForTimeout(200);
      expect([...(await trackerRuns(p))].sort()).toEqual(['https://connect.facebook.net/en_US/fbevents.js', 'https://snap.licdn.com/li.lms-analytics/insight.min.js', 'https://www.googletagmanager.com/gtag/js?id=G-TEST1']);
      expect(await banner.isVisible()).toBe(false);

      // Returning visitor: no banner; the guards still hold until the app has read the record, then release.
      slow = false;
      requests.length = 0;
      await p.reload();
      await p.waitForFunction(() => (window.__trackerRuns ?? []).length >= 3);
      expect(await p.locator('[data-consentgate-banner]').count()).toBe(0);
      expect([...(await trackerRuns(p))].sort()).toEqual(['https://connect.facebook.net/en_US/fbevents.js', 'https://snap.licdn.com/li.lms-analytics/insight.min.js', 'https://www.googletagmanager.com/gtag/js?id=G-TEST1']);
    });
  });

  it('shows one banner and installs the guards once when the script tag is there twice', async () => {
    await withPage(async ({ page: p, server, requests }) => {
      server.setPage(
        '/twice-ui.html',
        page(`<script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
          <script src="/dist/consentgate.js"></script><script src="/dist/consentgate.js"></script>
          <script type="text/plain" data-category="analytics" async src="https://www.googletagmanager.com/gtag/js?id=G-TWICE"></script>`),
      );
      await p.goto(server.url('/twice-ui.html'));
      await p.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      await p.waitForTimeout(200);
      expect(await p.locator('[data-consentgate-banner]').count()).toBe(1);
      expect(requests).toEqual([]);
      await p.locator('[data-consentgate-accept-all]').click();
      await p.waitForFunction(() => (window.__trackerRuns ?? []).length >= 1);
      await p.waitForTimeout(200);
      expect(await trackerRuns(p)).toEqual(['https://www.googletagmanager.com/gtag/js?id=G-TWICE']);
    });
  });
});

/**
 * Page code that set `window.ConsentGate` before the boot ran. Each case must still hold an
 * unmarked tracker (a gtag.js the page injects) and a marked one until Accept, show the banner, and
 * say what it found in one console error.
 */
describe('script tag: page code that got to window.ConsentGate first', () => {
  const TRACKERS = `<script type="text/plain" data-category="analytics" async src="https://www.googletagmanager.com/gtag/js?id=G-MARKED"></script>
    <script>const s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js'; document.head.appendChild(s);</script>`;
  const cases: Array<{ name: string; before: string; body?: string; replaced: boolean }> = [
    { name: 'a namespace object', before: 'window.ConsentGate = window.ConsentGate || {};', replaced: true },
    { name: 'an array (a command queue)', before: 'window.ConsentGate = window.ConsentGate || [];', replaced: true },
    { name: 'a configurable getter', before: "Object.defineProperty(window, 'ConsentGate', { get: () => ({ page: true }), configurable: true });", replaced: true },
    { name: 'a frozen definition', before: "Object.defineProperty(window, 'ConsentGate', { value: { page: true }, writable: false, configurable: false });", replaced: false },
    { name: 'an element with id="ConsentGate"', before: '', body: '<div id="ConsentGate"></div>', replaced: true },
  ];

  for (const c of cases) {
    it(`${c.name}: the guards go in, the banner shows, one console error; Accept releases`, async () => {
      await withPage(async ({ page: p, server, requests }) => {
        const console = collectConsole(p);
        const html = `<!doctype html><html lang="en"><head>${c.body ?? ''}<script>${c.before}</script>
          <script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
          <script src="/dist/consentgate.js"></script>${TRACKERS}</head><body><main><h1>Shop</h1></main></body></html>`;
        server.setPage('/first.html', html);
        await p.goto(server.url('/first.html'));
        await p.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
        await p.waitForTimeout(200);
        expect(requests.map((r) => r.url)).toEqual([]);
        const errors = console.filter((l) => l.startsWith('error: [ConsentGate]'));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain(c.replaced ? 'replaced it' : 'cannot be replaced');
        expect(console.filter((l) => l.startsWith('pageerror'))).toEqual([]);
        expect(await p.evaluate(() => typeof window.ConsentGate?.acceptAll === 'function')).toBe(c.replaced);

        await p.locator('[data-consentgate-accept-all]').click();
        await p.waitForFunction(() => (window.__trackerRuns ?? []).length >= 2);
        expect([...(await trackerRuns(p))].sort()).toEqual(['https://connect.facebook.net/en_US/fbevents.js', 'https://www.googletagmanager.com/gtag/js?id=G-MARKED']);
      });
    });
  }

  it('a second copy of the boot is still recognised and does nothing (no second error, app or banner)', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage(
        '/second.html',
        page(`<script>window.ConsentGate = window.ConsentGate || {};</script>
          <script type="application/json" data-consentgate-config>${json(CONFIG)}</script>
          <script src="/dist/consentgate.js"></script><script>window.__first = window.ConsentGate;</script>
          <script src="/dist/consentgate.js"></script>`),
      );
      await p.goto(server.url('/second.html'));
      await p.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      await p.waitForTimeout(200);
      expect(await p.locator('[data-consentgate-banner]').count()).toBe(1);
      expect(appHits(server)).toBe(1);
      expect(await p.evaluate(() => window.ConsentGate === (window as unknown as { __first: unknown }).__first)).toBe(true);
      expect(console.filter((l) => l.startsWith('error: [ConsentGate]'))).toHaveLength(1);
    });
  });
});

describe('script tag: the panels file (dist/consentgate-ui.js)', () => {
  const uiHits = (server: TestServer) => server.hits.filter((h) => h.url.startsWith('/dist/consentgate-ui.js')).length;
  const FOOTER = '<footer><a href="/privacy">Privacy</a> <span data-consentgate-opt-out>Opt Out</span></footer>';
  const SOCIAL = {
    ...CONFIG,
    categories: [...CONFIG.categories, { id: 'social', services: [{ id: 'youtube' }] }],
  };
  const VIDEO =
    '<iframe width="560" height="315" data-category="social" data-service="youtube" data-src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="YouTube video player"></iframe>';

  it('a first visit: the boot requests the panels beside the app, not after it (no extra round trip before the banner)', async () => {
    await withPage(async ({ page: p, server }) => {
      // The app is held back until the panels have been requested: were the app the one to ask for
      // them, this would wait out the 5 s cap and the flag below would be false.
      let uiAsked!: () => void;
      const asked = new Promise<void>((ok) => (uiAsked = ok));
      p.on('request', (r) => r.url().includes('/dist/consentgate-ui.js') && uiAsked());
      let uiBeforeApp = false;
      await p.route('**/dist/consentgate-app.js', async (route) => {
        uiBeforeApp = await Promise.race([asked.then(() => true), new Promise<boolean>((no) => setTimeout(() => no(false), 5000))]);
        await route.continue();
      });
      server.setPage('/first.html', page(`<script type="application/json" data-consentgate-config>${json(CONFIG)}</script><script src="/dist/consentgate.js"></script>`, FOOTER));
      await p.goto(server.url('/first.html'));
      await p.locator('[data-consentgate-banner]').waitFor({ state: 'visible' });
      expect(uiBeforeApp).toBe(true);
      expect(uiHits(server)).toBe(1);
    });
  });

  it('a returning visitor: the opt-out link works without the panels; "Change choices" loads them and opens the preferences', async () => {
    await withPage(async ({ page: p, server }) => {
      const console = collectConsole(p);
      server.setPage('/back.html', page(`<script type="application/json" data-consentgate-config>${json(CONFIG)}</script><script src="/dist/consentgate.js"></script>`, FOOTER));
      await p.goto(server.url('/back.html'));
      await p.locator('[data-consentgate-accept-all]').click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-accept-all');

      const before = uiHits(server);
      await p.reload();
      const link = p.locator('[data-consentgate-opt-out]');
      await link.getByRole('button', { name: 'Opt Out' }).waitFor({ state: 'visible' });
      await p.waitForTimeout(300);
      expect(uiHits(server) - before).toBe(0);
      expect(await p.evaluate(() => typeof (window as unknown as Record<symbol, { panels?: unknown }>)[Symbol.for('consentgate.boot')]!.panels)).toBe('undefined');

      await link.getByRole('button', { name: 'Opt Out' }).click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'opt-out-link');
      expect(await link.locator('[role=status]').textContent()).toContain('You have opted out of');
      expect(uiHits(server) - before).toBe(0);

      await link.getByRole('button', { name: 'Change choices' }).click();
      const dialog = p.locator('consentgate-ui [data-consentgate-preferences]');
      await dialog.waitFor({ state: 'visible' });
      expect(uiHits(server) - before).toBe(1);
      // The dialog takes the focus once it is there; Escape gives it back to "Change choices".
      await p.waitForFunction(() => document.querySelector('consentgate-ui')!.shadowRoot!.activeElement?.hasAttribute('data-consentgate-preferences'));
      await p.keyboard.press('Escape');
      await p.waitForFunction(() => document.querySelector('[data-consentgate-opt-out] consentgate-link')!.shadowRoot!.activeElement?.textContent === 'Change choices');
      expect(console.filter((l) => l.startsWith('error'))).toEqual([]);
    });
  });

  it('a returning visitor with data-config="URL" and a custom cookie name: data-cookie-name spares the panels', async () => {
    const named = { ...CONFIG, policy: { version: '1', cookieName: 'larkspur_consent' } };
    await withPage(async ({ page: p, server }) => {
      await p.route('**/consent-config.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(named) }));
      const tag = (attrs: string) => page(`<script src="/dist/consentgate.js" data-config="/consent-config.json" ${attrs}></script>`, FOOTER);
      server.setPage('/named.html', tag('data-cookie-name="larkspur_consent"'));
      server.setPage('/unnamed.html', tag(''));
      await p.goto(server.url('/named.html'));
      await p.locator('[data-consentgate-accept-all]').click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-accept-all');
      expect((await p.context().cookies()).map((c) => c.name)).toContain('larkspur_consent');

      const before = uiHits(server);
      await p.goto(server.url('/named.html'));
      await p.locator('[data-consentgate-opt-out]').getByRole('button', { name: 'Opt Out' }).waitFor({ state: 'visible' });
      await p.waitForTimeout(300);
      expect(uiHits(server) - before).toBe(0);
      // Without the attribute the boot looks for the default name, finds none, and asks for the panels.
      await p.goto(server.url('/unnamed.html'));
      await p.locator('[data-consentgate-opt-out]').getByRole('button', { name: 'Opt Out' }).waitFor({ state: 'visible' });
      expect(uiHits(server) - before).toBe(1);
      expect(await p.locator('[data-consentgate-banner]').count()).toBe(0);
    });
  });

  it('a returning visitor on a page with a held embed: the panels load for its placeholder', async () => {
    await withPage(async ({ page: p, server, requests }) => {
      server.setPage('/video.html', page(`<script type="application/json" data-consentgate-config>${json(SOCIAL)}</script><script src="/dist/consentgate.js"></script>`, `<main>${VIDEO}</main>`));
      await p.goto(server.url('/video.html'));
      await p.locator('[data-consentgate-reject-all]').click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-reject-all');
      const before = uiHits(server);
      await p.reload();
      await p.locator('consentgate-placeholder[data-consentgate-placeholder="youtube"]').waitFor({ state: 'visible' });
      expect(uiHits(server) - before).toBe(1);
      expect(await p.locator('[data-consentgate-banner]').count()).toBe(0);
      expect(requests.filter((r) => r.url.includes('youtube'))).toEqual([]);
    });
  });

  it('a returning visitor on a page that builds its embeds in script (src set before the frame is appended): placeholders for each, and the panels load for them', async () => {
    const BUILD = `const f = document.createElement('iframe'); f.width = '560'; f.height = '315'; f.title = 'Video';
      f.src = 'https://www.youtube.com/embed/dQw4w9WgXcQ'; document.querySelector('main').append(f);`;
    await withPage(async ({ page: p, server, requests }) => {
      const cfg = `<script type="application/json" data-consentgate-config>${json(SOCIAL)}</script><script src="/dist/consentgate.js"></script>`;
      server.setPage('/first.html', page(cfg, FOOTER));
      await p.goto(server.url('/first.html'));
      await p.locator('[data-consentgate-reject-all]').click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-reject-all');
      const before = uiHits(server);
      // One frame built while the page parses (the panels are not there yet) ...
      server.setPage('/built.html', page(cfg, `<main></main><script>${BUILD}</script>${FOOTER}`));
      await p.goto(server.url('/built.html'));
      const placeholders = p.locator('consentgate-placeholder[data-consentgate-placeholder="youtube"]');
      await placeholders.first().waitFor({ state: 'visible' });
      expect(uiHits(server) - before).toBe(1);
      // ... and one once they are.
      await p.evaluate(BUILD);
      await expect.poll(() => placeholders.count()).toBe(2);
      // A page without embeds loads no panels, until its script builds one.
      await p.goto(server.url('/first.html'));
      await p.locator('[data-consentgate-opt-out]').getByRole('button', { name: 'Opt Out' }).waitFor({ state: 'visible' });
      await p.waitForTimeout(300);
      expect(uiHits(server) - before).toBe(1);
      await p.evaluate(BUILD);
      await placeholders.first().waitFor({ state: 'visible' });
      expect(uiHits(server) - before).toBe(2);
      expect(requests.filter((r) => r.url.includes('youtube'))).toEqual([]);
    });
  });

  it('a returning visitor on a page whose held frames are hidden tracking frames: no panels, and the frames stay held', async () => {
    // A 1×1 floodlight iframe and a display:none one, both unmarked on a registry host: held, but
    // no placeholder would show for them, so nothing of the panels is wanted.
    const FRAMES =
      '<iframe src="https://fls.doubleclick.net/activityi;src=123;type=x" width="1" height="1" style="border:0"></iframe>' +
      '<iframe src="https://ad.doubleclick.net/ddm/activity/src=1" style="display:none" width="300" height="250"></iframe>';
    await withPage(async ({ page: p, server, requests }) => {
      const cfg = `<script type="application/json" data-consentgate-config>${json(CONFIG)}</script><script src="/dist/consentgate.js"></script>`;
      server.setPage('/first.html', page(cfg, FOOTER));
      await p.goto(server.url('/first.html'));
      await p.locator('[data-consentgate-reject-all]').click();
      await p.waitForFunction(() => window.ConsentGate?.get()?.method === 'banner-reject-all');
      const before = uiHits(server);
      server.setPage('/frames.html', page(cfg, `<script>document.write(${JSON.stringify(FRAMES)})</script>${FOOTER}`));
      await p.goto(server.url('/frames.html'));
      await p.locator('[data-consentgate-opt-out]').getByRole('button', { name: 'Opt Out' }).waitFor({ state: 'visible' });
      await p.waitForFunction(() => window.ConsentGate!.get() !== null);
      expect(await p.evaluate(() => document.querySelectorAll('iframe[data-cg]').length)).toBe(2);
      await p.waitForTimeout(300);
      expect(uiHits(server) - before).toBe(0);
      expect(requests.filter((r) => r.url.includes('doubleclick'))).toEqual([]);
    });
  });
});
