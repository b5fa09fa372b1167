/**
 * The side paths to a tracker (issue 16, items 4 and 5), in Chromium: SVG scripts and images,
 * frames whose document the page writes (srcdoc, about:blank, data:, blob:), connections and
 * workers, attribute nodes, `imagesrcset`, `ping`, CSS `url()` and `@import`, and markup that is
 * not a string. Every third-party request is intercepted and counted: with nothing granted, none
 * may leave; once everything is granted, what was held is requested. Drives the blocking layer
 * alone (the test bundle, as test/browser/blocking-paths.test.ts does); a page that enforces
 * Trusted Types runs the shipped script tag.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordThirdParty, sharedBrowser, startServer, trackerRuns, withPage, type TestServer, type ThirdPartyRecorder } from '../_util/chromium';
import { buildBlockingBundle, inlineScript } from '../fixtures/blocking/bundle.mjs';
import { SCRIPT, PIXEL, STYLE } from '../fixtures/blocking/paths';

/**
 * Code run in the page after the guards, one path each, with `U` its URL and helpers `svg()`
 * (an <svg> in the body), `box()` (a visible div in the body) and `frame()` (an about:blank
 * iframe in the body). Each path holds an element until the policy allows it.
 */
const HELD_PATHS: Record<string, [url: (p: string) => string, code: string]> = {
  'SVG script href': [SCRIPT, `const s = document.createElementNS(SVG, 'script'); s.setAttribute('href', U); svg().appendChild(s);`],
  'SVG script xlink:href': [SCRIPT, `const s = document.createElementNS(SVG, 'script'); s.setAttributeNS(XLINK, 'xlink:href', U); svg().appendChild(s);`],
  'SVG script href set after insertion': [SCRIPT, `const s = svg().appendChild(document.createElementNS(SVG, 'script')); s.setAttribute('href', U);`],
  'SVG script in a contextual fragment': [SCRIPT, `document.body.appendChild(document.createRange().createContextualFragment('<svg><script href="' + U + '"><\\/script></svg>'));`],
  'SVG image href': [PIXEL, `const i = document.createElementNS(SVG, 'image'); i.setAttribute('href', U); svg().appendChild(i);`],
  'SVG image xlink:href (detached)': [PIXEL, `document.createElementNS(SVG, 'image').setAttributeNS(XLINK, 'xlink:href', U);`],
  'SVG image in innerHTML': [PIXEL, `box().innerHTML = '<svg><image href="' + U + '" width="5" height="5"/></svg>';`],
  'srcdoc iframe': [PIXEL, `const f = document.createElement('iframe'); f.srcdoc = '<img src="' + U + '">'; document.body.appendChild(f);`],
  'srcdoc iframe, setAttribute after insertion': [PIXEL, `frame().setAttribute('srcdoc', '<script>fetch(' + JSON.stringify(U) + ')<\\/script>');`],
  'srcdoc iframe in innerHTML': [PIXEL, `box().innerHTML = '<iframe srcdoc="<img src=&quot;' + U + '&quot;>"></iframe>';`],
  // The frame's first document keeps the window the guards went into when it connected.
  'srcdoc script building its URL at run time': [PIXEL, `const f = document.createElement('iframe'); f.srcdoc = '<script>new Image().src = "https://www.face" + "book.com/tr?path=" + ' + JSON.stringify(encodeURIComponent('srcdoc script building its URL at run time')) + '<\\/script>'; document.body.appendChild(f);`],
  'about:blank iframe, contentDocument.write': [PIXEL, `const d = frame().contentDocument; d.write('<img src="' + U + '">'); d.close();`],
  'about:blank iframe, element of its document appended': [PIXEL, `const d = frame().contentDocument; d.body.appendChild(d.createElement('img')).src = U;`],
  'about:blank iframe, innerHTML of its body': [PIXEL, `frame().contentDocument.body.innerHTML = '<img src="' + U + '">';`],
  'about:blank iframe inside an appended div': [PIXEL, `const d = document.createElement('div'); d.appendChild(document.createElement('iframe')); document.body.appendChild(d); d.firstChild.contentWindow.eval('new Image().src = ' + JSON.stringify(U));`],
  'data: iframe': [PIXEL, `const f = document.createElement('iframe'); f.src = 'data:text/html,' + encodeURIComponent('<img src="' + U + '">'); document.body.appendChild(f);`],
  'data: iframe, base64': [PIXEL, `const f = document.createElement('iframe'); f.src = 'data:text/html;base64,' + btoa('<img src="' + U + '">'); document.body.appendChild(f);`],
  'blob: iframe': [PIXEL, `const f = document.createElement('iframe'); f.src = URL.createObjectURL(new Blob(['<img src="' + U + '">'], { type: 'text/html' })); document.body.appendChild(f);`],
  setAttributeNode: [PIXEL, `const i = document.createElement('img'); const a = document.createAttribute('src'); a.value = U; i.setAttributeNode(a); document.body.appendChild(i);`],
  'attributes.setNamedItem': [PIXEL, `const i = document.createElement('img'); const a = document.createAttribute('src'); a.value = U; i.attributes.setNamedItem(a); document.body.appendChild(i);`],
  'attr.value': [PIXEL, `const i = document.createElement('img'); i.setAttribute('src', 'data:,'); i.getAttributeNode('src').value = U; document.body.appendChild(i);`],
  'attr.nodeValue': [PIXEL, `const i = document.createElement('img'); i.setAttribute('src', 'data:,'); i.getAttributeNode('src').nodeValue = U; document.body.appendChild(i);`],
  'link preload imageSrcset': [PIXEL, `const l = document.createElement('link'); l.rel = 'preload'; l.as = 'image'; l.imageSrcset = U + ' 1x'; document.head.appendChild(l);`],
  'link preload imagesrcset setAttribute': [PIXEL, `const l = document.createElement('link'); l.rel = 'preload'; l.as = 'image'; l.setAttribute('imagesrcset', U + ' 1x'); document.head.appendChild(l);`],
  'style attribute url()': [PIXEL, `box().setAttribute('style', 'width:9px;height:9px;background-image:url("' + U + '")');`],
  'style property': [PIXEL, `box().style = 'width:9px;height:9px;background:url(' + U + ')';`],
  'style attribute in innerHTML': [PIXEL, `box().innerHTML = '<p style="width:9px;height:9px;background:url(' + U + ')"></p>';`],
  '<style> text, then inserted': [PIXEL, `const s = document.createElement('style'); s.textContent = '#' + box().id + '{background:url(' + U + ')}'; document.head.appendChild(s);`],
  '<style> text set after insertion': [PIXEL, `const s = document.head.appendChild(document.createElement('style')); s.textContent = '#' + box().id + '{background:url(' + U + ')}';`],
  '<style> text node appended': [PIXEL, `const s = document.head.appendChild(document.createElement('style')); s.appendChild(document.createTextNode('#' + box().id + '{background:url(' + U + ')}'));`],
  '<style> @import': [STYLE, `const s = document.createElement('style'); s.textContent = '@import url("' + U + '");'; document.head.appendChild(s);`],
  '<style> @import in innerHTML': [STYLE, `box().innerHTML = '<style>@import "' + U + '";</style>';`],
  'innerHTML of an object with toString': [PIXEL, `box().innerHTML = { toString: () => '<img src="' + U + '">' };`],
  'insertAdjacentHTML of a String object': [PIXEL, `document.body.insertAdjacentHTML('beforeend', new String('<img src="' + U + '">'));`],
  'outerHTML of an object with toString': [PIXEL, `box().outerHTML = { toString: () => '<p><img src="' + U + '"></p>' };`],
};

