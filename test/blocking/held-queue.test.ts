import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServiceCatalog } from '../../src/blocking';
import { FIXTURE_REGISTRY } from '../fixtures/blocking/registry';
import { createTestPage, grant, type TestPage } from '../fixtures/blocking/dom';

const PIXEL = 'https://www.facebook.com/tr?id=1';
const YOUTUBE = 'https://www.youtube.com/embed/abc';
const HOTJAR = 'https://static.hotjar.com/c/hotjar-1.js?sv=6';
const push = (label: string) => `(window.__runs = window.__runs || []).push(${JSON.stringify(label)});`;

let page: TestPage | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await page?.done();
  page = undefined;
});
const open = (options: Parameters<typeof createTestPage>[0] = {}) => (page = createTestPage(options));

describe('held queue', () => {
  it('fails closed before setPolicy: only necessary runs', async () => {
    const p = open({
      html: `<script type="text/plain" data-category="necessary">${push('necessary')}</script>
             <script type="text/plain" data-category="analytics">${push('analytics')}</script>
             <script type="text/plain" data-category="functional">${push('functional')}</script>`,
    });
    const img = p.document.createElement('img');
    img.src = PIXEL;
    await p.settle(5);
    expect(p.runs()).toEqual(['necessary']);
    expect(p.blocking.held().map((h) => h.category)).toEqual(['analytics', 'functional', 'advertising']);
  });

  it('drops what is held for a category restricted on this page: never released, even once the restriction lifts', () => {
    const p = open();
    let restricted = true;
    let granted = false;
    p.blocking.setPolicy({ isGranted: () => granted && !restricted, isRestricted: (c) => restricted && c === 'advertising' });
    const onSensitivePage = new p.window.Image();
    onSensitivePage.src = PIXEL + '&page=/conditions/hiv';
    restricted = false; // an SPA route change to an ordinary page
    const onOrdinaryPage = new p.window.Image();
    onOrdinaryPage.src = PIXEL + '&page=/home';
    granted = true;
    p.blocking.reevaluate();
    expect(onOrdinaryPage.getAttribute('src')).toBe(PIXEL + '&page=/home');
    expect(onSensitivePage.hasAttribute('src')).toBe(false);
    expect(p.blocking.held().map((h) => h.url)).toEqual([PIXEL + '&page=/conditions/hiv']);
  });

  it('drops what the boot held before the policy came when the page is sensitive', () => {
    const p = open();
    const img = new p.window.Image();
    img.src = PIXEL;
    p.blocking.setPolicy({ isGranted: () => true, isRestricted: (c) => c === 'advertising' });
    expect(img.hasAttribute('src')).toBe(false);
    p.blocking.setPolicy({ isGranted: () => true });
    expect(img.hasAttribute('src')).toBe(false);
  });

  it('releases in the order things were held, across kinds, once', async () => {
    const p = open();
    const order: string[] = [];
    p.blocking.onEvent((e) => e.type === 'released' && order.push(e.url ?? ''));
    const img = new p.window.Image();
    img.src = PIXEL;
    const s = p.document.createElement('script');
    s.src = HOTJAR;
    p.document.head.appendChild(s);
    p.document.body.insertAdjacentHTML('beforeend', `<iframe src="${YOUTUBE}"></iframe>`);
    expect(p.blocking.held().map((h) => h.url)).toEqual([PIXEL, HOTJAR, YOUTUBE]);
    p.blocking.setPolicy({ isGranted: () => true });
    p.blocking.setPolicy({ isGranted: () => true });
    p.blocking.reevaluate();
    await p.settle(10);
    expect(order).toEqual([PIXEL, HOTJAR, YOUTUBE]);
    expect(p.runs()).toEqual([HOTJAR]);
  });

  it('re-evaluates per service: a service granted alone is released, its category is not', () => {
    const p = open();
    const a = new p.window.Image();
    a.src = PIXEL; // meta-pixel, advertising
    const b = new p.window.Image();
    b.src = 'https://www.googleadservices.com/pagead/conversion.gif'; // google-ads, advertising
    p.blocking.setPolicy({ isGranted: (c, s) => c === 'advertising' && s === 'meta-pixel' });
    expect(a.getAttribute('src')).toBe(PIXEL);
    expect(b.hasAttribute('src')).toBe(false);
  });

  it('re-creates a held script inside a detached fragment: it runs once the fragment connects', async () => {
    const p = open();
    const fragment = p.document.createRange().createContextualFragment(`<script src="${HOTJAR}"></script>`);
    p.blocking.setPolicy({ isGranted: grant('analytics') });
    await p.settle(5);
    expect(p.blocking.held()).toEqual([]);
    expect(p.runs()).toEqual([]);
    p.document.body.appendChild(fragment);
    await p.settle(10);
    expect(p.runs()).toEqual([HOTJAR]);
  });

  it('keeps a held text/plain script without a parent until it is back in the document', async () => {
    const p = open();
    const script = p.document.createRange().createContextualFragment(`<script src="${HOTJAR}"></script>`).firstElementChild!;
    script.remove();
    p.blocking.setPolicy({ isGranted: grant('analytics') });
    await p.settle(5);
    expect(p.blocking.held()).toHaveLength(1);
    p.document.body.appendChild(script);
    await p.settle(10);
    expect(p.runs()).toEqual([HOTJAR]);
    expect(p.blocking.held()).toEqual([]);
  });

  it('setCatalog re-judges what is held by URL', () => {
    const p = open({ policy: grant('analytics') });
    const img = new p.window.Image();
    img.src = YOUTUBE;
    expect(img.hasAttribute('src')).toBe(false);
    p.blocking.setCatalog(
      createServiceCatalog({ registry: FIXTURE_REGISTRY, pageHost: 'www.example.com', configCategories: [{ id: 'analytics', services: [{ id: 'youtube' }] }] }),
    );
    expect(img.getAttribute('src')).toBe(YOUTUBE);
  });

  it('remembers what ran (released or let through) for reload-on-withdraw', () => {
    const p = open({ policy: grant('advertising') });
    const img = new p.window.Image();
    img.src = PIXEL;
    p.document.body.appendChild(p.document.createElement('img')).src = '/own.png';
    expect(p.blocking.released()).toEqual([{ category: 'advertising', service: 'meta-pixel' }]);
  });

  it('keeps the last 100 blocked requests', async () => {
    const p = open();
    for (let i = 0; i < 105; i++) await p.window.fetch(`https://api.segment.io/v1/t?i=${i}`);
    const blocked = p.blocking.blocked();
    expect(blocked).toHaveLength(100);
    expect(blocked[0]!.url).toBe('https://api.segment.io/v1/t?i=5');
  });

  it('listeners: replayed held state, unsubscribe, a throwing listener does not stop the others', () => {
    const p = open();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    new p.window.Image().src = PIXEL;
    const seen: string[] = [];
    p.blocking.onEvent(() => {
      throw new Error('listener bug');
    });
    const off = p.blocking.onEvent((e) => seen.push(e.type));
    expect(seen).toEqual(['held']);
    new p.window.Image().src = PIXEL;
    off();
    new p.window.Image().src = PIXEL;
    expect(seen).toEqual(['held', 'held']);
    expect(p.blocking.onEvent(null as never)).toBeTypeOf('function');
  });

  it('logs holds, releases and blocks with debug', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const p = open();
    p.blocking.uninstall();
    const { installBlocking } = await import('../../src/blocking');
    const blocking = installBlocking({ catalog: createServiceCatalog({ registry: FIXTURE_REGISTRY, pageHost: 'www.example.com' }), window: p.window as unknown as Window, debug: true });
    new p.window.Image().src = PIXEL;
    await p.window.fetch('https://api.segment.io/v1/t');
    blocking.uninstall();
    expect(info.mock.calls.map((c) => c[1])).toEqual([`held: ${PIXEL}`, 'blocked: https://api.segment.io/v1/t']);
  });
});

