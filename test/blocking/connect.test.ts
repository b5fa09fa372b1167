import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectBlocking, createServiceCatalog } from '../../src/blocking';
import { cleanup as cleanupSpy } from '../../src/blocking/cleanup';

// The real cleanup, watched.
vi.mock('../../src/blocking/cleanup', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/blocking/cleanup')>();
  return { ...actual, cleanup: vi.fn(actual.cleanup) };
});
import { resolveConfig } from '../../src/config';
import { createConsentManager, createMemoryStore, type ConsentManager } from '../../src/consent';
import type { ConsentGateConfig } from '../../src/types';
import { FIXTURE_REGISTRY } from '../fixtures/blocking/registry';
import { createTestPage, type TestPage } from '../fixtures/blocking/dom';

const PIXEL = 'https://www.facebook.com/tr?id=1';
const HOTJAR = 'https://static.hotjar.com/c/hotjar-1.js?sv=6';

const CONFIG: ConsentGateConfig = {
  policy: { version: '1', cookieName: 'cg_consent', cookiePath: '/shop' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'analytics', services: [{ id: 'hotjar' }, { id: 'google-analytics' }] },
    { id: 'advertising', services: [{ id: 'meta-pixel' }] },
  ],
};

let page: TestPage | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  vi.restoreAllMocks();
  await page?.done();
  page = stop = undefined;
});

function setUp(reloadOnWithdraw?: boolean) {
  const p = (page = createTestPage());
  const config = resolveConfig(CONFIG);
  const manager: ConsentManager = createConsentManager({ config, store: createMemoryStore(), signals: { doNotTrack: null, globalPrivacyControl: false } });
  const catalog = createServiceCatalog({ registry: FIXTURE_REGISTRY, configCategories: config.categories, pageHost: 'www.example.com' });
  const reload = vi.fn();
  const cleanup = vi.mocked(cleanupSpy);
  cleanup.mockClear();
  stop = connectBlocking(manager, p.blocking, { catalog, reload, reloadOnWithdraw, window: p.window as unknown as Window });
  return { p, manager, reload, cleanup };
}

describe('connectBlocking', () => {
  it('follows the manager: nothing before a decision, what was granted after it', async () => {
    const { p, manager } = setUp();
    const img = new p.window.Image();
    img.src = PIXEL;
    const s = p.document.createElement('script');
    s.src = HOTJAR;
    p.document.head.appendChild(s);
    expect(p.blocking.held()).toHaveLength(2);
    manager.update({ analytics: true });
    await p.settle(10);
    expect(p.runs()).toEqual([HOTJAR]);
    expect(img.hasAttribute('src')).toBe(false);
    manager.acceptAll();
    expect(img.getAttribute('src')).toBe(PIXEL);
  });

  it('withdrawal: cleans what was revoked (not the consent cookie) and reloads when it had run', async () => {
    const { p, manager, reload, cleanup } = setUp();
    manager.acceptAll();
    new p.window.Image().src = PIXEL; // advertising ran
    p.document.cookie = '_fbp=fb.1; path=/';
    p.document.cookie = '_ga=GA1; path=/';
    p.document.cookie = 'cg_consent=x; path=/';
    manager.withdraw();
    expect(cleanup).toHaveBeenCalledTimes(1);
    const [, categories, options] = cleanup.mock.calls[0]!;
    expect([...categories].sort()).toEqual(['advertising', 'analytics']);
    expect(options).toMatchObject({ keep: ['cg_consent'], paths: ['/shop'] });
    expect(p.document.cookie).toBe('cg_consent=x');
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('reject after accept, one category: cleans it; reloads only if something of it ran', () => {
    const { p, manager, reload, cleanup } = setUp();
    manager.acceptAll();
    new p.window.Image().src = PIXEL;
    manager.update({ analytics: false });
    expect(cleanup.mock.calls[0]![1]).toEqual(['analytics']);
    expect(reload).not.toHaveBeenCalled(); // nothing of analytics ran on this page
    manager.update({ advertising: false });
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('a service switched off alone is cleaned as a service', () => {
    const { p, manager, reload, cleanup } = setUp();
    manager.acceptAll();
    new p.window.Image().src = PIXEL;
    manager.update({ 'advertising.meta-pixel': false });
    expect(cleanup.mock.calls[0]![1]).toEqual([]);
    expect(cleanup.mock.calls[0]![2]!.services).toEqual(['meta-pixel']);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('another tab withdrew (sync): cleans and reloads', () => {
    const p = (page = createTestPage());
    const config = resolveConfig(CONFIG);
    const store = createMemoryStore();
    const signals = { doNotTrack: null, globalPrivacyControl: false };
    const here = createConsentManager({ config, store, signals });
    const otherTab = createConsentManager({ config, store, signals });
    const reload = vi.fn();
    const cleanup = vi.mocked(cleanupSpy);
    cleanup.mockClear();
    stop = connectBlocking(here, p.blocking, { catalog: createServiceCatalog({ registry: FIXTURE_REGISTRY, configCategories: config.categories }), reload, window: p.window as unknown as Window });
    here.acceptAll();
    new p.window.Image().src = PIXEL;
    otherTab.sync();
    otherTab.withdraw();
    here.sync();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('reloadOnWithdraw: false cleans without reloading', () => {
    const { p, manager, reload, cleanup } = setUp(false);
    manager.acceptAll();
    new p.window.Image().src = PIXEL;
    manager.rejectAll();
    expect(cleanup).toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });

  it('a first decision is no withdrawal; a sensitive-page restriction neither', () => {
    const { p, manager, reload, cleanup } = setUp();
    manager.rejectAll();
    manager.acceptAll();
    new p.window.Image().src = PIXEL;
    manager.restrict(['advertising']);
    expect(cleanup).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });

  it('unsubscribes', () => {
    const { p, manager } = setUp();
    stop!();
    const img = new p.window.Image();
    img.src = PIXEL;
    manager.acceptAll();
    expect(img.hasAttribute('src')).toBe(false);
  });
});
