import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReleaser, createServiceCatalog, installBlocking } from '../../src/blocking';
import { installGuardedWindow } from '../../src/blocking/install';
import { FIXTURE_REGISTRY } from '../fixtures/blocking/registry';
import { createTestPage, type TestPage } from '../fixtures/blocking/dom';

let page: TestPage | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await page?.done();
  page = undefined;
});

const catalog = () => createServiceCatalog({ registry: FIXTURE_REGISTRY, pageHost: 'www.example.com' });

describe('installBlocking', () => {
  it('is safe twice: the second call returns the first handle and patches nothing more', () => {
    const p = (page = createTestPage());
    const appendChild = p.window.Node.prototype.appendChild;
    const again = installBlocking({ catalog: catalog(), window: p.window as unknown as Window });
    expect(again).toBe(p.blocking);
    expect(p.window.Node.prototype.appendChild).toBe(appendChild);
  });

  it('uninstall restores every native', () => {
    const p = (page = createTestPage());
    p.blocking.uninstall();
    const w = p.window as unknown as Record<string, { prototype: object }> & typeof globalThis;
    const snapshot = () => {
      const take = (o: object, names: string[]) => names.map((n) => {
        const d = Object.getOwnPropertyDescriptor(o, n);
        return d && (d.value ?? d.set);
      });
      return [
        ...take(w.Node.prototype, ['appendChild', 'insertBefore', 'replaceChild']),
        ...take(w.Element.prototype, ['append', 'prepend', 'before', 'after', 'replaceWith', 'insertAdjacentElement', 'insertAdjacentHTML', 'setAttribute', 'setAttributeNS', 'innerHTML', 'outerHTML']),
        ...take(w.HTMLImageElement.prototype, ['src', 'srcset']),
        ...take(w.XMLHttpRequest.prototype, ['open', 'send']),
        ...take(w, ['fetch']),
        Object.getOwnPropertyNames(w.HTMLImageElement.prototype).join(),
      ];
    };
    const before = snapshot();
    const handle = installBlocking({ catalog: catalog(), window: p.window as unknown as Window });
    expect(snapshot()).not.toEqual(before);
    handle.uninstall();
    expect(snapshot()).toEqual(before);
    // And it can be installed again afterwards.
    const third = installBlocking({ catalog: catalog(), window: p.window as unknown as Window });
    expect(third).not.toBe(handle);
    third.uninstall();
  });

  it('public methods never throw into the page', () => {
    const p = (page = createTestPage());
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => p.blocking.setPolicy(null as never)).not.toThrow();
    expect(() => p.blocking.setCatalog(undefined as never)).not.toThrow();
    expect(() => p.blocking.reevaluate()).not.toThrow();
  });

  it('without a releaser (the boot before the app) holds even what the policy allows, and releases it in order once one is attached', async () => {
    const p = (page = createTestPage());
    p.blocking.uninstall();
    const w = p.window as unknown as Window & { __runs?: string[] };
    const push = (label: string) => `(window.__runs = window.__runs || []).push(${JSON.stringify(label)});`;
    const boot = installGuardedWindow({ catalog: catalog(), window: w });
    try {
      for (const category of ['necessary', 'analytics']) {
        const s = p.document.createElement('script');
        s.type = 'text/plain';
        s.dataset.category = category;
        s.text = push(category);
        p.document.body.appendChild(s);
      }
      boot.setPolicy({ isGranted: (c) => c === 'necessary' || c === 'analytics' });
      await p.settle(5);
      expect(w.__runs ?? []).toEqual([]);
      expect(boot.held().map((h) => h.category)).toEqual(['necessary', 'analytics']);
      expect(boot.released()).toEqual([]);
      boot.attachRelease(createReleaser());
      await p.settle(5);
      expect(w.__runs).toEqual(['necessary', 'analytics']);
      expect(boot.held()).toEqual([]);
      expect(boot.released().map((v) => v.category)).toEqual(['necessary', 'analytics']);
      // The first releaser stays (its record of what ran with it).
      boot.attachRelease(createReleaser());
      expect(boot.released().map((v) => v.category)).toEqual(['necessary', 'analytics']);
    } finally {
      boot.uninstall();
    }
  });
});
