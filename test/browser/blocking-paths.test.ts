/**
 * Every way a page can make Chromium fetch a tracker URL, proven one by one: with the blocking
 * layer installed and nothing granted, none of them sends a request or runs a script; once the
 * policy allows everything, each held one is requested (and run) exactly once. Drives the
 * blocking layer alone (test bundle of `installBlocking`, built from src/ and minified like the
 * shipped files), so each path is judged without the consent manager in between; the shipped
 * script tag as a whole is test/browser/blocking.test.ts.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordThirdParty, sharedBrowser, startServer, trackerRuns, type TestServer, type ThirdPartyRecorder } from '../_util/chromium';
import { buildBlockingBundle, inlineScript } from '../fixtures/blocking/bundle.mjs';
import { SCRIPT, PIXEL, FRAME, STYLE } from '../fixtures/blocking/paths';

/** Code run in the page after the SDK, one insertion path each; `U` is the path's URL. */
const SCRIPT_PATHS: Record<string, string> = {
  appendChild: `const s = document.createElement('script'); s.src = U; document.head.appendChild(s);`,
  insertBefore: `const s = document.createElement('script'); s.src = U; document.head.insertBefore(s, document.head.firstChild);`,
  replaceChild: `const s = document.createElement('script'); s.src = U; const o = document.body.appendChild(document.createElement('i')); document.body.replaceChild(s, o);`,
  append: `const s = document.createElement('script'); s.src = U; document.body.append(s);`,
  prepend: `const s = document.createElement('script'); s.src = U; document.body.prepend(s);`,
  before: `const s = document.createElement('script'); s.src = U; document.body.appendChild(document.createElement('i')).before(s);`,
  after: `const s = document.createElement('script'); s.src = U; document.body.appendChild(document.createElement('i')).after(s);`,
  replaceWith: `const s = document.createElement('script'); s.src = U; document.body.appendChild(document.createElement('i')).replaceWith(s);`,
  insertAdjacentElement: `const s = document.createElement('script'); s.src = U; document.body.insertAdjacentElement('beforeend', s);`,
  replaceChildren: `const s = document.createElement('script'); s.src = U; document.body.appendChild(document.createElement('div')).replaceChildren(s);`,
  'Range insertNode': `const s = document.createElement('script'); s.src = U; const r = document.createRange(); r.selectNodeContents(document.body); r.insertNode(s);`,
  'src set after insertion': `const s = document.createElement('script'); document.head.appendChild(s); s.src = U;`,
  setAttribute: `const s = document.createElement('script'); s.setAttribute('src', U); document.head.appendChild(s);`,
  'setAttribute after insertion': `const s = document.createElement('script'); document.head.appendChild(s); s.setAttribute('src', U);`,
  createContextualFragment: `document.body.appendChild(document.createRange().createContextualFragment('<script src="' + U + '"><\\/script>'));`,
  'DOMParser node': `document.body.appendChild(new DOMParser().parseFromString('<script src="' + U + '"><\\/script>', 'text/html').querySelector('script'));`,
  'template content': `const t = document.createElement('template'); t.innerHTML = '<script src="' + U + '"><\\/script>'; document.body.appendChild(document.importNode(t.content, true));`,
};

const ELEMENT_PATHS: Record<string, [url: (p: string) => string, code: string]> = {
  'innerHTML img': [PIXEL, `document.body.appendChild(document.createElement('div')).innerHTML = '<img src="' + U + '">';`],
  'innerHTML img (detached div)': [PIXEL, `document.createElement('div').innerHTML = '<img src="' + U + '">';`],
  'innerHTML iframe': [FRAME, `document.body.appendChild(document.createElement('div')).innerHTML = '<iframe src="' + U + '"></iframe>';`],
  'outerHTML img': [PIXEL, `document.body.appendChild(document.createElement('div')).outerHTML = '<p><img src="' + U + '"></p>';`],
  'insertAdjacentHTML iframe': [FRAME, `document.body.insertAdjacentHTML('beforeend', '<iframe src="' + U + '"></iframe>');`],
  'new Image().src (detached)': [PIXEL, `new Image().src = U;`],
  'img src set after insertion': [PIXEL, `document.body.appendChild(document.createElement('img')).src = U;`],
  'img srcset': [PIXEL, `const i = document.createElement('img'); i.srcset = U + ' 1x'; document.body.appendChild(i);`],
  'img setAttribute': [PIXEL, `document.body.appendChild(document.createElement('img')).setAttribute('src', U);`],
  'iframe src set after insertion': [FRAME, `document.body.appendChild(document.createElement('iframe')).src = U;`],
  'iframe appendChild': [FRAME, `const f = document.createElement('iframe'); f.src = U; document.body.appendChild(f);`],
  'link stylesheet setAttribute': [STYLE, `const l = document.createElement('link'); l.rel = 'stylesheet'; l.setAttribute('href', U); document.head.appendChild(l);`],
  'video poster': [STYLE, `const v = document.createElement('video'); v.poster = U; document.body.appendChild(v);`],
  'setHTMLUnsafe with a declarative shadow root': [PIXEL, `document.body.appendChild(document.createElement('div')).setHTMLUnsafe('<div><template shadowrootmode="open"><img src="' + U + '"></template></div>');`],
  'shadow root innerHTML': [FRAME, `document.body.appendChild(document.createElement('div')).attachShadow({ mode: 'open' }).innerHTML = '<iframe src="' + U + '"></iframe>';`],
};

