import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/consent';
import { createConsentGate } from '../src/gate';
import { healthSiteConfig } from './fixtures/configs';

// The npm face in a browser: one call installs the guards, pushes the Consent Mode default and
// mounts the UI, in the boot's order. Its own file: the guards patch this window's prototypes.
const win = window as unknown as { dataLayer?: unknown[] };
const config = { ...healthSiteConfig, googleConsentMode: { enabled: true } };
const gate = createConsentGate(config, { store: createMemoryStore(), signals: { doNotTrack: null, globalPrivacyControl: false } });
afterAll(() => (window as unknown as Record<symbol, { uninstall(): void } | undefined>)[Symbol.for('consentgate.blocking')]?.uninstall());

describe('createConsentGate in a browser (npm)', () => {
  it('installs the guards: a tracker image inserted by any code is held', () => {
    expect((window as unknown as Record<symbol, unknown>)[Symbol.for('consentgate.blocking')]).toBeTruthy();
    const img = document.createElement('img');
    img.src = 'https://www.facebook.com/tr?id=1&ev=PageView';
    document.body.append(img);
    expect(img.getAttribute('src')).not.toBe('https://www.facebook.com/tr?id=1&ev=PageView');
  });

  it('pushed the Consent Mode default before anything else', () => {
    const first = win.dataLayer?.[0] as ArrayLike<unknown> | undefined;
    expect(first && Array.from(first).slice(0, 2)).toEqual(['consent', 'default']);
  });

  it('mounted the banner and wires its API', () => {
    expect(document.querySelector('consentgate-ui')?.shadowRoot?.querySelector('[data-consentgate-banner]')).toBeTruthy();
    gate.acceptAll();
    expect(gate.isGranted('advertising', 'meta-pixel')).toBe(true);
  });

  it('with ui: false, mounts nothing more', () => {
    const before = document.querySelectorAll('consentgate-ui').length;
    createConsentGate(config, { store: createMemoryStore(), ui: false });
    expect(document.querySelectorAll('consentgate-ui').length).toBe(before);
  });
});
