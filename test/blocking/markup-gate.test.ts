import { afterEach, describe, expect, it } from 'vitest';
import { heldVerdicts, holdElementUrls, isMarked, URL_ATTRIBUTES, urlsOf, verdictsOf } from '../../src/blocking/markup-gate';
import { createTestPage, grant, scriptBody, type TestPage } from '../fixtures/blocking/dom';

const GTAG = 'https://www.googletagmanager.com/gtag/js?id=G-1';
const FBEVENTS = 'https://connect.facebook.net/en_US/fbevents.js';
const HOTJAR = 'https://static.hotjar.com/c/hotjar-1.js?sv=6';
const YOUTUBE = 'https://www.youtube.com/embed/abc';
const push = (label: string) => `(window.__runs = window.__runs || []).push(${JSON.stringify(label)});`;

let page: TestPage | undefined;
afterEach(async () => {
  await page?.done();
  page = undefined;
});

const open = (html: string, options: Parameters<typeof createTestPage>[0] = {}) => (page = createTestPage({ ...options, html }));

describe('isMarked', () => {
  const el = (html: string) => {
    const t = (page ??= createTestPage()).document.createElement('template');
    t.innerHTML = html;
    return t.content.firstElementChild!;
  };
  it.each([
    ['<script type="text/plain" data-category="analytics" src="x.js"></script>', true],
    ['<script type="text/plain" data-category="analytics">code()</script>', true],
    ['<script type="text/plain" data-name="ga" data-type="text/javascript" data-src="x.js"></script>', true],
    ['<script data-category="analytics" src="x.js"></script>', false],
    ['<script type="text/plain" id="template">{}</script>', false],
    ['<iframe data-category="social" data-src="https://www.youtube.com/embed/x"></iframe>', true],
    ['<iframe data-name="youtube" data-src="https://www.youtube.com/embed/x"></iframe>', true],
    ['<img data-category="advertising" data-srcset="a.png 1x">', true],
    ['<link rel="stylesheet" data-category="functional" data-href="https://fonts.example/a.css">', true],
    ['<object data-category="social" data-data="https://x.example/a.swf"></object>', true],
    ['<video data-category="social"><source data-src="https://v.example/a.mp4"></video>', true],
    ['<video data-category="social" src="own.mp4"></video>', false],
    ['<img data-category="shoes" src="/shoe.png">', false],
    ['<li data-category="shoes" data-src="x">', false],
  ])('%s → %s', (html, marked) => {
    expect(isMarked(el(html))).toBe(marked);
  });
});

