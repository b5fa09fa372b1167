// @vitest-environment-options {"settings":{"enableIframePageLoading":true}}
import { fireEvent } from '@testing-library/preact';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeRecord } from '../../src/consent';
import type { ThemeConfig } from '../../src/types';
import { mountPanels, type LoadPanels, type MountPanels } from '../../src/ui';
import { healthSiteConfig } from '../fixtures/configs';
import { sampleRecord } from '../fixtures/records';
import { fakeBlocking, setup, teardown } from '../fixtures/ui/setup';

afterEach(() => {
  teardown();
  vi.restoreAllMocks();
});

describe('mountUi: where the UI lives', () => {
  it('puts banner and preferences in an OPEN shadow root on a host appended to <body>', () => {
    const { root, ui } = setup({}, { html: '<main><p>Page</p></main>' });
    const host = document.querySelector('consentgate-ui')!;
    expect(host.parentElement).toBe(document.body);
    expect(document.body.lastElementChild).toBe(host);
    expect(host.shadowRoot).toBe(root());
    expect(root().mode).toBe('open');
    ui.showPreferences();
    // The stable hooks are reachable from the page through the open root.
    for (const hook of ['banner', 'accept-all', 'reject-all', 'manage', 'preferences']) {
      expect(host.shadowRoot!.querySelector(`[data-consentgate-${hook}]`), hook).not.toBeNull();
    }
  });

  it('injects the styles as <style> elements in the shadow root (the shell’s, then the panels’), with the configured nonce', () => {
    const { root } = setup({ ui: { nonce: 'r4nd0m' } });
    const styles = [...root().querySelectorAll('style')];
    expect(styles).toHaveLength(2);
    for (const style of styles) expect(style.getAttribute('nonce')).toBe('r4nd0m');
    const [shell, panels] = styles.map((s) => s.textContent);
    expect(shell).toContain('--cg-accent');
    expect(shell).toMatch(/@media ?\(prefers-color-scheme:dark\)/);
    expect(panels).toMatch(/@media ?\(prefers-reduced-motion:no-preference\)/);
    expect(document.head.querySelector('style')).toBeNull(); // nothing in the page's own styles
  });

  it('has no nonce attribute without one', () => {
    expect(setup().root().querySelector('style')!.hasAttribute('nonce')).toBe(false);
  });

  it('sets ui.theme overrides on the host through CSSOM (setProperty), --cg-* only', () => {
    const setProperty = vi.spyOn(CSSStyleDeclaration.prototype, 'setProperty');
    setup({ ui: { theme: { '--cg-accent': '#0a5c36', '--cg-radius': '0', color: 'red' } as ThemeConfig } }, { unvalidated: true });
    const host = document.querySelector<HTMLElement>('consentgate-ui')!;
    expect(host.style.getPropertyValue('--cg-accent')).toBe('#0a5c36');
    expect(host.style.getPropertyValue('--cg-radius')).toBe('0');
    expect(host.style.getPropertyValue('color')).toBe('');
    expect(setProperty).toHaveBeenCalledWith('--cg-accent', '#0a5c36');
    // (happy-dom writes the attribute itself inside setProperty; the source test below checks ours.)
  });

  it('never applies a theme value that is not of its kind, even from an unvalidated config (no url() fetch)', () => {
    const setProperty = vi.spyOn(CSSStyleDeclaration.prototype, 'setProperty');
    setup({ ui: { theme: { '--cg-accent': 'url(https://www.facebook.com/tr)', '--cg-font': 'x, image-set("https://t.example/p.png" 1x)', '--cg-x': '#fff', '--cg-fg': '#111' } as ThemeConfig } }, { unvalidated: true });
    const host = document.querySelector<HTMLElement>('consentgate-ui')!;
    expect(host.style.getPropertyValue('--cg-accent')).toBe('');
    expect(setProperty.mock.calls.filter(([name]) => name.startsWith('--cg-'))).toEqual([['--cg-fg', '#111']]);
  });

  it('theme values cannot inject other declarations', () => {
    setup({ ui: { theme: { '--cg-accent': 'red; position: absolute' } } }, { unvalidated: true });
    const host = document.querySelector<HTMLElement>('consentgate-ui')!;
    expect(host.style.getPropertyValue('position')).toBe('');
  });

  it('unmount() removes every host, restores embeds, and stops listening', async () => {
    const blocking = fakeBlocking();
    const { ui, manager } = setup({}, { html: '<footer data-consentgate-opt-out></footer><iframe id="e"></iframe>', blocking });
    const iframe = document.getElementById('e')!;
    await blocking.emit({ type: 'held', element: iframe, category: 'social' });
    expect(document.querySelectorAll('consentgate-ui, consentgate-link, consentgate-placeholder')).toHaveLength(3);
    ui.unmount();
    expect(document.querySelectorAll('consentgate-ui, consentgate-link, consentgate-placeholder')).toHaveLength(0);
    expect(iframe.style.display).toBe('');
    // No more repaint on changes, no more placeholders, no settings hook.
    manager.acceptAll('api');
    await blocking.emit({ type: 'held', element: iframe, category: 'social' });
    expect(document.querySelector('consentgate-placeholder')).toBeNull();
    document.body.insertAdjacentHTML('beforeend', '<button data-consentgate-settings>s</button>');
    fireEvent.click(document.querySelector('[data-consentgate-settings]')!);
    expect(document.querySelector('consentgate-ui')).toBeNull();
  });
});

