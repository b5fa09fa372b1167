import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config';
import { createMemoryStore, serializeRecord } from '../../src/consent';
import {
  CONSENT_TYPES,
  connectDataLayer,
  connectGoogleConsentMode,
  connectSensitivePages,
  defaultConsentState,
  pushConsentDefault,
  type DataLayerWindow,
} from '../../src/integrations';
import type { ConsentGateConfig } from '../../src/types';
import { sampleRecord } from '../fixtures/records';
import { DENIED_DEFAULT, GPC, NO_SIGNALS, gcmConfig, gtagEntry, setup } from '../fixtures/integrations/setup';

const ALL_GRANTED = Object.fromEntries(CONSENT_TYPES.map((t) => [t, 'granted']));
const isArgs = (v: unknown) => Object.prototype.toString.call(v) === '[object Arguments]';

afterEach(() => vi.restoreAllMocks());

describe('pushConsentDefault (boot, synchronous)', () => {
  it('pushes the default for all seven types, then ads_data_redaction and url_passthrough, as gtag would', () => {
    const win: DataLayerWindow = {};
    expect(pushConsentDefault(gcmConfig, win)).toBe(true);
    expect(win.dataLayer).toStrictEqual([
      gtagEntry('consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500 }),
      gtagEntry('set', 'ads_data_redaction', true),
      gtagEntry('set', 'url_passthrough', true),
    ]);
    // gtag.js reads only Arguments objects as commands; an array would be ignored.
    expect(win.dataLayer!.every(isArgs)).toBe(true);
    expect(Object.keys((win.dataLayer![0] as IArguments)[2]).sort()).toEqual([...CONSENT_TYPES, 'wait_for_update'].sort());
  });

  it('goes before the page’s own Google tag commands and keeps what the page queued earlier', () => {
    const win: DataLayerWindow = { dataLayer: [{ 'gtm.start': 1 }] };
    pushConsentDefault(gcmConfig, win);
    // The page's snippet, after the boot: function gtag(){dataLayer.push(arguments)}
    const layer = win.dataLayer!;
    function gtag(..._: unknown[]) {
      // eslint-disable-next-line prefer-rest-params
      layer.push(arguments);
    }
    gtag('js', 'now');
    gtag('config', 'G-TEST');
    expect(layer.map((e) => (isArgs(e) ? `${(e as IArguments)[0]}:${(e as IArguments)[1]}` : 'object'))).toEqual([
      'object',
      'consent:default',
      'set:ads_data_redaction',
      'set:url_passthrough',
      'js:now',
      'config:G-TEST',
    ]);
  });

  it('defaults wait_for_update to 500 and adds region only when configured; omits set commands not configured', () => {
    const win: DataLayerWindow = {};
    pushConsentDefault({ ...gcmConfig, googleConsentMode: { enabled: true, region: ['GB', 'FR'] } }, win);
    expect(win.dataLayer).toStrictEqual([gtagEntry('consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500, region: ['GB', 'FR'] })]);
    const off: DataLayerWindow = {};
    pushConsentDefault({ ...gcmConfig, googleConsentMode: { enabled: true, waitForUpdate: 2000, adsDataRedaction: false } }, off);
    expect(off.dataLayer).toStrictEqual([
      gtagEntry('consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 2000 }),
      gtagEntry('set', 'ads_data_redaction', false),
    ]);
  });

  it('grants security_storage only when a required category maps to it; unmapped types stay denied', () => {
    const config: ConsentGateConfig = {
      ...gcmConfig,
      googleConsentMode: { enabled: true, map: { analytics: ['analytics_storage'], functional: ['security_storage'] } },
    };
    expect(defaultConsentState(config)).toEqual({ ...DENIED_DEFAULT, security_storage: 'denied' });
    const noNecessary = { ...gcmConfig, categories: gcmConfig.categories.filter((c) => c.id !== 'necessary') };
    expect(defaultConsentState(noNecessary)!.security_storage).toBe('denied');
  });

  it('the default is the same in every regime, region and signal: only what required categories map to is granted', () => {
    const optOut: ConsentGateConfig = { ...gcmConfig, mode: 'opt-out', regions: { 'US-CA': 'opt-out', GB: 'opt-in' }, signals: { doNotTrack: { mode: 'honor' } } };
    // Fail closed until the app has read the regime, the signals and the record: its start-up update follows.
    expect(defaultConsentState(optOut)).toEqual(defaultConsentState(gcmConfig));
    expect(defaultConsentState(optOut)).toEqual({ ...DENIED_DEFAULT, security_storage: 'granted' });
  });

  it('works from the raw JSON before validation and never throws, whatever it is given', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const raw = JSON.parse(JSON.stringify({ ...gcmConfig, policy: 'not an object', ui: 42 }));
    const win: DataLayerWindow = {};
    expect(pushConsentDefault(raw, win)).toBe(true);
    expect(win.dataLayer).toHaveLength(3);
    const odd: unknown[] = [
      null,
      undefined,
      'config',
      [],
      {},
      { googleConsentMode: { enabled: 'yes' } },
      { googleConsentMode: { enabled: true } },
      { googleConsentMode: { enabled: true, map: 'x', waitForUpdate: -1, region: 'GB' }, categories: 'x' },
      { googleConsentMode: { enabled: true, map: { analytics: ['bogus', 7] } }, categories: [null, 7, { id: 3 }, { id: 'analytics' }] },
      { googleConsentMode: { enabled: true }, mode: 'opt-out', regions: 'x', signals: { globalPrivacyControl: 'x' }, sensitivePages: [null, { match: 7 }], categories: [{ id: 'advertising' }] },
    ];
    for (const config of odd) {
      const w: DataLayerWindow = {};
      expect(() => pushConsentDefault(config, w)).not.toThrow();
      for (const entry of w.dataLayer ?? []) expect(isArgs(entry)).toBe(true);
    }
    // Google types only, each granted or denied; nothing pushed when Consent Mode is off.
    const w: DataLayerWindow = {};
    pushConsentDefault({ googleConsentMode: { enabled: true, map: { analytics: ['bogus', 7] } }, categories: [{ id: 'analytics' }] }, w);
    expect((w.dataLayer![0] as IArguments)[2]).toEqual({ ...DENIED_DEFAULT, security_storage: 'denied', wait_for_update: 500 });
    const none: DataLayerWindow = {};
    expect(pushConsentDefault({ googleConsentMode: { enabled: false } }, none)).toBe(false);
    expect(none.dataLayer).toBeUndefined();
    // A page whose dataLayer is not an array gets a warning, not an exception.
    expect(pushConsentDefault(gcmConfig, { dataLayer: 42 as unknown as unknown[] })).toBe(false);
    expect(warn).toHaveBeenCalled();
    // A dataLayer whose push throws (a broken tag manager) is reported, not thrown.
    const broken = { dataLayer: Object.assign([], { push: () => { throw new Error('boom'); } }) };
    expect(pushConsentDefault(gcmConfig, broken)).toBe(false);
    expect(error).toHaveBeenCalled();
  });
});

describe('connectGoogleConsentMode (app)', () => {
  function page(options: Parameters<typeof setup>[0] = {}) {
    const win: DataLayerWindow = {};
    const signals = options.signals ?? NO_SIGNALS;
    pushConsentDefault(options.config ?? gcmConfig, win);
    const core = setup({ config: gcmConfig, ...options, signals });
    const stop = connectGoogleConsentMode(core.manager, core.config, win);
    return { ...core, win, stop, layer: () => win.dataLayer! };
  }

  it('undecided visitor: the default alone at start-up, then an update after each decision, in order', () => {
    const { manager, layer } = page();
    expect(layer()).toHaveLength(3);
    manager.acceptAll('banner-accept-all');
    manager.update({ advertising: false }, 'preferences');
    manager.rejectAll('banner-reject-all');
    expect(layer()).toStrictEqual([
      gtagEntry('consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500 }),
      gtagEntry('set', 'ads_data_redaction', true),
      gtagEntry('set', 'url_passthrough', true),
      gtagEntry('consent', 'update', ALL_GRANTED),
      gtagEntry('consent', 'update', { ...ALL_GRANTED, ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }),
      gtagEntry('consent', 'update', DENIED_DEFAULT),
    ]);
  });

  it('returning visitor: an update right at start-up, straight after the default', () => {
    const stored = serializeRecord(sampleRecord({ categories: { necessary: true, functional: false, analytics: true, advertising: false, social: false } }));
    const { layer } = page({ stored });
    expect(layer()).toStrictEqual([
      gtagEntry('consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500 }),
      gtagEntry('set', 'ads_data_redaction', true),
      gtagEntry('set', 'url_passthrough', true),
      gtagEntry('consent', 'update', { ...DENIED_DEFAULT, analytics_storage: 'granted' }),
    ]);
  });

  it('with GPC honored, accept-all leaves the advertising types denied', () => {
    const { manager, layer } = page({ signals: GPC });
    manager.acceptAll('banner-accept-all');
    expect(layer().at(-1)).toStrictEqual(
      gtagEntry('consent', 'update', { ...ALL_GRANTED, ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }),
    );
  });

  it('opt-out regime with GPC: the denied default, then the regime and the signal as an update at start-up', () => {
    const config = { ...gcmConfig, mode: 'opt-out' as const };
    const { layer } = page({ config, signals: GPC });
    expect(layer()[0]).toStrictEqual(gtagEntry('consent', 'default', { ...DENIED_DEFAULT, wait_for_update: 500 }));
    expect(layer().slice(3)).toStrictEqual([
      gtagEntry('consent', 'update', { ...ALL_GRANTED, ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }),
    ]);
  });

  it('a sensitive route sends an update only when it changes what may run; another tab’s decision is sent too', () => {
    const { manager, layer, store, config } = page();
    manager.acceptAll();
    const before = layer().length;
    manager.restrict(['advertising', 'social']);
    expect(layer().slice(before)).toStrictEqual([
      gtagEntry('consent', 'update', { ...ALL_GRANTED, ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }),
    ]);
    manager.restrict(['advertising']);
    expect(layer()).toHaveLength(before + 1); // social maps to no Google type: nothing to say
    manager.restrict([]);
    expect(layer().at(-1)).toStrictEqual(gtagEntry('consent', 'update', ALL_GRANTED));

    // Another tab rejects: this tab re-reads the cookie and tells Google.
    const other = setup({ config: gcmConfig, store });
    other.manager.rejectAll();
    manager.sync();
    expect(layer().at(-1)).toStrictEqual(gtagEntry('consent', 'update', DENIED_DEFAULT));
    expect(config.googleConsentMode?.enabled).toBe(true);
  });

  it('Consent Mode update precedes the tag-manager event when connected in that order', () => {
    const win: DataLayerWindow = {};
    pushConsentDefault(gcmConfig, win);
    const { manager, config } = setup({ config: gcmConfig });
    connectGoogleConsentMode(manager, config, win);
    connectDataLayer(manager, win);
    manager.acceptAll('banner-accept-all');
    const tail = win.dataLayer!.slice(3);
    expect(tail[0]).toStrictEqual(gtagEntry('consent', 'update', ALL_GRANTED));
    expect(tail[1]).toMatchObject({ event: 'consentgate_update' });
  });

  it('does nothing when Consent Mode is off or the config invalid, and stops on unsubscribe', () => {
    const win: DataLayerWindow = {};
    const off = setup();
    connectGoogleConsentMode(off.manager, off.config, win)();
    connectGoogleConsentMode(off.manager, null, win);
    off.manager.acceptAll();
    expect(win.dataLayer).toBeUndefined();
    const { manager, layer, stop } = page();
    stop();
    manager.acceptAll();
    expect(layer()).toHaveLength(3);
  });

  it('opt-out on a sensitive page: the start-up update grants what the page allows, not the restricted categories', () => {
    history.replaceState(null, '', '/conditions/hiv');
    try {
      const config: ConsentGateConfig = { ...gcmConfig, mode: 'opt-out', sensitivePages: [{ match: '/conditions/**' }] };
      const win: DataLayerWindow = {};
      pushConsentDefault(config, win);
      expect((win.dataLayer![0] as IArguments)[2]).toMatchObject({ ad_storage: 'denied', analytics_storage: 'denied' });
      const { manager, config: resolved } = setup({ config });
      connectSensitivePages(manager, resolved); // connected before Consent Mode, as the gate does
      connectGoogleConsentMode(manager, resolved, win);
      expect(win.dataLayer!.slice(3)).toStrictEqual([
        gtagEntry('consent', 'update', { ...ALL_GRANTED, ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }),
      ]);
    } finally {
      history.replaceState(null, '', '/');
    }
  });

  it('an invalid config fails closed: a default the boot pushed from the raw JSON is taken back', () => {
    const win: DataLayerWindow = {};
    pushConsentDefault({ ...gcmConfig, mode: 'opt-out', policy: 42 }, win);
    expect((win.dataLayer![0] as IArguments)[2]).toMatchObject({ security_storage: 'granted' });
    const { manager } = setup();
    connectGoogleConsentMode(manager, null, win);
    expect(win.dataLayer!.slice(3)).toStrictEqual([gtagEntry('consent', 'update', { ...DENIED_DEFAULT, security_storage: 'denied' })]);
    // Nothing pushed by the boot, nothing to take back.
    const clean: DataLayerWindow = {};
    connectGoogleConsentMode(manager, null, clean);
    expect(clean.dataLayer).toBeUndefined();
  });

  it('a custom map sends the mapped types', () => {
    const config: ConsentGateConfig = { ...gcmConfig, googleConsentMode: { enabled: true, map: { analytics: ['analytics_storage', 'ad_storage'], necessary: ['security_storage'] } } };
    const win: DataLayerWindow = {};
    const { manager } = setup({ config, store: createMemoryStore() });
    connectGoogleConsentMode(manager, resolveConfig(config), win);
    manager.update({ analytics: true }, 'preferences');
    // No default in this dataLayer: the start-up state is sent as an update. Then ad_storage follows
    // analytics alone, the only category mapped to it here.
    expect(win.dataLayer).toStrictEqual([
      gtagEntry('consent', 'update', DENIED_DEFAULT),
      gtagEntry('consent', 'update', { ...DENIED_DEFAULT, analytics_storage: 'granted', ad_storage: 'granted' }),
    ]);
  });

  it('a region the site chose (data-region or setRegion): the default is the same, the start-up update carries the regime', () => {
    const config: ConsentGateConfig = { ...gcmConfig, regions: { 'US-CA': 'opt-out', default: 'opt-in' } };
    const win: DataLayerWindow = {};
    pushConsentDefault(config, win);
    const { manager, config: resolved } = setup({ config, region: 'US-CA' });
    connectGoogleConsentMode(manager, resolved, win);
    expect(win.dataLayer!.slice(3)).toStrictEqual([gtagEntry('consent', 'update', ALL_GRANTED)]);
    // The default regime (opt-in) matches the default: nothing to update.
    const same: DataLayerWindow = {};
    pushConsentDefault(config, same);
    const again = setup({ config, region: 'GB' });
    connectGoogleConsentMode(again.manager, again.config, same);
    expect(same.dataLayer).toHaveLength(3);
  });
});
