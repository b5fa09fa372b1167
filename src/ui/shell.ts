/**
 * The UI's shell: what a visitor who has decided sees on every page — the "Opt Out" links (in each
 * `[data-consentgate-opt-out]`, or the fixed one) — plus what decides whether anything more must
 * show: the first-layer state (banner or notice) and the `[data-consentgate-settings]` triggers.
 *
 * Plain DOM, no Preact, so the script tag's app can mount it on every page and load the panels
 * (`consentgate-ui.js`: Preact, banner, notice, preferences, placeholders, cookie declaration) only
 * when one of them must show (`needPanels`). The panels render into the shell's main shadow root
 * and share its state, texts and shadow hosts.
 *
 * The link is the one the policy promises "at the bottom of the home web page": one click opts out
 * of `ui.optOutLink.categories`; the confirmation is announced politely (the status region exists
 * before its text, so screen readers pick the change up) and offers to change the choices. In
 * opt-out regimes it is the CCPA's "Do Not Sell or Share" link, with the notice the CPPA
 * regulations §7025(c)(6) suggest when Global Privacy Control is honored. Its elements are made
 * once and updated in place, so a focused button keeps the focus across repaints.
 * Buttons need no `type`: they live in shadow roots, which no site `<form>` reaches.
 */
import type { ResolvedConfig } from '../config';
import type { ConsentManager } from '../consent';
import type { UiTexts } from '../types';
import en from './i18n/en.json';
import shellCss, * as styles from './styles/shell.css';
import { categoryText, isRtl, pickLanguage, translator, type Translate } from './texts';

/** Elements a held embed may be, the ones a placeholder stands in for (when visible and not tiny). */
const EMBED = /^(IFRAME|VIDEO|AUDIO|EMBED|OBJECT)$/;

/**
 * The size a placeholder for a held element takes (CSS width and height), or null when it gets
 * none: not an embed (scripts, pixels), not connected, hidden, or under 30 px either way (a 1×1
 * floodlight iframe). Here, not in the panels, because the app asks it first: a returning
 * visitor's page whose only held embed is a hidden tracking frame never downloads the panels.
 */
export function placeholderSize(el: Element): [string, string] | null {
  if (!EMBED.test(el.tagName) || !el.parentNode) return null;
  const rect = el.getBoundingClientRect();
  const [width, height] = (['width', 'height'] as const).map((name) => {
    const attr = el.getAttribute(name) ?? '';
    // The laid-out size (border box, so nothing below moves), else the attribute; a percentage stays one.
    return attr.endsWith('%') ? attr : rect[name] ? rect[name] + 'px' : /^\d+$/.test(attr) ? attr + 'px' : attr;
  }) as [string, string];
  return getComputedStyle(el).display === 'none' || parseFloat(width) < 30 || parseFloat(height) < 30 ? null : [width, height];
}

const NATIVE = 'a[href],button,input,select,textarea,summary';

export interface ShellOptions {
  manager: ConsentManager;
  config: ResolvedConfig;
  /** @default the global document */
  document?: Document;
  /** Built-in texts per language beyond English (see `MountUiOptions.languages`). */
  languages?: Record<string, UiTexts>;
  /** Open the preferences (a settings trigger, "Change choices"); `opener` gets the focus back. */
  open(opener: Element | null): void;
  /**
   * Called on a later paint (not the first: the caller asks `wantsPanels()` once it has the shell)
   * where a first layer or a cookie declaration must show: the panels are needed.
   */
  needPanels?(): void;
}

/** The first layer's state; the panels change it. */
export interface FirstLayerState {
  /** `showBanner()` after a decision. */
  forced: boolean;
  /** Closed by a click; the decision itself follows after the paint. */
  hidden: boolean;
  /** The opt-out regimes' notice was closed in this browsing session. */
  noticeClosed: boolean;
}

