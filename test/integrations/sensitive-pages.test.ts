import { afterEach, describe, expect, it } from 'vitest';
import { LOCATION_CHANGE_EVENT, connectSensitivePages, matchesPathGlob, patchHistory, sensitiveBlocks } from '../../src/integrations';
import type { ConsentGateConfig } from '../../src/types';
import { healthSiteConfig } from '../fixtures/configs';
import { setup } from '../fixtures/integrations/setup';

const config: ConsentGateConfig = {
  ...healthSiteConfig,
  sensitivePages: [
    { match: '/conditions/**' },
    { match: '/doctors/*/book', block: ['advertising'] },
    { match: '/portal/login' },
    { match: '/search/**/results', block: ['analytics'] },
  ],
};

describe('path globs', () => {
  it.each([
    ['/conditions/**', '/conditions', true],
    ['/conditions/**', '/conditions/', true],
    ['/conditions/**', '/conditions/hiv', true],
    ['/conditions/**', '/conditions/mental-health/anxiety/', true],
    ['/conditions/**', '/conditionsx', false],
    ['/conditions/**', '/about/conditions', false],
    ['/conditions/*', '/conditions/hiv', true],
    ['/conditions/*', '/conditions/hiv/', true],
    ['/conditions/*', '/conditions/hiv/testing', false],
    ['/doctors/*/book', '/doctors/dr-lee/book', true],
    ['/doctors/*/book', '/doctors/a/b/book', false],
    ['/search/**/results', '/search/results', true],
    ['/search/**/results', '/search/a/b/results', true],
    ['/**/login', '/portal/login', true],
    ['/portal/login', '/Portal/Login', true],
    ['/portal/login', '/portal/login/', true],
    ['/portal/login', '/portal/login.html', false],
    ['/a.b', '/axb', false],
    ['/conditions/*', '/conditions/mental%20health', true],
    ['/conditions/mental health', '/conditions/mental%20health', true],
    ['/pa(ge)', '/pa(ge)', true],
  ])('%s on %s → %s', (glob, path, expected) => {
    expect(matchesPathGlob(glob, path)).toBe(expected);
  });

  it('sensitiveBlocks merges matching rules, defaults block to advertising + social and ignores junk', () => {
    expect(sensitiveBlocks(config.sensitivePages, '/conditions/hiv')).toEqual(['advertising', 'social']);
    expect(sensitiveBlocks(config.sensitivePages, '/doctors/dr-lee/book')).toEqual(['advertising']);
    expect(sensitiveBlocks(config.sensitivePages, '/')).toEqual([]);
    expect(sensitiveBlocks([null, 7, { match: 3 }, { match: '/x', block: 'advertising' }], '/x')).toEqual(['advertising', 'social']);
    expect(sensitiveBlocks('nope', '/x')).toEqual([]);
  });
});

describe('connectSensitivePages', () => {
  afterEach(() => history.replaceState(null, '', '/'));

  it('restricts the current page’s categories without touching the record', () => {
    history.replaceState(null, '', '/conditions/hiv');
    const { manager, config: resolved, stored } = setup({ config });
    manager.acceptAll('banner-accept-all');
    const before = stored();
    const stop = connectSensitivePages(manager, resolved);
    expect(manager.restricted()).toEqual(['advertising', 'social']);
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('social', 'youtube')).toBe(false);
    expect(manager.isGranted('analytics')).toBe(true);
    expect(stored()).toEqual(before);
    stop();
  });

  it('re-evaluates on pushState, replaceState and back/forward, before the router renders', () => {
    history.replaceState(null, '', '/');
    const { manager, config: resolved } = setup({ config });
    manager.acceptAll();
    const stop = connectSensitivePages(manager, resolved);
    expect(manager.isGranted('advertising')).toBe(true);
    // A listener of the route change (the router rendering) already sees the restriction.
    let seenByRouter: boolean | undefined;
    const router = () => (seenByRouter = manager.isGranted('advertising'));
    window.addEventListener(LOCATION_CHANGE_EVENT, router);
    history.pushState({}, '', '/conditions/diabetes');
    expect(seenByRouter).toBe(false);
    expect(manager.isGranted('advertising')).toBe(false);
    history.replaceState({}, '', '/doctors/dr-lee/book');
    expect(manager.restricted()).toEqual(['advertising']);
    expect(manager.isGranted('social')).toBe(true);
    history.pushState({}, '', '/');
    expect(manager.restricted()).toEqual([]);
    // Back: the browser changes the location and fires popstate.
    history.replaceState({}, '', '/portal/login');
    manager.restrict([]);
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(manager.restricted()).toEqual(['advertising', 'social']);
    window.removeEventListener(LOCATION_CHANGE_EVENT, router);
    stop();
    history.pushState({}, '', '/conditions/x');
    expect(manager.restricted()).toEqual(['advertising', 'social']); // unchanged: no longer listening
    manager.restrict([]);
    history.pushState({}, '', '/conditions/x');
    expect(manager.restricted()).toEqual([]);
  });

  it('emits one context change per route that changes the restriction', () => {
    history.replaceState(null, '', '/');
    const { manager, config: resolved } = setup({ config });
    const causes: string[] = [];
    manager.onChange((c) => causes.push(c.cause));
    const stop = connectSensitivePages(manager, resolved);
    history.pushState({}, '', '/conditions/a');
    history.pushState({}, '', '/conditions/b');
    history.pushState({}, '', '/about');
    expect(causes).toEqual(['init', 'context', 'context']);
    stop();
  });

  it('patches history once, even when connected twice or by two copies of the SDK', () => {
    const push = history.pushState;
    patchHistory(window);
    patchHistory(window);
    expect(history.pushState).toBe(push);
    let events = 0;
    const count = () => events++;
    window.addEventListener(LOCATION_CHANGE_EVENT, count);
    history.pushState({}, '', '/one');
    expect(events).toBe(1);
    expect(location.pathname).toBe('/one');
    window.removeEventListener(LOCATION_CHANGE_EVENT, count);
  });

  it('does nothing without sensitive pages', () => {
    const { manager, config: resolved } = setup();
    connectSensitivePages(manager, resolved)();
    expect(manager.restricted()).toEqual([]);
  });
});