describe('the URL fast paths agree with the URL parser', () => {
  it('for any mix of schemes, hosts, ports, paths, queries and odd characters', async () => {
    const fc = await import('fast-check');
    const { createHeldQueue } = await import('../../src/blocking/held-queue');
    const { Window } = await import('happy-dom');
    const w = new Window({ url: 'https://www.example.com/blog/post' });
    const catalog = createServiceCatalog({
      registry: FIXTURE_REGISTRY,
      pageHost: 'www.example.com',
      configCategories: [{ id: 'analytics', services: [{ id: 'own', domains: ['example.com/stats/'] }] }],
    });
    const natives = { _setAttribute: Element.prototype.setAttribute, _replaceChild: Node.prototype.replaceChild };
    for (const unknownThirdParty of ['allow', 'block'] as const) {
      const q = createHeldQueue({ document: w.document as unknown as Document, catalog, natives, unknownThirdParty });
      // The reference: always the URL parser, then the same matcher.
      const reference = (url: string) => {
        let u: URL;
        try {
          u = new URL(url.trim(), 'https://www.example.com/blog/post');
        } catch {
          return undefined;
        }
        if (!/^(https?|wss?):$/.test(u.protocol)) return undefined;
        const s = catalog.match(u);
        if (s) return s.id;
        return unknownThirdParty === 'block' && catalog.isThirdParty(u) ? '' : undefined;
      };
      const part = (xs: string[]) => fc.constantFrom(...xs);
      const url = fc
        .tuple(
          part(['https://', 'http://', '//', 'HTTPS://', 'https:\\\\', 'https:/', 'ftp://', 'wss://', 'data:', 'javascript:', '', '/', ' https://', '\thttps://']),
          part(['www.facebook.com', 'WWW.FACEBOOK.COM', 'www.facebook.com.', 'facebook.com', 'connect.facebook.net', 'static.hotjar.com', 'hotjar.com', 'www.googletagmanager.com', 'x.hotjar.com.evil.example', 'www.example.com', 'example.com', 'cdn.other.example', 'user@www.facebook.com', 'www.face%62ook.com', 'xn--fcebook-8va.com', 'www.facebook.com:443', 'www.facebook.com:', '']),
          part(['', '/', '/tr', '/TR', '/tr/', '/tr?id=1', '/./tr', '/a/../tr', '/%2e/tr', '/%2E%2E/tr', '\\tr', '/t\tr', '/t r', '/é/fbevents.js', '/en_US/fbevents.js', '/gtag/js?id=G-1', '/gtag/js?id=AW-1', '?id=G-1', '#/tr', '/stats/x', '/plugins', '/tr#x', '/tr"', '/tr<']),
          part(['', '?a=1', '&b=2', '#f', '?id=G-']),
        )
        .map((parts) => parts.join(''));
      fc.assert(
        fc.property(url, (u) => {
          const fast = q._judge(u);
          expect(fast === undefined ? undefined : (fast.service ?? ''), u).toBe(reference(u));
        }),
        { numRuns: 3000 },
      );
    }
    w.close();
  });
});
