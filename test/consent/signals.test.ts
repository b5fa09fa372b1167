import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config';
import { decideSignal, readSignals } from '../../src/consent';
import { healthSiteConfig } from '../fixtures/configs';

describe('readSignals', () => {
  it('reads DNT from navigator.doNotTrack, window.doNotTrack and navigator.msDoNotTrack', () => {
    expect(readSignals({ navigator: { doNotTrack: '1' } }).doNotTrack).toBe('1');
    expect(readSignals({ navigator: {}, window: { doNotTrack: '1' } }).doNotTrack).toBe('1');
    expect(readSignals({ navigator: { msDoNotTrack: '1' } }).doNotTrack).toBe('1');
    expect(readSignals({ navigator: { doNotTrack: 'yes' } }).doNotTrack).toBe('1');
    expect(readSignals({ navigator: { doNotTrack: '0' } }).doNotTrack).toBe('0');
    expect(readSignals({ navigator: { doNotTrack: 'unspecified' } }).doNotTrack).toBeNull();
    expect(readSignals({ navigator: {} }).doNotTrack).toBeNull();
  });

  it('reads GPC only when it is exactly true', () => {
    expect(readSignals({ navigator: { globalPrivacyControl: true } }).globalPrivacyControl).toBe(true);
    expect(readSignals({ navigator: { globalPrivacyControl: 'true' } }).globalPrivacyControl).toBe(false);
    expect(readSignals({ navigator: {} }).globalPrivacyControl).toBe(false);
  });

  it('never throws on hostile navigators', () => {
    const hostile = {
      get doNotTrack(): string {
        throw new Error('no');
      },
      get globalPrivacyControl(): boolean {
        throw new Error('no');
      },
    };
    expect(readSignals({ navigator: hostile })).toEqual({ doNotTrack: null, globalPrivacyControl: false });
  });
});

describe('decideSignal', () => {
  const config = resolveConfig(healthSiteConfig);

  it('records DNT as observed and not honored, with the policy reason (the default)', () => {
    expect(decideSignal('1', config.signals.doNotTrack)).toEqual({
      observed: '1',
      honored: false,
      categories: [],
      reason: 'Not honored: no common definition or industry standard for Do Not Track exists (privacy policy).',
    });
  });

  it('switches the configured categories off when a signal is honored and on', () => {
    expect(decideSignal(true, config.signals.globalPrivacyControl).categories).toEqual(['advertising']);
    expect(decideSignal(false, config.signals.globalPrivacyControl)).toMatchObject({ honored: true, categories: [] });
  });
});