/** The script tag's way: the panels arrive later, when `consentgate-ui.js` has loaded. */
function panelsLater() {
  let ready: ((mount: MountPanels) => void) | undefined;
  const requested = vi.fn();
  const loadPanels: LoadPanels = (r) => {
    requested();
    ready = r;
  };
  return { loadPanels, requested, arrive: () => ready!(mountPanels) };
}

const returning = serializeRecord(sampleRecord({ policyVersion: healthSiteConfig.policy.version }));

describe('mountUi: the panels load when one of them must show', () => {
  it('a returning visitor with nothing to show: the Opt Out link, and no panels requested', async () => {
    const later = panelsLater();
    const blocking = fakeBlocking();
    const { root } = setup({}, { html: '<footer data-consentgate-opt-out></footer><iframe id="px" width="1" height="1"></iframe>', stored: returning, blocking, loadPanels: later.loadPanels });
    expect(document.querySelector('[data-consentgate-opt-out] > consentgate-link')).not.toBeNull();
    // A 1×1 tracking frame is held without a placeholder: it costs no panels.
    await blocking.emit({ type: 'held', element: document.getElementById('px')!, category: 'advertising' });
    expect(later.requested).not.toHaveBeenCalled();
    expect(root().querySelector('[data-consentgate-banner], [data-consentgate-preferences]')).toBeNull();
  });

  it('a first visit requests them at once; the banner shows when they arrive', () => {
    const later = panelsLater();
    const { $ } = setup({}, { loadPanels: later.loadPanels });
    expect(later.requested).toHaveBeenCalledTimes(1);
    expect($('[data-consentgate-banner]')).toBeNull();
    later.arrive();
    expect($('[data-consentgate-banner]')).not.toBeNull();
  });

  it('showPreferences() before they arrive requests them once and opens the preferences when they do', () => {
    const later = panelsLater();
    const { ui, $ } = setup({}, { stored: returning, loadPanels: later.loadPanels });
    expect(later.requested).not.toHaveBeenCalled();
    ui.showPreferences();
    ui.showPreferences();
    expect(later.requested).toHaveBeenCalledTimes(1);
    later.arrive();
    expect($('[data-consentgate-preferences]')).not.toBeNull();
  });

  it('a held embed that gets a placeholder requests them, and gets its placeholder', async () => {
    const later = panelsLater();
    const blocking = fakeBlocking();
    setup({}, { html: '<iframe id="v" width="560" height="315"></iframe>', stored: returning, blocking, loadPanels: later.loadPanels });
    await blocking.emit({ type: 'held', element: document.getElementById('v')!, service: 'youtube', category: 'social' });
    expect(later.requested).toHaveBeenCalledTimes(1);
    later.arrive();
    expect(document.querySelector('consentgate-placeholder')).not.toBeNull();
  });

  it('panels that fail to mount are reported once; the shell stays', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    setup({}, { html: '<footer data-consentgate-opt-out></footer>', loadPanels: (ready) => ready(() => { throw new Error('panels'); }) });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]!.join(' ')).toContain('could not be shown');
    expect(document.querySelector('[data-consentgate-opt-out] > consentgate-link')).not.toBeNull();
  });
});

