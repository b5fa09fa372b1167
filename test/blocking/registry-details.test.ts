/**
 * The registry's details apart (the script tag's lazily loaded consentgate-registry.js): merged
 * back into a catalog built from the registry without them, they give the full catalog; the
 * config's own values win; the loader loads once and never throws.
 */
import { describe, expect, it, vi } from 'vitest';
import { createServiceCatalog, type ServiceRegistry } from '../../src/blocking';
import { addRegistryDetails, detailsOnDemand, loadRegistryDetails, type RegistryDetails } from '../../src/blocking/registry-details';
import registry from '../../src/blocking/service-registry.json';

/** The split the build makes (rollup.config.mjs, splitRegistry), done here on the checked-in JSON. */
function split(full: ServiceRegistry): { core: ServiceRegistry; details: RegistryDetails } {
  const details: Record<string, object> = {};
  const services = full.services.map(({ description, privacyPolicyUrl, optOutUrl, ...core }) => {
    details[core.id] = { description, privacyPolicyUrl, optOutUrl, cookies: core.cookies?.map(({ name, purpose, lifetime }) => ({ name, purpose, lifetime })) };
    return { ...core, cookies: core.cookies?.map(({ name, storage }) => (storage ? { name, storage } : { name })) };
  });
  return { core: { services }, details };
}

const full = registry as ServiceRegistry;
const categories = [
  { id: 'analytics', services: [{ id: 'google-analytics', description: 'Our own words.', cookies: [{ name: '_ga', purpose: 'Ours.' }, { name: 'extra', purpose: 'Extra.' }] }] },
  { id: 'social', services: [{ id: 'youtube' }, { id: 'custom-chat', domains: ['chat.example'], description: 'Chat.' }] },
];

describe('addRegistryDetails', () => {
  it('turns the catalog of the registry without details into the catalog of the full registry', () => {
    const { core, details } = split(full);
    expect(JSON.stringify(core)).not.toContain('Identifies the visitor');
    const slim = createServiceCatalog({ registry: core, configCategories: categories, pageHost: 'shop.example' });
    addRegistryDetails(slim, details);
    const whole = createServiceCatalog({ registry: full, configCategories: categories, pageHost: 'shop.example' });
    // Same values (undefined fields aside: the merge writes them, a spread leaves them out).
    const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    expect(plain(slim.services)).toEqual(plain(whole.services));
  });

  it('keeps what the config says, adds only what it leaves out', () => {
    const { core, details } = split(full);
    const catalog = createServiceCatalog({ registry: core, configCategories: categories, pageHost: 'shop.example' });
    addRegistryDetails(catalog, details);
    const ga = catalog.byId('google-analytics')!;
    expect(ga.description).toBe('Our own words.');
    expect(ga.privacyPolicyUrl).toBe('https://policies.google.com/privacy');
    expect(ga.cookies.filter((k) => k.name === '_ga')).toEqual([
      { name: '_ga', purpose: 'Identifies the visitor.', lifetime: '2 years' },
      { name: '_ga', purpose: 'Ours.' },
    ]);
    expect(ga.cookies.find((k) => k.name === '_gid')).toMatchObject({ purpose: 'Identifies the visitor.', lifetime: '24 hours' });
    expect(ga.cookies.find((k) => k.name === 'extra')).toEqual({ name: 'extra', purpose: 'Extra.' });
    expect(catalog.byId('custom-chat')).toMatchObject({ description: 'Chat.', custom: true });
  });

  it('ignores ids it does not know, and gives custom services nothing (even one named like a registry entry\'s inherited key)', () => {
    const { core } = split(full);
    const catalog = createServiceCatalog({ registry: core, configCategories: [{ id: 'analytics', services: [{ id: 'constructor', domains: ['c.example'] }] }], pageHost: 'shop.example' });
    expect(() => addRegistryDetails(catalog, { nope: { description: 'x' } })).not.toThrow();
    expect(catalog.byId('google-analytics')!.description).toBeUndefined();
    expect(catalog.byId('constructor')!.description).toBeUndefined();
  });
});

describe('detailsOnDemand', () => {
  const services = () => createServiceCatalog({ registry: split(full).core, pageHost: 'shop.example' });

  it('loads once, calls each distinct ready once when the details are in, then answers true', async () => {
    const catalog = services();
    let hand!: (d: RegistryDetails) => void;
    const load = vi.fn(() => new Promise<RegistryDetails>((done) => (hand = done)));
    const details = detailsOnDemand(catalog, load);
    const paint = vi.fn(() => expect(catalog.byId('youtube')!.description).toBeTruthy());
    expect(details(paint)).toBe(false);
    expect(details(paint)).toBe(false);
    const other = vi.fn();
    expect(details(other)).toBe(false);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    hand(split(full).details);
    await vi.waitFor(() => expect(paint).toHaveBeenCalledTimes(1));
    expect(other).toHaveBeenCalledTimes(1);
    expect(details(paint)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a failed load is reported once; the catalog is then taken as it is (no retry on every paint)', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const load = vi.fn(() => Promise.reject(new Error('blocked by CSP')));
    const details = detailsOnDemand(services(), load);
    const ready = vi.fn();
    expect(details(ready)).toBe(false);
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(1));
    expect(details(ready)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]![1])).toContain('could not be loaded');
    error.mockRestore();
  });

  it('a loader that throws is a failed load, not an exception in the UI', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const details = detailsOnDemand(services(), () => {
      throw new Error('no document');
    });
    const ready = vi.fn();
    expect(() => details(ready)).not.toThrow();
    await vi.waitFor(() => expect(ready).toHaveBeenCalled());
    error.mockRestore();
  });
});

describe('loadRegistryDetails', () => {
  /** A document stand-in: records the script it is given (happy-dom would fetch it). */
  function fakeDocument() {
    const scripts: Array<Record<string, unknown> & { onload?: () => void; onerror?: () => void }> = [];
    const doc = { createElement: () => ({}), head: { appendChild: (s: (typeof scripts)[number]) => scripts.push(s) } };
    return { doc: doc as unknown as Document, scripts };
  }

  it('adds one async script with the URL, nonce and crossorigin, and resolves with what the file hands over', async () => {
    const { doc, scripts } = fakeDocument();
    const receiver: { registryDetails?: (d: RegistryDetails) => void } = {};
    const loading = loadRegistryDetails(receiver, 'https://cdn.example/cg/consentgate-registry.js', { nonce: 'n0nce', crossOrigin: 'anonymous' }, doc);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatchObject({ src: 'https://cdn.example/cg/consentgate-registry.js', async: true, nonce: 'n0nce', crossOrigin: 'anonymous' });
    receiver.registryDetails!({ youtube: { description: 'Video.' } });
    scripts[0]!.onload!();
    await expect(loading).resolves.toEqual({ youtube: { description: 'Video.' } });
  });

  it('rejects when the file fails to load, or loads without handing anything over', async () => {
    const one = fakeDocument();
    const failing = loadRegistryDetails({}, '/x.js', {}, one.doc);
    expect(one.scripts[0]!.nonce).toBeUndefined();
    one.scripts[0]!.onerror!();
    await expect(failing).rejects.toThrow('/x.js could not be loaded');
    const two = fakeDocument();
    const silent = loadRegistryDetails({}, '/y.js', {}, two.doc);
    two.scripts[0]!.onload!();
    await expect(silent).rejects.toThrow('did not hand over');
  });
});