export interface UiShell {
  readonly lang: string;
  /** The UI's texts in `lang`; `_`: shortened by the build (mangle.json), in the app and the panels alike. */
  readonly _translate: Translate;
  /** "a, b and c" in the UI language. */
  list(items: string[]): string;
  readonly state: FirstLayerState;
  /** Which first layer shows now. */
  layer(): { banner: boolean; notice: boolean };
  /** Whether the panels must show something now: a first layer, or a cookie declaration is on the page. */
  wantsPanels(): boolean;
  /** Closes the opt-out regimes' notice for the browsing session (recording nothing). */
  closeNotice(): void;
  /** A host with an open shadow root holding the shell's style sheet, `css` and a render box. */
  shadow(tag: string, parent: Node, before: Node | null, className: string, css?: string): HTMLElement;
  /** Adds `css` and a render box to a shadow root of ours (the panels, in the main one). */
  box(root: ShadowRoot, className: string, css: string): HTMLElement;
  /** The main host's shadow root (`consentgate-ui`, on `<body>`): the fixed link, and the panels. */
  readonly root: ShadowRoot;
  /** Puts an opt-out link in `box` (once per box), kept up to date by each paint. */
  link(box: Element, key: unknown): void;
  /** The focused element, through open shadow roots. */
  active(): Element | null;
  /** Runs `run` in a task after the next paint (what a click changes shows first: INP). */
  afterPaint(run: () => void): void;
  /** `placeholderSize`, handed to the panels so that their file does not carry a second copy. */
  placeholderSize(el: Element): [string, string] | null;
  paint(): void;
  unmount(): void;
}

interface Link {
  box: Element;
  button: HTMLButtonElement;
  gpc: Text;
  status: HTMLElement;
  change: HTMLButtonElement;
}

