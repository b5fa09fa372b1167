import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServiceCatalog, installBlocking } from '../../src/blocking';
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
});