describe('marked scripts', () => {
  it('are held (not fetched, not run) and released in document order, each once', async () => {
    const p = open(`
      <script type="text/plain" data-category="analytics" defer src="${GTAG}"></script>
      <script type="text/plain" data-category="analytics">${push('inline-after-loader')}</script>
      <script type="text/plain" data-category="advertising" src="${FBEVENTS}"></script>
      <script type="text/plain" data-category="analytics" data-service="hotjar" async src="${HOTJAR}"></script>
      <script type="text/plain" data-category="analytics">${push('inline-last')}</script>
    `);
    await p.settle();
    expect(p.requests).toEqual([]);
    expect(p.runs()).toEqual([]);
    expect(p.blocking.held().map((h) => h.category)).toEqual(['analytics', 'analytics', 'advertising', 'analytics', 'analytics']);
    expect(p.blocking.held()[3]).toMatchObject({ service: 'hotjar', url: HOTJAR });

    p.blocking.setPolicy({ isGranted: grant('analytics') });
    await p.settle(30);
    // The deferred loader was awaited before the inline script after it; async hotjar did not block.
    expect(p.runs().filter((r) => r !== HOTJAR)).toEqual([GTAG, 'inline-after-loader', 'inline-last']);
    expect(p.runs()).toContain(HOTJAR);
    expect(p.requests).not.toContain(FBEVENTS);
    expect(p.blocking.held()).toHaveLength(1);

    // Exactly once: re-evaluating and granting more releases only what is still held.
    p.blocking.reevaluate();
    p.blocking.setPolicy({ isGranted: grant('analytics', 'advertising') });
    p.blocking.reevaluate();
    await p.settle(30);
    expect(p.runs().sort()).toEqual([FBEVENTS, GTAG, HOTJAR, 'inline-after-loader', 'inline-last'].sort());
    expect(p.requests.filter((r) => r === GTAG)).toHaveLength(1);
    expect(p.blocking.held()).toEqual([]);
  });

  it('re-creates the script with every attribute but the blocking ones, and its own type', async () => {
    const p = open(
      `<script type="text/plain" data-category="analytics" data-service="google-analytics" id="ga" class="t" crossorigin="anonymous" data-extra="1" async src="${GTAG}"></script>` +
        `<script type="text/plain" data-name="hotjar" data-type="module" data-src="${HOTJAR}"></script>`,
    );
    p.blocking.setPolicy({ isGranted: grant('analytics') });
    await p.settle(10);
    const [ga, hj] = Array.from(p.document.querySelectorAll('script'));
    expect(ga!.getAttribute('type')).toBeNull();
    expect(ga!.getAttribute('id')).toBe('ga');
    expect(ga!.getAttribute('class')).toBe('t');
    expect(ga!.getAttribute('crossorigin')).toBe('anonymous');
    expect(ga!.getAttribute('data-extra')).toBe('1');
    expect(ga!.hasAttribute('async')).toBe(true);
    expect(ga!.getAttribute('src')).toBe(GTAG);
    expect(ga!.hasAttribute('data-category')).toBe(false);
    expect(ga!.hasAttribute('data-service')).toBe(false);
    // Klaro: data-name → service, category from the catalog; data-type restored; data-src → src.
    expect(hj!.getAttribute('type')).toBe('module');
    expect(hj!.getAttribute('src')).toBe(HOTJAR);
    expect(hj!.hasAttribute('data-src')).toBe(false);
  });

  it('holds Klaro markup whose service the catalog does not know (fail closed)', async () => {
    // A policy that grants every known category (as the manager does: '' is never one).
    const p = open(`<script type="text/plain" data-name="unknown-service" data-src="${HOTJAR}"></script>`, { policy: (c) => c !== '' });
    await p.settle(10);
    expect(p.blocking.held()).toMatchObject([{ category: '', service: 'unknown-service' }]);
    expect(p.requests).toEqual([]);
  });

  it('reads vanilla-cookieconsent markup (data-category + data-service, inline)', async () => {
    const p = open(`<script type="text/plain" data-category="analytics" data-service="Google Analytics">${push('cc')}</script>`);
    expect(p.blocking.held()).toMatchObject([{ category: 'analytics', service: 'Google Analytics' }]);
    p.blocking.setPolicy({ isGranted: (c, s) => c === 'analytics' && s === 'Google Analytics' });
    await p.settle(5);
    expect(p.runs()).toEqual(['cc']);
  });

  it('releases a marked script inserted after start-up (by site code)', async () => {
    const p = open('', { policy: grant() });
    const s = p.document.createElement('script');
    s.setAttribute('type', 'text/plain');
    s.setAttribute('data-category', 'analytics');
    s.text = push('late');
    p.document.body.appendChild(s);
    await p.settle();
    expect(p.blocking.held()).toHaveLength(1);
    p.blocking.setPolicy({ isGranted: grant('analytics') });
    await p.settle(5);
    expect(p.runs()).toEqual(['late']);
  });

  it('releases at once what is already granted', async () => {
    const p = open('', { policy: grant('analytics') });
    p.document.body.insertAdjacentHTML('beforeend', `<script type="text/plain" data-category="analytics">${push('now')}</script>`);
    await p.settle(5);
    expect(p.runs()).toEqual(['now']);
    expect(p.events.map((e) => e.type)).toEqual(['released']);
  });
});

