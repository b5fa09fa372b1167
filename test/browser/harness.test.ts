// Tests of the browser-test harness itself; none of them needs dist/.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SITE_HOST, chromePath, cookiesOf, isLocalHost, launchChromium, trackerRuns, withPage } from '../_util/chromium';

const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-TEST';
const FB_PIXEL = 'https://www.facebook.com/tr?id=1&ev=PageView';
const SEGMENT = 'https://api.segment.io/v1/t';
const BING = 'https://bat.bing.com/action/0';

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' https://www.googletagmanager.com",
  'img-src https://www.facebook.com',
  'connect-src https://api.segment.io https://bat.bing.com',
].join('; ');

// No consent logic at all: the page fires four classic trackers straight away, plus
// one image that the CSP must block (it must never reach the recorder).
const TRACKER_PAGE = `<!doctype html>
<html><head><title>no consent logic</title></head><body>
<script>
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.blockedURI));
  const pending = [];
  const s = document.createElement('script');
  s.src = ${JSON.stringify(GTAG)};
  pending.push(new Promise((r) => { s.onload = r; s.onerror = r; }));
  document.head.appendChild(s);
  const img = document.createElement('img');
  img.src = ${JSON.stringify(FB_PIXEL)};
  pending.push(new Promise((r) => { img.onload = r; img.onerror = r; }));
  document.body.appendChild(img);
  const blocked = document.createElement('img');
  blocked.src = 'https://csp-blocked.example/pixel.gif';
  document.body.appendChild(blocked);
  pending.push(fetch(${JSON.stringify(SEGMENT)}, { method: 'POST', mode: 'no-cors', body: '{"event":"page"}' }).catch(() => 0));
  window.__beaconQueued = navigator.sendBeacon(${JSON.stringify(BING)}, 'evt=pageLoad');
  Promise.all(pending).then(() => { window.__done = true; });
</script>
</body></html>`;

declare global {
  interface Window {
    __violations?: string[];
    __beaconQueued?: boolean;
    __done?: boolean;
    fbq?: (...args: unknown[]) => void;
    __fbqCalls?: unknown[][];
  }
}

