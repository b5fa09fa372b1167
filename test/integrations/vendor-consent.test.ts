import { describe, expect, it, vi } from 'vitest';
import registry from '../../src/blocking/service-registry.json';
import { serializeRecord } from '../../src/consent';
import { connectVendorConsent, type VendorService, type VendorWindow } from '../../src/integrations';
import type { ConsentGateConfig } from '../../src/types';
import fixture from '../fixtures/integrations/vendor-services.json';
import { sampleRecord } from '../fixtures/records';
import { GPC, setup } from '../fixtures/integrations/setup';
import { healthSiteConfig } from '../fixtures/configs';

const services: VendorService[] = fixture.services;

/** Vendor globals as their snippets define them before the real library loads, recording calls. */
function vendorWindow() {
  const calls: unknown[][] = [];
  const win: VendorWindow & { uetq?: unknown[] } = {
    fbq: (...args: unknown[]) => calls.push(['fbq', ...args]),
    clarity: (...args: unknown[]) => calls.push(['clarity', ...args]),
    ttq: {
      holdConsent: () => calls.push(['ttq.holdConsent']),
      grantConsent: () => calls.push(['ttq.grantConsent']),
      revokeConsent: () => calls.push(['ttq.revokeConsent']),
    },
  };
  return { win, calls };
}

const uet = (win: VendorWindow) => win.uetq as unknown[];