describe('marked elements of every kind', () => {
  const MARKUP = `
    <iframe id="yt" data-category="social" data-service="youtube" data-src="${YOUTUBE}" width="560"></iframe>
    <img id="img" data-category="advertising" data-src="https://www.facebook.com/tr?id=1" data-srcset="https://www.facebook.com/tr?id=1&r=2 2x">
    <video id="video" data-category="social" data-poster="https://i.ytimg.com/p.jpg"><source data-src="https://v.example/a.mp4" type="video/mp4"><track data-src="https://v.example/a.vtt"></video>
    <audio id="audio" data-category="social" data-src="https://a.example/a.mp3"></audio>
    <embed id="embed" data-category="social" data-src="https://e.example/a.swf">
    <object id="object" data-category="social" data-data="https://o.example/a.pdf"></object>
    <link id="link" rel="stylesheet" data-category="functional" data-href="https://fonts.example/a.css">
    <img id="plain" data-category="shoes" src="/shoe.png">
  `;
  const urls = (p: TestPage) =>
    Object.fromEntries(
      Array.from(p.document.querySelectorAll('[id]')).map((el) => [
        el.id,
        ['src', 'srcset', 'href', 'data', 'poster'].map((a) => el.getAttribute(a)).filter(Boolean),
      ]),
    );

  it('get no URL attribute until their category is granted, then exactly the data-* ones', async () => {
    const p = open(MARKUP);
    await p.settle();
    expect(urls(p)).toEqual({ yt: [], img: [], video: [], audio: [], embed: [], object: [], link: [], plain: ['/shoe.png'] });
    expect(p.document.querySelector('source')!.hasAttribute('src')).toBe(false);
    expect(p.blocking.held().map((h) => h.element.id)).toEqual(['yt', 'img', 'video', 'audio', 'embed', 'object', 'link']);

    p.blocking.setPolicy({ isGranted: grant('social') });
    await p.settle();
    expect(urls(p)).toMatchObject({ yt: [YOUTUBE], img: [], video: ['https://i.ytimg.com/p.jpg'], audio: ['https://a.example/a.mp3'], embed: ['https://e.example/a.swf'], object: ['https://o.example/a.pdf'], link: [] });
    expect(p.document.querySelector('source')!.getAttribute('src')).toBe('https://v.example/a.mp4');
    expect(p.document.querySelector('track')!.getAttribute('src')).toBe('https://v.example/a.vtt');

    p.blocking.setPolicy({ isGranted: grant('social', 'advertising', 'functional') });
    expect(urls(p)).toMatchObject({ img: ['https://www.facebook.com/tr?id=1', 'https://www.facebook.com/tr?id=1&r=2 2x'], link: ['https://fonts.example/a.css'] });
    expect(p.blocking.held()).toEqual([]);
  });

  it('tells listeners: held (replayed to late listeners, for placeholders), then released', async () => {
    const p = open(MARKUP);
    const late: string[] = [];
    p.blocking.onEvent((e) => late.push(`${e.type} ${'element' in e ? (e.element as Element).id : ''} ${e.category}`));
    expect(late.slice(0, 2)).toEqual(['held yt social', 'held img advertising']);
    p.blocking.setPolicy({ isGranted: grant('social') });
    expect(late).toContain('released yt social');
    expect(p.events.find((e) => e.type === 'held')).toMatchObject({ category: 'social', service: 'youtube', url: YOUTUBE });
  });
});

