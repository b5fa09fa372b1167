import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config';
import { categoryText, isRtl, pickLanguage, translator } from '../../src/ui/texts';
import { minimalConfig } from '../fixtures/configs';

const config = (language?: string) => resolveConfig({ ...minimalConfig, language });

function fakeDoc(htmlLang: string, languages: string[]): Document {
  return {
    documentElement: { lang: htmlLang },
    defaultView: { navigator: { languages, language: languages[0] } },
  } as unknown as Document;
}

describe('pickLanguage', () => {
  const available = ['en', 'es', 'fr', 'de', 'ar', 'pt-BR'];

  it('uses config.language when it is not auto', () => {
    expect(pickLanguage(config('de'), fakeDoc('fr', ['es']), available)).toBe('de');
  });

  it('auto: <html lang> first, then the browser languages', () => {
    expect(pickLanguage(config('auto'), fakeDoc('fr', ['es']), available)).toBe('fr');
    expect(pickLanguage(config(), fakeDoc('', ['es-MX', 'en']), available)).toBe('es');
    expect(pickLanguage(config(), fakeDoc('it', ['ja', 'de-AT']), available)).toBe('de');
  });

  it('tries the tag as written, then its primary subtag, case-insensitively', () => {
    expect(pickLanguage(config(), fakeDoc('pt-br', []), available)).toBe('pt-BR');
    expect(pickLanguage(config(), fakeDoc('FR-ca', []), available)).toBe('fr');
  });

  it('falls back to English when nothing matches', () => {
    expect(pickLanguage(config(), fakeDoc('it', ['ja']), available)).toBe('en');
    expect(pickLanguage(config('it'), fakeDoc('de', ['de']), available)).toBe('en');
  });
});

describe('isRtl', () => {
  it.each(['ar', 'he', 'fa', 'ur', 'ar-EG', 'HE-il'])('%s is right-to-left', (lang) => expect(isRtl(lang)).toBe(true));
  it.each(['en', 'de', 'fr', 'es', 'arn', 'hr'])('%s is left-to-right', (lang) => expect(isRtl(lang)).toBe(false));
});

describe('translator', () => {
  const t = translator({ placeholderTitle: '{provider} content is blocked', serviceCount: '{count} services', bannerTitle: '<b>{x}</b>' });

  it('replaces {provider}, {category}, {count}', () => {
    expect(t('placeholderTitle', { provider: 'YouTube' })).toBe('YouTube content is blocked');
    expect(t('serviceCount', { count: 3 })).toBe('3 services');
  });

  it('leaves unknown placeholders and markup alone (rendered as text later)', () => {
    expect(t('bannerTitle')).toBe('<b>{x}</b>');
  });

  it('gives an empty string for a missing key', () => {
    expect(t('close')).toBe('');
  });
});

describe('categoryText', () => {
  const t = translator({ 'category.analytics.title': 'Analytics', 'category.analytics.description': 'Measure.' });
  const [, analytics, custom] = resolveConfig({
    policy: { version: '1' },
    categories: [{ id: 'necessary', required: true }, { id: 'analytics' }, { id: 'research', title: 'Research', description: 'Studies.' }],
  }).categories;

  it("prefers the config's own title and description", () => {
    expect(categoryText(t, custom!, 'title')).toBe('Research');
    expect(categoryText(t, custom!, 'description')).toBe('Studies.');
  });

  it('falls back to the category.<id>.* texts, then the id', () => {
    expect(categoryText(t, analytics!, 'title')).toBe('Analytics');
    expect(categoryText(t, analytics!, 'description')).toBe('Measure.');
    expect(categoryText(translator({}), analytics!, 'title')).toBe('analytics');
    expect(categoryText(translator({}), analytics!, 'description')).toBe('');
  });
});