export function mountShell(options: ShellOptions): UiShell {
  const { manager, config } = options;
  const doc = options.document ?? document;
  const win = doc.defaultView as Window & typeof globalThis;
  const languages: Record<string, UiTexts> = { en, ...options.languages };
  const lang = pickLanguage(config, doc, [...Object.keys(languages), ...Object.keys(config.texts)]);
  const t = translator({ ...en, ...languages[lang], ...config.texts[lang] });
  const list = (items: string[]) => new Intl.ListFormat(lang).format(items);

  // The opt-out regimes' notice, once closed, stays closed for the browsing session: it is a notice
  // at collection, not a question, so closing it is not a decision and is not in the record.
  // Storage blocked: the notice then shows on each page view.
  const noticeKey = config.policy.cookieName + ':notice';
  const state: FirstLayerState = { forced: false, hidden: false, noticeClosed: false };
  try {
    state.noticeClosed = !!win.sessionStorage.getItem(noticeKey);
  } catch {}

  const links = new Map<unknown, Link>();
  const done = new Set<unknown>(); // links (by key) that show their confirmation
  const slots = new Map<Element, HTMLElement>();
  let fixed: HTMLElement | null = null;

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className = '') => {
    const e = doc.createElement(tag);
    if (className) e.className = className;
    return e;
  };

  function box(root: ShadowRoot, className: string, css: string): HTMLElement {
    const style = el('style');
    if (config.ui.nonce) style.setAttribute('nonce', config.ui.nonce);
    style.textContent = css;
    // Links sit inside a line of the site's footer: an inline container, not a block.
    const b = el(className ? 'div' : 'span', className);
    b.lang = lang;
    b.dir = isRtl(lang) ? 'rtl' : 'ltr';
    root.append(style, b);
    return b;
  }

  function shadow(tag: string, parent: Node, before: Node | null, className: string, css = ''): HTMLElement {
    const host = doc.createElement(tag);
    // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'. resolveConfig kept
    // only the theme's own properties, each with a value of its kind (a colour, a length, fonts).
    for (const [key, value] of Object.entries(config.ui.theme)) host.style.setProperty(key, value);
    const b = box(host.attachShadow({ mode: 'open' }), className, shellCss + css);
    parent.insertBefore(host, before);
    return b;
  }

  const main = shadow('consentgate-ui', doc.body, null, styles.root);
  const root = main.getRootNode() as ShadowRoot;

  function layer() {
    const asks = manager.mode() === 'opt-in' || config.ui.bannerInOptOut;
    const undecided = !state.hidden && !manager.hasDecision();
    return {
      banner: (!state.hidden && state.forced) || (undecided && asks),
      notice: !state.forced && undecided && !asks && !state.noticeClosed,
    };
  }

  /**
   * Interaction to Next Paint: a click only changes what shows (painted in the next frame); the
   * record, the release of held tags and the site's listeners run after that paint, in a task.
   */
  const afterPaint = (run: () => void) => win.requestAnimationFrame(() => win.setTimeout(run));

  function optOut(key: unknown) {
    done.add(key);
    paint();
    afterPaint(() => manager.update(Object.fromEntries(config.ui.optOutCategories.map((id) => [id, false])), 'opt-out-link'));
  }

  function link(target: Element, key: unknown) {
    if (links.get(key)?.box === target) return;
    const wrap = el('span');
    const button = el('button', styles.linkButton);
    button.onclick = () => optOut(key);
    const gpc = doc.createTextNode('');
    const status = el('span');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    const change = el('button', styles.linkButton);
    change.onclick = (e) => options.open(e.currentTarget as Element);
    wrap.append(button, gpc, status);
    target.append(wrap);
    links.set(key, { box: target, button, gpc, status, change });
  }

  function paintLink(entry: Link, key: unknown) {
    entry.button.textContent = t(manager.mode() === 'opt-out' ? 'doNotSell' : 'optOut');
    entry.gpc.data = manager.signals.globalPrivacyControl && config.signals.globalPrivacyControl.mode === 'honor' ? ' · ' + t('gpcHonored') : '';
    if (!done.has(key)) {
      entry.status.textContent = '';
      return;
    }
    const titles = config.categories.filter((cat) => config.ui.optOutCategories.includes(cat.id)).map((cat) => categoryText(t, cat, 'title'));
    entry.change.textContent = t('changeChoices');
    entry.status.replaceChildren(' ' + t('optOutDone', { category: list(titles) }) + ' ', entry.change);
  }

  function paint() {
    const { banner, notice } = layer();
    const footers = doc.querySelectorAll('[data-consentgate-opt-out]');
    for (const slot of footers) {
      if (!slots.has(slot)) {
        slot.textContent = ''; // the page's fallback text goes
        const b = shadow('consentgate-link', slot, null, '');
        slots.set(slot, b);
        link(b, slot);
      }
    }
    // The fixed link, when no footer has one; not under a first layer, which has its own choices.
    const showFixed = !banner && !notice && config.ui.optOutFixed && !footers.length;
    if (showFixed && !fixed) {
      fixed = el('div', styles.fixedLink);
      fixed.setAttribute('role', 'region');
      fixed.setAttribute('aria-label', t('cookieSettings'));
      main.append(fixed);
      link(fixed, 'fixed');
    } else if (!showFixed && fixed) {
      fixed.remove();
      fixed = null;
      links.delete('fixed');
      done.delete('fixed');
    }
    for (const [key, entry] of links) {
      if (entry.box.isConnected) paintLink(entry, key);
      else links.delete(key);
    }
    // `[data-consentgate-settings]` on a div or span still works by keyboard (WCAG 2.1.1).
    for (const s of doc.querySelectorAll('[data-consentgate-settings]')) {
      if (!s.matches(NATIVE) && !s.hasAttribute('tabindex')) {
        s.setAttribute('tabindex', '0');
        if (!s.hasAttribute('role')) s.setAttribute('role', 'button');
      }
    }
    if (started && wantsPanels()) options.needPanels?.();
  }

  function wantsPanels() {
    const { banner, notice } = layer();
    return banner || notice || !!doc.querySelector('[data-consentgate-cookie-table]');
  }

  function active() {
    let a = doc.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a;
  }

  function onSettings(e: Event) {
    const s = (e.target as Element).closest?.('[data-consentgate-settings]');
    // Native controls turn Enter and Space into a click by themselves.
    if (s && (e.type === 'click' || (!s.matches(NATIVE) && /^(Enter| )$/.test((e as KeyboardEvent).key)))) {
      e.preventDefault();
      options.open(s);
    }
  }
  doc.addEventListener('click', onSettings);
  doc.addEventListener('keydown', onSettings);
  // Footer slots parsed after the app started still get their link.
  doc.addEventListener('DOMContentLoaded', paint);
  let started = false;
  const off = manager.onChange(paint); // replays the current state at once: the first paint
  started = true;

  return {
    lang,
    _translate: t,
    list,
    state,
    layer,
    wantsPanels,
    placeholderSize,
    closeNotice() {
      state.noticeClosed = true;
      try {
        win.sessionStorage.setItem(noticeKey, '1');
      } catch {}
    },
    shadow,
    box,
    root,
    link,
    active,
    afterPaint,
    paint,
    unmount() {
      off();
      doc.removeEventListener('click', onSettings);
      doc.removeEventListener('keydown', onSettings);
      doc.removeEventListener('DOMContentLoaded', paint);
      for (const b of [main, ...slots.values()]) (b.getRootNode() as ShadowRoot).host.remove();
      slots.clear();
      links.clear();
    },
  };
}