describe('heldVerdicts / holdElementUrls', () => {
  it('judges every URL an element held by the guards carries', () => {
    const { document } = (page = createTestPage());
    const img = document.createElement('img');
    img.setAttribute('data-cg-src', 'https://www.facebook.com/tr?id=1');
    img.setAttribute('data-cg-srcset', 'https://i.ytimg.com/a.jpg 1x, /own.png 2x');
    img.setAttribute('data-cg', '');
    const judged = heldVerdicts(img, (url) => (url.startsWith('https') ? { category: url.includes('ytimg') ? 'social' : 'advertising', url } : undefined), () => undefined);
    expect(judged.map((v) => v.category)).toEqual(['advertising', 'social']);
  });

  it('holds only the blocked attributes, and scripts only when asked', () => {
    const { document } = (page = createTestPage());
    const natives = { _setAttribute: Element.prototype.setAttribute, _replaceChild: Node.prototype.replaceChild };
    const t = document.createElement('template');
    t.innerHTML = `<img src="/a.png" srcset="https://t.example/b.png 2x"><script type="module" src="https://t.example/x.js"></script>`;
    const [img, script] = Array.from(t.content.children);
    const blocked = (_: string, v: string) => v.includes('t.example');
    expect(holdElementUrls(script!, blocked, natives, false)).toBe(false);
    expect(script!.getAttribute('type')).toBe('module');
    expect(holdElementUrls(img!, blocked, natives)).toBe(true);
    expect(img!.outerHTML).toBe('<img src="/a.png" data-cg-srcset="https://t.example/b.png 2x" data-cg="">');
    expect(holdElementUrls(script!, blocked, natives)).toBe(true);
    expect(script!.getAttribute('type')).toBe('text/plain');
    expect(script!.getAttribute('data-cg-type')).toBe('module');
    expect(script!.getAttribute('src')).toBe('https://t.example/x.js');
  });

  it('knows the URL attributes of every element kind the issue names', () => {
    expect(Object.keys(URL_ATTRIBUTES)).toEqual(expect.arrayContaining(['script', 'iframe', 'img', 'video', 'audio', 'source', 'embed', 'object', 'link']));
  });
});

describe('urlsOf / verdictsOf', () => {
  it.each([
    ['src', ' https://a.test/x ', [' https://a.test/x ']],
    ['srcset', 'https://a.test/1 1x,  //b.test/2.png 640w', ['https://a.test/1', '//b.test/2.png']],
    ['imagesrcset', 'https://a.test/1 2x', ['https://a.test/1']],
    ['ping', ' /own\thttps://a.test/p  https://b.test/q', ['/own', 'https://a.test/p', 'https://b.test/q']],
    ['style', 'background:url("https://a.test/bg.png") ; mask: url(//b.test/m.svg)', ['https://a.test/bg.png', '//b.test/m.svg']],
    ['style', '@import "https://a.test/x.css"; @import url(https://b.test/y.css) screen;', ['https://a.test/x.css', 'https://b.test/y.css']],
    ['srcdoc', '<img src=https://a.test/p><script>fetch(\'wss://b.test/s\')</script>', ['https://a.test/p', 'wss://b.test/s']],
    ['style', 'color: red; background: url(/own.png)', []],
  ])('%s %j', (name, value, urls) => {
    expect(urlsOf(name, value)).toEqual(urls);
  });

  it('in text, only URLs a service claims count (an unknown host there is no request)', () => {
    const judge = (url: string) => (url.includes('tracker') ? { category: 'ads', url } : { category: '', url });
    expect(verdictsOf('srcdoc', '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.test/p"/></svg>', judge)).toEqual([
      { category: 'ads', url: 'https://tracker.test/p' },
    ]);
    expect(verdictsOf('src', 'https://unknown.test/', judge)).toEqual([{ category: '', url: 'https://unknown.test/' }]);
  });
});

describe('fixture sanity', () => {
  it('fake scripts record their execution', async () => {
    const p = open('', { policy: () => true });
    const s = p.document.createElement('script');
    s.src = 'https://cdn.example.org/own.js';
    p.document.head.appendChild(s);
    await p.settle(5);
    expect(p.runs()).toEqual(['https://cdn.example.org/own.js']);
    expect(scriptBody('x')).toContain('__runs');
  });
});