describe('harness: third-party recording', () => {
  it('records exactly the four tracker requests, answers them locally and serves CSP headers', async () => {
    await withPage(async ({ page, context, server, requests, recorder }) => {
      // Independent evidence that nothing went to the network: every response of the
      // context must come either from the route (no server address) or from 127.0.0.1.
      const remoteAddrs: string[] = [];
      const failed: string[] = [];
      const addrChecks: Promise<void>[] = [];
      context.on('requestfinished', (req: Request) => {
        addrChecks.push(
          req.response().then(async (res) => {
            const addr = res ? await res.serverAddr() : null;
            if (addr && addr.ipAddress !== '127.0.0.1') remoteAddrs.push(`${req.url()} -> ${addr.ipAddress}`);
          }),
        );
      });
      context.on('requestfailed', (req: Request) => failed.push(`${req.url()}: ${req.failure()?.errorText}`));

      server.setPage('/trackers.html', TRACKER_PAGE, { 'Content-Security-Policy': CSP });
      const response = await page.goto(server.url('/trackers.html'));
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toBe(CSP);
      expect(response?.headers()['cache-control']).toBe('no-store');

      await page.waitForFunction(() => window.__done === true);
      await recorder.waitFor((r) => r.url === BING);
      await page.waitForTimeout(150); // anything late would show up here
      await Promise.all(addrChecks);

      const seen = requests.map((r) => ({ url: r.url, host: r.host, resourceType: r.resourceType, method: r.method }));
      expect(seen.sort((a, b) => a.url.localeCompare(b.url))).toEqual([
        { url: SEGMENT, host: 'api.segment.io', resourceType: 'fetch', method: 'POST' },
        { url: BING, host: 'bat.bing.com', resourceType: 'ping', method: 'POST' },
        { url: FB_PIXEL, host: 'www.facebook.com', resourceType: 'image', method: 'GET' },
        { url: GTAG, host: 'www.googletagmanager.com', resourceType: 'script', method: 'GET' },
      ]);
      for (const r of requests) {
        expect(r.frameUrl).toBe(server.url('/trackers.html'));
        expect(r.time).toBeGreaterThan(0);
      }
      expect(requests.find((r) => r.url === SEGMENT)?.postData).toBe('{"event":"page"}');
      expect(requests.find((r) => r.url === BING)?.postData).toBe('evt=pageLoad');

      expect(await trackerRuns(page)).toEqual([GTAG]);
      expect(await page.evaluate(() => window.__beaconQueued)).toBe(true);
      // The CSP header was enforced: the blocked image never became a request.
      expect(await page.evaluate(() => window.__violations)).toEqual(['https://csp-blocked.example/pixel.gif']);

      expect(recorder.blocked).toEqual([
        { url: 'https://csp-blocked.example/pixel.gif', resourceType: 'image', errorText: 'csp' },
      ]);
      expect(recorder.unanswered()).toEqual([]);
      expect(remoteAddrs).toEqual([]);
      expect(failed).toEqual(['https://csp-blocked.example/pixel.gif: csp']);
      expect(server.hits.map((h) => `${h.method} ${h.url}`)).toEqual(['GET /trackers.html']);
    });
  });

  it('serves custom script bodies, tracker iframes, tracker cookies and same-site subdomains', async () => {
    const fakeFbevents = `
      window.__fbqCalls = [];
      window.fbq = function () { window.__fbqCalls.push([].slice.call(arguments)); };
      document.cookie = '_fbp=fb.1.123; path=/';`;
    await withPage(
      async ({ page, context, server, requests }) => {
        const pageUrl = server.url('/shop.html', `www.${SITE_HOST}`);
        server.setPage(
          '/shop.html',
          `<!doctype html><body>
            <script src="https://connect.facebook.net/en_US/fbevents.js"></script>
            <script>fbq('init', '1'); fbq('track', 'PageView');</script>
            <iframe src="https://www.youtube.com/embed/abc"></iframe>
            <img src="https://ads.example/set-cookie.gif">
          </body>`,
        );
        await page.goto(pageUrl);
        const frame = page.frames().find((f) => f.url().startsWith('https://www.youtube.com/'));
        expect(frame).toBeDefined();
        await frame!.waitForLoadState('load');
        await page.waitForLoadState('load');

        expect(await page.evaluate(() => window.__fbqCalls)).toEqual([
          ['init', '1'],
          ['track', 'PageView'],
        ]);
        expect(await trackerRuns(page)).toEqual(['https://connect.facebook.net/en_US/fbevents.js']);
        expect(await frame!.evaluate(() => window.__trackerRuns)).toEqual(['https://www.youtube.com/embed/abc']);
        expect(requests.find((r) => r.resourceType === 'document')?.frameUrl).toBe(pageUrl);
        expect(requests.map((r) => `${r.resourceType} ${r.host}`).sort()).toEqual([
          'document www.youtube.com',
          'image ads.example',
          'script connect.facebook.net',
        ]);
        // The subdomain origin is local: served by our server, not recorded.
        expect(server.hits.map((h) => h.host)).toEqual([`www.${SITE_HOST}:${server.port}`]);

        // First-party cookie written by the fake script; third-party one from the routed response.
        const firstParty = await cookiesOf(context, pageUrl);
        expect(firstParty.map((c) => c.name)).toEqual(['_fbp']);
        const thirdParty = await cookiesOf(context, 'https://ads.example/');
        expect(thirdParty.map((c) => c.name)).toEqual(['IDE']);
      },
      {
        thirdParty: {
          scripts: { 'connect.facebook.net/en_US/fbevents.js': fakeFbevents },
          setCookies: { 'ads.example/set-cookie.gif': 'IDE=abc; Path=/; Secure; SameSite=None; Max-Age=600' },
        },
      },
    );
  });

  it('sends DNT / GPC signals as headers and navigator properties', async () => {
    await withPage(
      async ({ page, server, requests, recorder }) => {
        server.setPage('/p.html', '<img src="https://www.facebook.com/tr?id=1">');
        await page.goto(server.url('/p.html'));
        await recorder.waitFor((r) => r.host === 'www.facebook.com');
        expect(server.hits[0]?.headers['dnt']).toBe('1');
        expect(server.hits[0]?.headers['sec-gpc']).toBe('1');
        expect(requests[0]?.headers['dnt']).toBe('1');
        expect(await page.evaluate(() => [navigator.doNotTrack, (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl])).toEqual(['1', true]);
      },
      { dnt: true, gpc: true },
    );
  });

  it('treats loopback and *.localhost as local, everything else as third party', () => {
    for (const h of ['127.0.0.1', 'localhost', 'www.consentgate.localhost', '[::1]']) expect(isLocalHost(h)).toBe(true);
    for (const h of ['www.google-analytics.com', 'localhost.example', '127.0.0.2.nip.io']) expect(isLocalHost(h)).toBe(false);
  });
});

describe('harness: CHROME_PATH', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('fails clearly when CHROME_PATH points nowhere', async () => {
    vi.stubEnv('CHROME_PATH', '/nonexistent/chromium-bogus');
    const err: unknown = await launchChromium().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain('/nonexistent/chromium-bogus');
    expect(message).toContain('CHROME_PATH');
    expect(message).toContain('apt-get install -y chromium');
  });

  it('fails clearly when CHROME_PATH is not a browser', async () => {
    vi.stubEnv('CHROME_PATH', '/bin/false');
    await expect(launchChromium()).rejects.toThrow(/Could not launch Chromium at \/bin\/false \(CHROME_PATH\)/);
  });

  it('launches the executable named by CHROME_PATH', async () => {
    const real = chromePath().path;
    const dir = mkdtempSync(join(tmpdir(), 'cg-chrome-'));
    try {
      const marker = join(dir, 'used');
      const wrapper = join(dir, 'chrome-wrapper');
      writeFileSync(wrapper, `#!/bin/sh\ntouch '${marker}'\nexec '${real}' "$@"\n`);
      chmodSync(wrapper, 0o755);
      vi.stubEnv('CHROME_PATH', wrapper);
      const browser = await launchChromium();
      try {
        expect(browser.version()).toMatch(/^\d+\./);
        expect(existsSync(marker)).toBe(true);
      } finally {
        await browser.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