describe('connectVendorConsent', () => {
  it('before a decision (opt-in): Meta revoked, TikTok held, Clarity denied, UET default denied (queued)', () => {
    const { win, calls } = vendorWindow();
    const { manager } = setup();
    connectVendorConsent(manager, services, win);
    expect(calls).toEqual([
      ['fbq', 'consent', 'revoke'],
      ['ttq.holdConsent'],
      ['clarity', 'consentv2', { ad_Storage: 'denied', analytics_Storage: 'denied' }],
    ]);
    expect(uet(win)).toEqual(['consent', 'default', { ad_storage: 'denied' }]);
  });

  it('accept-all grants each vendor once; reject-all revokes; unchanged states are not repeated', () => {
    const { win, calls } = vendorWindow();
    const { manager } = setup();
    connectVendorConsent(manager, services, win);
    calls.length = 0;
    manager.acceptAll('banner-accept-all');
    expect(calls).toEqual([
      ['fbq', 'consent', 'grant'],
      ['ttq.grantConsent'],
      ['clarity', 'consentv2', { ad_Storage: 'granted', analytics_Storage: 'granted' }],
    ]);
    manager.update({ social: false }, 'preferences');
    expect(calls).toHaveLength(3);
    manager.rejectAll('banner-reject-all');
    expect(calls.slice(3)).toEqual([
      ['fbq', 'consent', 'revoke'],
      ['ttq.revokeConsent'],
      ['clarity', 'consentv2', { ad_Storage: 'denied', analytics_Storage: 'denied' }],
    ]);
    expect(uet(win)).toEqual([
      'consent', 'default', { ad_storage: 'denied' },
      'consent', 'update', { ad_storage: 'granted' },
      'consent', 'update', { ad_storage: 'denied' },
    ]);
  });

  it('Clarity: analytics_Storage follows Clarity’s category, ad_Storage also needs advertising', () => {
    const { win, calls } = vendorWindow();
    const { manager } = setup({ signals: GPC });
    connectVendorConsent(manager, services, win);
    manager.acceptAll('banner-accept-all');
    expect(calls.filter((c) => c[0] === 'clarity').at(-1)).toEqual(['clarity', 'consentv2', { ad_Storage: 'denied', analytics_Storage: 'granted' }]);
    expect(calls.filter((c) => c[0] === 'fbq').at(-1)).toEqual(['fbq', 'consent', 'revoke']); // GPC
  });

  it('a per-service choice counts: Meta revoked while the rest of advertising is granted', () => {
    const { win, calls } = vendorWindow();
    const { manager } = setup();
    connectVendorConsent(manager, services, win);
    manager.update({ advertising: true, 'advertising.meta-pixel': false }, 'preferences');
    expect(calls.filter((c) => c[0] === 'fbq')).toEqual([['fbq', 'consent', 'revoke']]);
    expect(calls).toContainEqual(['ttq.grantConsent']);
  });

  it('returning visitor: the stored state at start-up', () => {
    const { win, calls } = vendorWindow();
    const record = sampleRecord({ categories: { necessary: true, analytics: true, advertising: true } });
    record.signals.globalPrivacyControl = { observed: false, honored: true, categories: [], reason: 'Honored.' };
    const { manager } = setup({ stored: serializeRecord(record) });
    connectVendorConsent(manager, services, win);
    expect(calls).toContainEqual(['fbq', 'consent', 'grant']);
    expect(calls).toContainEqual(['ttq.grantConsent']);
    expect(uet(win)).toEqual(['consent', 'default', { ad_storage: 'granted' }]);
  });

  it('vendors not on the page are not called (and not created, except the UET queue); refresh() reaches them once they are', () => {
    const win: VendorWindow = {};
    const { manager } = setup();
    const handle = connectVendorConsent(manager, services, win);
    manager.acceptAll();
    expect(win.fbq).toBeUndefined();
    expect(win.ttq).toBeUndefined();
    expect(win.clarity).toBeUndefined();
    expect(uet(win)).toEqual(['consent', 'default', { ad_storage: 'denied' }, 'consent', 'update', { ad_storage: 'granted' }]);
    // The blocking layer released the Meta snippet: its fbq stub now exists.
    const fbq = vi.fn();
    win.fbq = fbq;
    handle.refresh();
    handle.refresh();
    expect(fbq.mock.calls).toEqual([['consent', 'grant']]);
  });

  it('UET: works with the live UET object bat.js puts in place of the queue', () => {
    const pushed: unknown[][] = [];
    const win: VendorWindow = { uetq: { push: (...args: unknown[]) => pushed.push(args) } };
    const { manager } = setup();
    connectVendorConsent(manager, services, win);
    manager.acceptAll();
    expect(pushed).toEqual([
      ['consent', 'default', { ad_storage: 'denied' }],
      ['consent', 'update', { ad_storage: 'granted' }],
    ]);
  });

  it('a vendor global that throws is reported; the others still hear', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { win, calls } = vendorWindow();
    win.fbq = () => { throw new Error('fbq broke'); };
    const { manager } = setup();
    connectVendorConsent(manager, services, win);
    expect(calls).toContainEqual(['ttq.holdConsent']);
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });

  it('google services are Consent Mode’s, not called here; no consentApi, no call; unsubscribe stops', () => {
    const win: VendorWindow & { gtag?: unknown } = { gtag: vi.fn() };
    const { manager } = setup();
    const stop = connectVendorConsent(manager, services.filter((s) => s.consentApi === 'google' || !s.consentApi), win);
    manager.acceptAll();
    expect(win.gtag).not.toHaveBeenCalled();
    expect(win.uetq).toBeUndefined();
    stop();
    const { win: w2, calls } = vendorWindow();
    const stop2 = connectVendorConsent(manager, services, w2);
    stop2();
    calls.length = 0;
    manager.rejectAll();
    expect(calls).toEqual([]);
  });

  it('drives every consentApi the built-in registry uses', () => {
    const apis = new Set(registry.services.flatMap((s) => ('consentApi' in s && typeof s.consentApi === 'string' ? [s.consentApi] : [])));
    expect([...apis].sort()).toEqual(['clarity', 'google', 'meta', 'tiktok', 'uet']);
    const { win, calls } = vendorWindow();
    const config: ConsentGateConfig = healthSiteConfig;
    const { manager } = setup({ config });
    connectVendorConsent(manager, registry.services as VendorService[], win);
    expect(calls.map((c) => c[0])).toEqual(['fbq', 'ttq.holdConsent', 'clarity']);
    expect(uet(win)).toHaveLength(3);
  });
});