/** Requests without an element: refused (blocked()), never made. */
const REFUSED: Record<string, [via: string, code: string]> = {
  WebSocket: ['websocket', `new WebSocket('wss://ws.hotjar.com/?path=WebSocket')`],
  EventSource: ['eventsource', `new EventSource('https://in.hotjar.com/events?path=EventSource')`],
  'Worker from a blob': ['worker', `new Worker(URL.createObjectURL(new Blob(['fetch(' + JSON.stringify(${JSON.stringify(PIXEL('worker-blob'))}) + ')'])))`],
  'Worker from a blob of blobs': ['worker', `new Worker(URL.createObjectURL(new Blob([new Blob(['fetch(' + JSON.stringify(${JSON.stringify(PIXEL('worker-blob-of-blobs'))}) + ')'])])))`],
  'Worker from a data: URL': ['worker', `new Worker('data:text/javascript,' + encodeURIComponent('fetch(' + JSON.stringify(${JSON.stringify(PIXEL('worker-data'))}) + ')'))`],
  'SharedWorker from a blob': ['worker', `new SharedWorker(URL.createObjectURL(new Blob(['fetch(' + JSON.stringify(${JSON.stringify(PIXEL('shared-worker-blob'))}) + ')'])))`],
};

const page = (bundle: string) => `<!doctype html><html><head><title>hostile paths</title>
${inlineScript(bundle)}
<script>
  const B = window.ConsentGateBlocking;
  window.__blocking = B.installBlocking({ catalog: B.createServiceCatalog({ registry: B.registry }) });
</script>
</head><body>
<iframe name="sink"></iframe>
<script>
  const SVG = 'http://www.w3.org/2000/svg';
  const XLINK = 'http://www.w3.org/1999/xlink';
  const svg = () => document.body.appendChild(document.createElementNS(SVG, 'svg'));
  let boxes = 0;
  const box = () => Object.assign(document.body.appendChild(document.createElement('div')), { id: 'box' + ++boxes, style: 'width:9px;height:9px' });
  const frame = () => document.body.appendChild(document.createElement('iframe'));
  window.__results = {};
  ${Object.entries(HELD_PATHS)
    .map(([name, [url, code]]) => `try { const U = ${JSON.stringify(url(encodeURIComponent(name)))}; ${code} } catch (e) { window.__results[${JSON.stringify(name)}] = String(e); }`)
    .join('\n  ')}
  ${Object.entries(REFUSED)
    .map(([name, [, code]]) => `try { ${code}; window.__results[${JSON.stringify(name)}] = 'made'; } catch (e) { window.__results[${JSON.stringify(name)}] = e.name; }`)
    .join('\n  ')}
  // <a ping>: the property, setAttribute and markup; clicked into the named frame.
  for (const [name, make] of [
    ['ping property', (a, u) => (a.ping = u)],
    ['ping setAttribute', (a, u) => a.setAttribute('ping', u)],
  ]) {
    const a = document.body.appendChild(document.createElement('a'));
    Object.assign(a, { id: name.replace(/ /g, '-'), href: '/landing.html', target: 'sink', textContent: name });
    make(a, ${JSON.stringify(PIXEL(''))} + encodeURIComponent(name));
  }
  box().innerHTML = '<a id="ping-markup" href="/landing.html" target="sink" ping="${PIXEL('ping%20markup')}">ping markup</a>';
</script>
</body></html>`;