/** Static markup after the SDK's script: the parser's own paths. */
const PARSER_PATHS = {
  'document.write script (parsing)': SCRIPT('document.write'),
  'document.write img (parsing)': PIXEL('document.write'),
  'marked script': SCRIPT('marked'),
  'marked iframe': FRAME('marked'),
};

const page = (bundle: string) => `<!doctype html><html><head><title>paths</title>
${inlineScript(bundle)}
<script>
  const B = window.ConsentGateBlocking;
  window.__blocking = B.installBlocking({ catalog: B.createServiceCatalog({ registry: B.registry }) });
</script>
<script type="text/plain" data-category="analytics" src="${PARSER_PATHS['marked script']}"></script>
<script>document.write('<script src="${PARSER_PATHS['document.write script (parsing)']}"><\\/script><img src="${PARSER_PATHS['document.write img (parsing)']}">');</script>
</head><body>
<iframe data-category="social" data-src="${PARSER_PATHS['marked iframe']}"></iframe>
<script>
  window.__results = {};
  ${Object.entries(SCRIPT_PATHS)
    .map(([name, code]) => `{ const U = ${JSON.stringify(SCRIPT(encodeURIComponent(name)))}; ${code} }`)
    .join('\n  ')}
  ${Object.entries(ELEMENT_PATHS)
    .map(([name, [url, code]]) => `{ const U = ${JSON.stringify(url(encodeURIComponent(name)))}; ${code} }`)
    .join('\n  ')}
  fetch('https://api.segment.io/v1/t?path=fetch', { method: 'POST', body: '{}' }).then((r) => (window.__results.fetch = r.status));
  { const x = new XMLHttpRequest(); x.open('POST', 'https://api2.amplitude.com/2/httpapi?path=xhr'); x.onloadend = () => (window.__results.xhr = [x.readyState, x.status]); x.send('{}'); }
  window.__results.beacon = navigator.sendBeacon('https://www.google-analytics.com/g/collect?path=beacon', 'x');
</script>
</body></html>`;

const pathOf = (url: string) => new URL(url).searchParams.get('path') ?? '';

