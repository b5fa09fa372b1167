import { afterEach, describe, expect, it } from 'vitest';
import { createTestPage, grant, scriptBody, type TestPage } from '../fixtures/blocking/dom';

const HOTJAR = 'https://static.hotjar.com/c/hotjar-1.js?sv=6';
const AD = 'https://ads.example-network.com/a.js';

let page: TestPage | undefined;
afterEach(async () => {
  await page?.done();
  page = undefined;
});

/** A page with one marked advertising tag (`code`), released once advertising is granted. */
async function release(code: string, before = '', after = '<p id="after">after</p>') {
  const p = (page = createTestPage({
    html: `<h1 id="title">Title</h1>${before}<script type="text/plain" data-category="advertising" id="tag">${code}</script>${after}`,
  }));
  p.blocking.setPolicy({ isGranted: grant('advertising') });
  await p.settle(20);
  return p;
}
const ids = (p: TestPage) => Array.from(p.document.body.querySelectorAll('[id]')).map((el) => el.id);
const push = (label: string) => `(window.__runs = window.__runs || []).push(${JSON.stringify(label)});`;

describe('document.write of a released script', () => {
  it('goes where the tag stood, the page kept; markup split across writes is one tree', async () => {
    const p = await release(`document.write('<div id="ad">'); document.write('<b id="in">' + 'ad'); document.write('</b></div>');`);
    expect(ids(p)).toEqual(['title', 'tag', 'ad', 'in', 'after']);
    expect(p.document.getElementById('in')!.parentElement!.id).toBe('ad');
    // The place-keeping text node is gone once the run is over.
    expect(Array.from(p.document.body.childNodes).filter((n) => n.nodeType === 3 && !n.textContent)).toEqual([]);
  });

  it('whole markup is in the page as soon as it is written (the tag may look it up)', async () => {
    const p = await release(`document.write('<span id="slot"></span>'); window.__runs = [String(!!document.getElementById('slot'))];`);
    expect(p.runs()).toEqual(['true']);
  });

  it('written scripts run in order: an inline one at once, an external one awaited before the next', async () => {
    // (happy-dom runs an external script as it is inserted; test/browser/document-write.test.ts has a browser's order.)
    const p = await release(`${push('tag')} document.write('<script src="${AD}"><\\/script><script>${push('inline')}<\\/script>');`);
    expect(p.runs()).toEqual(['tag', AD, 'inline']);
    expect(ids(p)).toEqual(['title', 'tag', 'after']);
  });

  it('markup left open when the run is over is parsed then', async () => {
    const p = await release(`document.write('<div id="open"><i id="inner">');`);
    expect(ids(p)).toEqual(['title', 'tag', 'open', 'inner', 'after']);
  });

  it('a written tracker of a category not granted is held there and queued', async () => {
    const p = await release(`document.write('<script src="${HOTJAR}"><\\/script><img id="px" src="https://www.google-analytics.com/collect?v=1">');`);
    const script = p.document.getElementById('tag')!.nextElementSibling as HTMLScriptElement;
    expect([script.getAttribute('type'), script.hasAttribute('data-cg')]).toEqual(['text/plain', true]);
    expect(p.document.getElementById('px')!.hasAttribute('src')).toBe(false);
    expect(p.requests).toEqual([]);
    expect(p.blocking.held().map((h) => h.service)).toEqual(['hotjar', 'google-analytics']);
    p.blocking.setPolicy({ isGranted: grant('advertising', 'analytics') });
    await p.settle(20);
    expect(p.runs()).toEqual([HOTJAR]);
  });

  it('a tag that left the page writes at the end of the body', async () => {
    const p = await release(`document.currentScript.remove(); document.write('<p id="late">late</p>');`);
    expect(ids(p)).toEqual(['title', 'after', 'late']);
  });

  it('the next released script waits until what the one before wrote has run', async () => {
    const p = await release(
      `document.write('<script src="${AD}"><\\/script>');`,
      '',
      `<script type="text/plain" data-category="advertising">${push('next tag')}</script>`,
    );
    expect(p.runs()).toEqual([AD, 'next tag']);
    expect(scriptBody(AD)).toContain(AD);
  });
});