const pathOf = (url: string) => new URL(url).searchParams.get('path') ?? '';
const PINGS = ['ping property', 'ping setAttribute', 'ping markup'];

describe('hostile paths in Chromium, nothing granted, then everything', () => {
  let server: TestServer;
  let context: BrowserContext;
  let p: Page;
  let recorder: ThirdPartyRecorder;
  let before: { requests: string[]; runs: string[]; results: Record<string, unknown>; blocked: string[]; errors: string[] };

  const clickPings = async () => {
    for (const id of ['ping-property', 'ping-setAttribute', 'ping-markup']) {
      await p.click('#' + id);
      await p.waitForTimeout(200);
    }
  };

  beforeAll(async () => {
    const bundle = await buildBlockingBundle();
    server = await startServer();
    server.setPage('/landing.html', '<!doctype html><title>landing</title>');
    context = await (await sharedBrowser()).newContext({ serviceWorkers: 'block' });
    recorder = await recordThirdParty(context);
    p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    server.setPage('/hostile.html', page(bundle));
    await p.goto(server.url('/hostile.html'));
    await p.waitForTimeout(800);
    await clickPings();
    before = {
      requests: recorder.requests.map((r) => r.url),
      runs: await trackerRuns(p),
      results: (await p.evaluate(() => window.__results))!,
      blocked: await p.evaluate(() => window.__blocking!.blocked().map((b) => b.via)),
      errors,
    };
    await p.evaluate(() => window.__blocking!.setPolicy({ isGranted: () => true }));
    await p.waitForTimeout(1200);
    await clickPings();
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  const requestsFor = (name: string) => recorder.requests.filter((r) => pathOf(r.url) === name);

  it('no third-party request leaves before the policy allows it', () => {
    expect(before.errors).toEqual([]);
    expect(before.requests).toEqual([]);
    expect(before.runs).toEqual([]);
    expect(recorder.unanswered()).toEqual([]);
  });

  it('every path ran without an error in the page', () => {
    const failed = Object.entries(before.results).filter(([name]) => name in HELD_PATHS);
    expect(failed).toEqual([]);
  });

  describe.each(Object.keys(HELD_PATHS))('%s', (name) => {
    it('held, then requested once everything is granted', () => {
      expect(before.requests.filter((u) => pathOf(u) === name)).toEqual([]);
      expect(requestsFor(name).length).toBeGreaterThanOrEqual(1);
    });
  });

  it('a held SVG script runs once released', async () => {
    const runs = (await trackerRuns(p)).map(pathOf);
    for (const name of Object.keys(HELD_PATHS).filter((n) => n.startsWith('SVG script'))) expect(runs).toContain(name);
  });

  it('<a ping>: no ping before, a ping per click after', () => {
    for (const name of PINGS) {
      expect(before.requests.filter((u) => pathOf(u) === name)).toEqual([]);
      expect(requestsFor(name).map((r) => r.resourceType)).toEqual(['ping']);
    }
  });

  it('WebSocket, EventSource and workers whose script names a tracker: refused with a SecurityError, listed in blocked()', () => {
    for (const name of Object.keys(REFUSED)) expect(before.results[name], name).toBe('SecurityError');
    expect(before.blocked.sort()).toEqual(Object.values(REFUSED).map(([via]) => via).sort());
    expect(recorder.requests.filter((r) => /worker|WebSocket|EventSource/.test(pathOf(r.url)))).toEqual([]);
  });
});

describe('Trusted Types: a page that enforces them, with the script tag as it ships', () => {
  const CONFIG = {
    policy: { version: '1' },
    categories: [{ id: 'necessary', required: true }, { id: 'analytics', services: [{ id: 'hotjar' }] }, { id: 'advertising', services: [{ id: 'meta-pixel' }] }],
    ui: { optOutLink: { fixed: false } },
  };
  const CSP = "require-trusted-types-for 'script'; trusted-types consentgate page";
  const ttPage = `<!doctype html><html><head><meta charset="utf-8"><title>tt</title>
<script type="application/json" data-consentgate-config>${JSON.stringify(CONFIG)}</script>
<script src="/dist/consentgate.js"></script>
<script type="text/plain" data-category="analytics" src="${SCRIPT('tt-marked')}"></script>
</head><body>
<div id="box"></div>
<script>
  const policy = trustedTypes.createPolicy('page', { createHTML: (s) => s, createScriptURL: (s) => s });
  // The page's own trusted markup and script URL, both naming trackers.
  document.getElementById('box').innerHTML = policy.createHTML('<img src="${PIXEL('tt-innerHTML')}">');
  document.body.insertAdjacentHTML('beforeend', policy.createHTML('<img src="${PIXEL('tt-insertAdjacentHTML')}">'));
  const s = document.createElement('script');
  s.src = policy.createScriptURL(${JSON.stringify(SCRIPT('tt-script-src'))});
  document.head.appendChild(s);
  // A plain string where Trusted Types want a script URL: refused, as without ConsentGate.
  try {
    document.createElement('script').src = ${JSON.stringify(SCRIPT('tt-untrusted'))};
    window.__untrusted = 'accepted';
  } catch (e) {
    window.__untrusted = e.name;
  }
</script>
</body></html>`;

  it('the app loads, trackers are held (TrustedHTML included), and released on acceptAll', async () => {
    await withPage(async ({ page: tab, server, recorder }) => {
      const violations: string[] = [];
      tab.on('console', (m) => {
        if (/Trusted Type|ConsentGate/.test(m.text())) violations.push(m.text());
      });
      server.setPage('/tt.html', ttPage, { 'Content-Security-Policy': CSP });
      await tab.goto(server.url('/tt.html'));
      await tab.waitForFunction(() => window.ConsentGate?.get !== undefined && document.querySelector('script[src*="consentgate-app"]'));
      await tab.waitForTimeout(500);
      expect(await tab.evaluate(() => (window as unknown as { __untrusted: string }).__untrusted)).toBe('TypeError');
      expect(recorder.requests.map((r) => r.url)).toEqual([]);
      expect(violations).toEqual([]);
      await tab.evaluate(() => window.ConsentGate!.acceptAll());
      await tab.waitForFunction(() => (window.__trackerRuns ?? []).length >= 2, undefined, { timeout: 5000 });
      await tab.waitForTimeout(300);
      const paths = recorder.requests.map((r) => pathOf(r.url)).sort();
      expect(paths).toEqual(['tt-innerHTML', 'tt-insertAdjacentHTML', 'tt-marked', 'tt-script-src']);
      expect((await trackerRuns(tab)).map(pathOf).sort()).toEqual(['tt-marked', 'tt-script-src']);
      expect(violations).toEqual([]);
    });
  });
});
