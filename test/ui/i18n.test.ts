import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import en from '../../src/ui/i18n/en.json';
import es from '../../src/ui/i18n/es.json';
import fr from '../../src/ui/i18n/fr.json';
import de from '../../src/ui/i18n/de.json';
import ar from '../../src/ui/i18n/ar.json';

type Texts = Record<string, unknown>;

const languages: Record<string, Texts> = { en, es, fr, de, ar };
const translations = Object.entries(languages).filter(([lang]) => lang !== 'en');

/** The keys the UI reads; en.json must provide exactly these. */
const REQUIRED_KEYS = [
  'bannerTitle', 'bannerText', 'acceptAll', 'rejectAll', 'manage', 'privacyPolicy',
  'preferencesTitle', 'preferencesText', 'save', 'close', 'alwaysOn', 'services',
  'cookieName', 'cookieProvider', 'cookiePurpose', 'cookieLifetime', 'cookieType',
  'session', 'persistent', 'optOut', 'doNotSell', 'optOutDone', 'changeChoices',
  'cookieSettings', 'placeholderTitle', 'placeholderText', 'placeholderLoad',
  'thirdPartyOptOut', 'sensitivePage', 'optOutNotice', 'doNotTrackStatement',
  'gpcStatement', 'gpcHonored', 'necessaryLocked', 'serviceCount', 'noCookies',
  'consentCookieTitle', 'consentCookieProvider', 'consentCookiePurpose',
  ...['necessary', 'functional', 'analytics', 'advertising', 'social'].flatMap((c) => [
    `category.${c}.title`,
    `category.${c}.description`,
  ]),
];

/** `{name}` placeholders in a text, sorted and de-duplicated. */
function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
}

describe('built-in UI texts', () => {
  it('en.json has exactly the keys the UI reads', () => {
    expect(Object.keys(en).sort()).toEqual([...REQUIRED_KEYS].sort());
  });

  it.each(translations)('%s has exactly the English key set', (_lang, texts) => {
    const enKeys = Object.keys(en);
    const keys = Object.keys(texts);
    expect(enKeys.filter((k) => !keys.includes(k)), 'missing keys').toEqual([]);
    expect(keys.filter((k) => !enKeys.includes(k)), 'extra keys').toEqual([]);
  });

  it.each(Object.entries(languages))('%s: every text is a non-empty string', (_lang, texts) => {
    for (const [key, value] of Object.entries(texts)) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });

  it.each(Object.entries(languages))('%s: no HTML markup', (_lang, texts) => {
    for (const [key, value] of Object.entries(texts)) {
      expect(String(value), key).not.toContain('<');
    }
  });

  it.each(Object.entries(languages))('%s: braces only as well-formed {placeholders}', (_lang, texts) => {
    for (const [key, value] of Object.entries(texts)) {
      expect(String(value).replace(/\{\w+\}/g, ''), key).not.toMatch(/[{}]/);
    }
  });

  it.each(translations)('%s keeps the English placeholders, and adds none', (_lang, texts) => {
    for (const [key, value] of Object.entries(en)) {
      expect(placeholders(String(texts[key] ?? '')), key).toEqual(placeholders(value));
    }
  });

  it('English placeholders are the documented ones', () => {
    const used = new Set(Object.values(en).flatMap(placeholders));
    expect([...used].sort()).toEqual(['category', 'count', 'provider']);
  });

  it('ar.json is Arabic script throughout (right-to-left)', () => {
    for (const [key, value] of Object.entries(ar)) {
      expect(value, key).toMatch(/\p{Script=Arabic}/u);
    }
  });

  // 1150: the texts grew by the declaration of the SDK's own cookie (title, provider, purpose).
  it('en.json gzips to at most 1150 bytes', () => {
    const size = gzipSync(JSON.stringify(en)).length;
    expect(size).toBeLessThanOrEqual(1150);
  });
});
