/**
 * Service and category names that `Object.prototype` also has (issue 16, item 2): `constructor`,
 * `toString`, `hasOwnProperty`, `__proto__` as a service asked about, a config service or an
 * update key count as granted only when the visitor granted them, and every answer is a boolean.
 */
import { describe, expect, it } from 'vitest';
import type { ConsentGateConfig } from '../../src/types';
import { setup } from '../fixtures/integrations/setup';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

const withConstructor: ConsentGateConfig = {
  policy: { version: '1' },
  categories: [
    { id: 'necessary', required: true },
    { id: 'advertising', services: [{ id: 'constructor', domains: ['tracker.example'] }, { id: 'acme' }] },
  ],
};

describe('isGranted with prototype names', () => {
  it('answers false, a boolean, for an unknown service named after a prototype property', () => {
    const { manager } = setup();
    for (const decide of [() => undefined, () => manager.rejectAll(), () => manager.update({ advertising: false })]) {
      decide();
      for (const name of PROTOTYPE_NAMES) {
        expect(manager.isGranted('advertising', name), name).toBe(false);
        expect(manager.isGranted(name), name).toBe(false);
        expect(manager.isGranted(name, name), name).toBe(false);
      }
    }
  });

  it('reads the same after the record went through the store', () => {
    const first = setup();
    first.manager.rejectAll();
    const { manager } = setup({ stored: first.store.read() });
    expect(manager.hasDecision()).toBe(true);
    for (const name of PROTOTYPE_NAMES) expect(manager.isGranted('advertising', name), name).toBe(false);
  });

  it('takes a service of an accepted category as granted, and answers true, not the prototype value', () => {
    const { manager } = setup();
    manager.acceptAll();
    expect(manager.isGranted('advertising', 'toString')).toBe(true);
  });

  it('keeps a config service "constructor" blocked until it is granted, and grants it alone', () => {
    const { manager, stored } = setup({ config: withConstructor });
    manager.rejectAll();
    expect(manager.isGranted('advertising', 'constructor')).toBe(false);
    manager.update({ constructor: true });
    expect(manager.isGranted('advertising', 'constructor')).toBe(true);
    expect(manager.isGranted('advertising', 'acme')).toBe(false);
    expect(stored()!.services).toEqual({ constructor: true });
    manager.update({ 'advertising.constructor': false });
    expect(manager.isGranted('advertising', 'constructor')).toBe(false);
  });

  it('records a "__proto__" service choice as the visitor made it', () => {
    const { manager, store } = setup();
    manager.rejectAll();
    manager.update({ 'advertising.__proto__': true });
    expect(manager.isGranted('advertising', '__proto__')).toBe(true);
    expect(manager.isGranted('advertising', 'meta-pixel')).toBe(false);
    expect(JSON.parse(store.read()!).services).toEqual(JSON.parse('{"__proto__": true}'));
    const again = setup({ stored: store.read() }).manager;
    expect(again.isGranted('advertising', '__proto__')).toBe(true);
    expect(again.isGranted('advertising', 'constructor')).toBe(false);
  });

  it('lists in its changes only the services granted', () => {
    const { manager } = setup({ config: withConstructor });
    let services: string[] = [];
    manager.onChange((change) => (services = change.services));
    manager.rejectAll();
    expect(services).toEqual([]);
  });
});