describe('mountUi: language and direction', () => {
  const texts = (env: ReturnType<typeof setup>) => ({
    lang: env.root().querySelector('div')!.getAttribute('lang'),
    dir: env.root().querySelector('div')!.getAttribute('dir'),
    title: env.$('h2')?.textContent,
  });

  it('config.language wins', () => {
    expect(texts(setup({ language: 'fr' }, { htmlLang: 'de' }))).toEqual({ lang: 'fr', dir: 'ltr', title: 'Vos choix de confidentialité' });
  });

  it('auto: <html lang> (primary subtag fallback)', () => {
    expect(texts(setup({}, { htmlLang: 'es-MX' }))).toEqual({ lang: 'es', dir: 'ltr', title: 'Sus opciones de privacidad' });
  });

  it('auto: then navigator.language', () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-CH', 'en']);
    expect(texts(setup({}, { htmlLang: '' }))).toEqual({ lang: 'de', dir: 'ltr', title: 'Ihre Datenschutzeinstellungen' });
  });

  it('Arabic is laid out right to left', () => {
    const env = setup({}, { htmlLang: 'ar' });
    expect(texts(env)).toMatchObject({ lang: 'ar', dir: 'rtl' });
    expect(env.$('[data-consentgate-accept-all]')!.textContent).toBe('قبول الكل');
  });

  it.each(['he', 'fa', 'ur'])('%s (config texts only) is right to left too', (lang) => {
    const env = setup({ language: lang, texts: { [lang]: { bannerTitle: 'RTL ' + lang } } });
    expect(texts(env)).toEqual({ lang, dir: 'rtl', title: 'RTL ' + lang });
    // Keys the config does not translate fall back to English.
    expect(env.$('[data-consentgate-accept-all]')!.textContent).toBe('Accept all');
  });

  it('config texts override the built-in ones of that language', () => {
    const env = setup({ language: 'de', texts: { de: { acceptAll: 'Alles erlauben' }, en: { rejectAll: 'nope' } } });
    expect(env.$('[data-consentgate-accept-all]')!.textContent).toBe('Alles erlauben');
    expect(env.$('[data-consentgate-reject-all]')!.textContent).toBe('Alle ablehnen');
  });

  it('ships English only unless given the other built-in languages (byte budget)', () => {
    expect(texts(setup({ language: 'de' }, { languages: 'en' }))).toEqual({ lang: 'en', dir: 'ltr', title: 'Your privacy choices' });
  });
});

describe('the code itself', () => {
  const dir = join(__dirname, '../../src/ui');
  const sources = readdirSync(dir)
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);

  it('never writes HTML: no dangerouslySetInnerHTML, innerHTML, outerHTML, insertAdjacentHTML, document.write', () => {
    for (const [file, code] of sources) {
      expect(code, file).not.toMatch(/dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/);
    }
  });

  it('never sets a style attribute string (blocked by a strict CSP): CSSOM only', () => {
    for (const [file, code] of sources) {
      expect(code, file).not.toMatch(/setAttribute\(\s*['"]style['"]|style=\{?['"]|\.cssText\s*=/);
    }
  });
});
