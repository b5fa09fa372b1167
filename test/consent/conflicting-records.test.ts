/**
 * Several consent cookies, none the site's own (issue 16, item 6): the store lists them, and the
 * manager keeps only what all of them grant, written as the site's record from then on.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore, type ConsentStore } from '../../src/consent';
import { setup } from '../fixtures/integrations/setup';

/** The records a visitor's earlier decisions left, as `update()` calls on a fresh manager make them. */
function recordOf(...decisions: Array<Record<string, boolean> | 'accept' | 'reject'>): string {
  const { manager, store } = setup();
  for (const d of decisions) d === 'accept' ? manager.acceptAll() : d === 'reject' ? manager.rejectAll() : manager.update(d);
  return store.read()!;
}

/** A store that, like the cookie store, could not tell its own among `values`. */
function conflictStore(values: string[]): ConsentStore & { writes: string[] } {
  const memory = createMemoryStore();
  const writes: string[] = [];
  let seen = values;
  return {
    kind: 'cookie',
    writes,
    read: () => memory.read(),
    conflicting: () => seen,
    write(value, days) {
      writes.push(value);
      seen = [];
      return memory.write(value, days);
    },
    clear: () => memory.clear(),
  };
}

describe('conflicting records', () => {
  it('grants a category or service only where every record does', () => {
    const granting = recordOf('accept');
    const partial = recordOf({ analytics: true, social: false, 'social.youtube': true, 'analytics.hotjar': false });
    const store = conflictStore([granting, partial, 'not json']);
    const { manager } = setup({ store });
    expect(manager.hasDecision()).toBe(true);
    expect(manager.storedStatus).toBe('ok');
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('analytics', 'hotjar')).toBe(false);
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('social')).toBe(false);
    expect(manager.isGranted('social', 'youtube')).toBe(true);
    expect(manager.isGranted('social', 'x-widgets')).toBe(false);
    // Written once, as the site's record: the next read finds it alone.
    expect(store.writes).toHaveLength(1);
    expect(JSON.parse(store.writes[0]!).categories).toEqual({ necessary: true, functional: false, analytics: true, advertising: false, social: false });
  });

  it('takes a service the other record does not name from its category there', () => {
    const store = conflictStore([recordOf('reject', { 'advertising.meta-pixel': true }), recordOf({ advertising: true })]);
    expect(setup({ store }).manager.isGranted('advertising', 'meta-pixel')).toBe(true);
    const denied = conflictStore([recordOf('reject', { 'advertising.meta-pixel': true }), recordOf('reject')]);
    expect(setup({ store: denied }).manager.isGranted('advertising', 'meta-pixel')).toBe(false);
  });

  it('asks again when no record among them is valid', () => {
    const store = conflictStore(['{}', 'x']);
    const { manager } = setup({ store });
    expect(manager.hasDecision()).toBe(false);
    expect(manager.storedStatus).toBe('invalid');
    expect(store.writes).toEqual([]);
  });
});