describe('blocking in Chromium: every insertion path', () => {
  let server: TestServer;
  let context: BrowserContext;
  let p: Page;
  let recorder: ThirdPartyRecorder;
  let before: { requests: string[]; runs: string[]; results: Record<string, unknown>; held: number };

  beforeAll(async () => {
    const bundle = await buildBlockingBundle();
    server = await startServer();
    context = await (await sharedBrowser()).newContext({ serviceWorkers: 'block' });
    recorder = await recordThirdParty(context);
    p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    server.setPage('/paths.html', page(bundle));
    await p.goto(server.url('/paths.html'));
    await p.waitForFunction(() => window.__results && 'fetch' in window.__results && 'xhr' in window.__results);
    await p.waitForTimeout(500);
    before = {
      requests: recorder.requests.map((r) => r.url),
      runs: await trackerRuns(p),
      results: (await p.evaluate(() => window.__results))!,
      held: await p.evaluate(() => window.__blocking!.held().length),
    };
    expect(errors).toEqual([]);
    await p.evaluate(() => window.__blocking!.setPolicy({ isGranted: () => true }));
    await p.waitForTimeout(1000);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  const requestsFor = (name: string) => recorder.requests.filter((r) => pathOf(r.url) === name);

  it('nothing is requested or run before the policy allows it', () => {
    expect(before.requests).toEqual([]);
    expect(before.runs).toEqual([]);
    expect(recorder.unanswered()).toEqual([]);
    expect(before.held).toBe(Object.keys(SCRIPT_PATHS).length + Object.keys(ELEMENT_PATHS).length + Object.keys(PARSER_PATHS).length);
  });

  describe.each(Object.keys(SCRIPT_PATHS))('script, %s', (name) => {
    it('held, then requested and run exactly once', async () => {
      const url = SCRIPT(encodeURIComponent(name));
      expect(before.requests.filter((u) => u === url)).toEqual([]);
      expect(requestsFor(name).map((r) => r.resourceType)).toEqual(['script']);
      expect((await trackerRuns(p)).filter((u) => u === url)).toEqual([url]);
    });
  });

  describe.each(Object.keys(ELEMENT_PATHS))('element, %s', (name) => {
    // A detached <img> fetches (HTML § update the image data): released, it does as it would have.
    it('held, then requested exactly once', () => {
      expect(before.requests.filter((u) => pathOf(u) === name)).toEqual([]);
      expect(requestsFor(name)).toHaveLength(1);
    });
  });

  describe.each(Object.entries(PARSER_PATHS))('parser, %s', (_name, url) => {
    it('held, then requested (and run) once', async () => {
      expect(before.requests.filter((u) => u === url)).toEqual([]);
      expect(recorder.requests.filter((r) => r.url === url)).toHaveLength(1);
      if (url.includes('hotjar')) expect((await trackerRuns(p)).filter((u) => u === url)).toEqual([url]);
    });
  });

  it('fetch, XMLHttpRequest and sendBeacon: no request ever, a normal answer to the page', async () => {
    expect(before.results).toMatchObject({ fetch: 204, xhr: [4, 200], beacon: false });
    expect(recorder.requests.filter((r) => ['fetch', 'xhr', 'beacon'].includes(pathOf(r.url)))).toEqual([]);
    const blocked = await p.evaluate(() => window.__blocking!.blocked().map((b) => b.via));
    expect(blocked.sort()).toEqual(['beacon', 'fetch', 'xhr']);
  });
});

describe('blocking in Chromium: a parser-inserted unmarked script, and the preload scanner (documented limit)', () => {
  it('never runs before consent, though the preload scanner may fetch it; a marked one is not even fetched', async () => {
    const bundle = await buildBlockingBundle();
    const server = await startServer();
    const context = await (await sharedBrowser()).newContext({ serviceWorkers: 'block' });
    try {
      const recorder = await recordThirdParty(context);
      const p = await context.newPage();
      // A slow first-party script blocks the parser: Chromium's preload scanner reads ahead meanwhile.
      await p.route('**/slow.js', async (route) => {
        await new Promise((r) => setTimeout(r, 400));
        await route.fulfill({ status: 200, contentType: 'text/javascript', body: 'window.__slow = 1;' });
      });
      server.setPage(
        '/preload.html',
        `<!doctype html><html><head>${inlineScript(bundle)}
        <script>const B = window.ConsentGateBlocking; window.__blocking = B.installBlocking({ catalog: B.createServiceCatalog({ registry: B.registry }) });</script>
        <script src="/slow.js"></script>
        <script src="${SCRIPT('preload-unmarked')}"></script>
        <script type="text/plain" data-category="analytics" src="${SCRIPT('preload-marked')}"></script>
        </head><body></body></html>`,
      );
      await p.goto(server.url('/preload.html'));
      await p.waitForTimeout(300);
      expect(await trackerRuns(p)).toEqual([]);
      const fetched = recorder.requests.map((r) => pathOf(r.url));
      expect(fetched).not.toContain('preload-marked');
      // Whether the scanner fetched the unmarked one is Chromium's business; report it.
      console.info(`[preload scanner] unmarked static tracker script fetched before consent: ${fetched.includes('preload-unmarked')}`);
      await p.evaluate(() => window.__blocking!.setPolicy({ isGranted: () => true }));
      await p.waitForFunction(() => (window.__trackerRuns ?? []).length === 2);
      expect((await trackerRuns(p)).map(pathOf).sort()).toEqual(['preload-marked', 'preload-unmarked']);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
