/**
 * The visitor's side: banner, preferences, "Opt Out" links, placeholders and the cookie
 * declaration, in Preact.
 *
 * One state (this closure) and one `paint()` that renders every root from it; components are plain
 * functions of it (no hooks, no instance state: smaller). Roots: the main shadow root (banner or
 * notice, fixed opt-out link, preferences) on a host appended to `<body>`; a small shadow root in
 * each `[data-consentgate-opt-out]` element and in each placeholder; the cookie declaration
 * straight into `[data-consentgate-cookie-table]` (light DOM: the privacy page's own typography
 * applies). Shadow roots are open, so the `data-consentgate-*` hooks stay reachable.
 */
import { render } from 'preact';
import type { ConsentChoices, UiTexts } from '../types';
import { declarationView, linkView, mainView, placeholderView } from './app';
import en from './i18n/en.json';
import { CSS } from './styles';
import { categoryText, isRtl, pickLanguage, translator } from './texts';
import type { MountUiOptions, UiBlockingEvent, UiHandle, UiService } from './types';
import type { Draft, Held, Ui, UiCategory } from './view';

export type { MountUiOptions, UiBlocking, UiBlockingEvent, UiCatalog, UiHandle, UiService } from './types';

const NATIVE = 'a[href],button,input,select,textarea,summary';

export function mountUi(options: MountUiOptions): UiHandle {
  const { manager: m, config: c, catalog, blocking } = options;
  const doc = options.document ?? document;
  const win = doc.defaultView as Window & typeof globalThis;
  const languages: Record<string, UiTexts> = { en, ...options.languages };
  const lang = pickLanguage(c, doc, [...Object.keys(languages), ...Object.keys(c.texts)]);
  const t = translator({ ...en, ...languages[lang], ...c.texts[lang] });

  let forced = false; // showBanner() after a decision
  let hidden = false; // closed by a click; the decision itself follows after the paint
  // The opt-out regimes' notice, once closed, stays closed for the browsing session: it is a notice
  // at collection, not a question, so closing it is not a decision and is not in the record.
  // Storage blocked: the notice then shows on each page view.
  const noticeKey = c.policy.cookieName + ':notice';
  let noticeClosed = false;
  try {
    noticeClosed = !!win.sessionStorage.getItem(noticeKey);
  } catch {}
  let draft: Draft | null = null; // the preferences are open
  let focusDialog = false;
  let prefsOpener: Element | null = null;
  let bannerOpener: Element | null = null;
  let bannerShown = false;
  const done = new Set<unknown>();
  const held = new Map<Element, Held>();
  const slots = new Map<Element, HTMLElement>();
  const painted = new Set<Element>();

  /** A host with an open shadow root holding our style sheet and a render container. */
  function shadow(tag: string, parent: Node, before: Node | null, className: string): HTMLElement {
    const host = doc.createElement(tag);
    // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'.
    for (const [key, value] of Object.entries(c.ui.theme)) if (key.startsWith('--cg-')) host.style.setProperty(key, value);
    const root = host.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    if (c.ui.nonce) style.setAttribute('nonce', c.ui.nonce);
    style.textContent = CSS;
    // Links sit inside a line of the site's footer: an inline container, not a block.
    const box = doc.createElement(className ? 'div' : 'span');
    box.className = className;
    box.lang = lang;
    box.dir = isRtl(lang) ? 'rtl' : 'ltr';
    root.append(style, box);
    parent.insertBefore(host, before);
    return box;
  }
  const hostOf = (box: Node) => (box.getRootNode() as ShadowRoot).host as HTMLElement;
  const main = shadow('consentgate-ui', doc.body, null, 'r');

  const deepActive = () => {
    let active = doc.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active;
  };
  /** Focus goes back only when it was lost with our UI, never taken from the page. */
  const restore = (to: Element | null) => {
    const active = doc.activeElement;
    if ((active === doc.body || active === hostOf(main)) && to?.isConnected) (to as HTMLElement).focus();
  };
  /**
   * Interaction to Next Paint: a click only changes what shows (painted in the next frame); the
   * record, the release of held tags and the site's listeners run after that paint, in a task.
   */
  const afterPaint = (run: () => void) => win.requestAnimationFrame(() => win.setTimeout(run));

  /** Config services (merged over the catalog's entry), the catalog's, then held embeds'. */
  function categories(): UiCategory[] {
    const byCategory = new Map<string, UiService[]>(c.categories.map((cat) => [cat.id, []]));
    const seen = new Set<string>();
    const add = (s?: UiService) => {
      if (s && !seen.has(s.id) && byCategory.has(s.category)) {
        seen.add(s.id);
        byCategory.get(s.category)!.push(s);
      }
    };
    // The SDK's own cookie is declared too, under the first required category: a privacy page's
    // cookie table that left out the record of the visitor's choices would be incomplete.
    const required = c.categories.find((cat) => cat.required);
    if (required)
      add({
        id: 'consentgate',
        category: required.id,
        title: t('consentCookieTitle'),
        provider: t('consentCookieProvider'),
        switchable: false,
        cookies: [
          { name: c.policy.cookieName, purpose: t('consentCookiePurpose'), lifetime: `${c.policy.lifetimeDays} days` },
          // The receipt queue (receipts/queue.ts): entries leave it once the collector has them.
          ...(c.receipts
            ? [{ name: c.policy.cookieName + ':receipts', storage: 'localStorage' as const, purpose: t('consentCookiePurpose'), lifetime: `${c.receipts.maxAgeDays ?? 30} days` }]
            : []),
        ],
      });
    for (const cat of c.categories) for (const s of cat.services) add({ ...catalog?.byId(s.id), ...s, category: cat.id });
    catalog?.list().forEach(add);
    for (const h of held.values()) add(h.serviceId ? catalog?.byId(h.serviceId) : undefined);
    return c.categories.map((cat) => ({
      id: cat.id,
      required: cat.required,
      title: categoryText(t, cat, 'title'),
      desc: categoryText(t, cat, 'description'),
      services: byCategory.get(cat.id)!,
    }));
  }

  function decide(run: () => void) {
    hidden = true;
    forced = false;
    draft = null;
    paint();
    afterPaint(run);
  }

  function openPreferences(opener: Element | null) {
    const record = m.get();
    const cats: Record<string, boolean> = {};
    // The stored choice, not isGranted(): a sensitive page's restriction must not be saved as a "no".
    for (const cat of c.categories) {
      cats[cat.id] = cat.required || (record ? !!record.categories[cat.id] : m.mode() === 'opt-out' && cat.default && !m.signalBlocks(cat.id));
    }
    draft = { c: cats, s: { ...record?.services } };
    prefsOpener = opener;
    focusDialog = true;
    // The dialog shows at once; the services' descriptions and cookie details fill in when they come.
    catalog?.details?.(paint);
    paint();
  }

  const actions = {
    accept: (banner?: unknown) => decide(() => m.acceptAll(banner ? 'banner-accept-all' : 'preferences')),
    reject: (banner?: unknown) => decide(() => m.rejectAll(banner ? 'banner-reject-all' : 'preferences')),
    save() {
      const d = draft!;
      const choices: ConsentChoices = { ...d.c };
      for (const cat of categories()) {
        for (const s of cat.services) {
          // Only services set apart from their category: every entry costs cookie bytes.
          if (s.id in d.s && d.s[s.id] !== d.c[cat.id]) choices[cat.id + '.' + s.id] = d.s[s.id]!;
        }
      }
      decide(() => m.update(choices, 'preferences'));
    },
    prefs: (e: Event) => openPreferences(e.currentTarget as Element),
    close() {
      draft = null;
      paint();
    },
    dismiss() {
      noticeClosed = true;
      try {
        win.sessionStorage.setItem(noticeKey, '1');
      } catch {}
      paint();
    },
    toggle(cat: UiCategory, on: boolean, s?: UiService) {
      const d = draft!;
      if (s) d.s[s.id] = on;
      else {
        d.c[cat.id] = on;
        // A category switch speaks for its services, as in manager.update().
        for (const x of cat.services) delete d.s[x.id];
      }
      paint();
    },
    optOut(key: unknown) {
      done.add(key);
      paint();
      afterPaint(() => m.update(Object.fromEntries(c.ui.optOutCategories.map((id) => [id, false])), 'opt-out-link'));
    },
    load(h: Held) {
      const grant = c.ui.placeholderGrants === 'category' || !h.serviceId ? h.category : h.category + '.' + h.serviceId;
      afterPaint(() => m.update({ [grant]: true }, 'placeholder'));
    },
    /** Focus trap (WAI-ARIA APG dialog pattern), and Escape for the preferences only. */
    keys(e: KeyboardEvent) {
      const box = e.currentTarget as HTMLElement;
      if (e.key === 'Escape' && box.hasAttribute('data-consentgate-preferences')) {
        e.stopPropagation();
        actions.close();
      } else if (e.key === 'Tab') {
        const all = box.querySelectorAll<HTMLElement>('a[href],button,input:not(:disabled),summary');
        const edge = all[e.shiftKey ? 0 : all.length - 1];
        const active = (box.getRootNode() as ShadowRoot).activeElement;
        if (active === edge || (e.shiftKey && active === box)) {
          e.preventDefault();
          all[e.shiftKey ? all.length - 1 : 0]!.focus();
        }
      }
    },
  };

  function paint(): void {
    const u: Ui = { c, m, t, cats: categories(), draft, done, list: (items) => new Intl.ListFormat(lang).format(items), ...actions };
    const asks = m.mode() === 'opt-in' || c.ui.bannerInOptOut;
    const undecided = !hidden && !m.hasDecision();
    const banner = !hidden && forced || (undecided && asks);
    const notice = !forced && undecided && !asks && !noticeClosed;
    const footers = doc.querySelectorAll('[data-consentgate-opt-out]');
    render(mainView(u, banner, notice, !banner && !notice && c.ui.optOutFixed && !footers.length), main);
    for (const slot of footers) {
      if (!slots.has(slot)) {
        slot.textContent = '';
        slots.set(slot, shadow('consentgate-link', slot, null, ''));
      }
      render(linkView(u, slot), slots.get(slot)!);
    }
    for (const el of doc.querySelectorAll('[data-consentgate-cookie-table]')) {
      // The declaration is all details: the page's fallback text stays until they are in (one
      // change of the page's layout, not a table that grows twice).
      if (catalog?.details?.(paint) === false) continue;
      if (!painted.has(el)) el.textContent = ''; // the page's fallback text goes
      painted.add(el);
      render(declarationView(u), el);
    }
    for (const h of held.values()) render(placeholderView(u, h), h.box);
    // `[data-consentgate-settings]` on a div or span still works by keyboard (WCAG 2.1.1).
    for (const el of doc.querySelectorAll('[data-consentgate-settings]')) {
      if (!el.matches(NATIVE) && !el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        if (!el.hasAttribute('role')) el.setAttribute('role', 'button');
      }
    }

    const dialog = main.querySelector<HTMLElement>('[data-consentgate-preferences]');
    if (focusDialog) dialog?.focus();
    else if (!dialog && prefsOpener) restore(prefsOpener);
    if (!dialog) prefsOpener = null;
    focusDialog = false;
    if (banner && !bannerShown) {
      bannerOpener = deepActive();
      if (!dialog) main.querySelector<HTMLElement>('[data-consentgate-banner]')?.focus();
    } else if (!banner && bannerShown && !dialog) restore(bannerOpener);
    bannerShown = banner;
  }

  /**
   * A placeholder for held embeds only (frames, media, plug-ins) that the visitor would see: not
   * for scripts, pixels or hidden tracking frames (a 1×1 floodlight iframe), which the blocking
   * layer holds too.
   */
  function hold({ element: el, service, category }: { element: Element; service?: string; category: string }) {
    const parent = el.parentNode;
    const rect = el.getBoundingClientRect();
    const [width, height] = (['width', 'height'] as const).map((name) => {
      const attr = el.getAttribute(name) ?? '';
      // The laid-out size (border box, so nothing below moves), else the attribute; a percentage stays one.
      return attr.endsWith('%') ? attr : rect[name] ? rect[name] + 'px' : /^\d+$/.test(attr) ? attr + 'px' : attr;
    }) as [string, string];
    if (
      held.has(el) ||
      !parent ||
      !/^(IFRAME|VIDEO|AUDIO|EMBED|OBJECT)$/.test(el.tagName) ||
      win.getComputedStyle(el).display === 'none' ||
      parseFloat(width) < 30 ||
      parseFloat(height) < 30
    ) {
      return;
    }
    const style = (el as HTMLElement).style;
    const box = shadow('consentgate-placeholder', parent, el, 'r ph');
    const host = hostOf(box);
    host.setAttribute('data-consentgate-placeholder', service ?? category);
    // The site's classes give the placeholder the embed's place in responsive wrappers.
    host.setAttribute('class', el.getAttribute('class') ?? '');
    host.style.setProperty('width', width);
    // min-height: the texts may need more room than a small embed has.
    host.style.setProperty('min-height', height);
    held.set(el, { category, serviceId: service, box, host, display: style.display });
    style.setProperty('display', 'none', 'important');
  }

  function release(el: Element) {
    const h = held.get(el);
    if (!h) return;
    held.delete(el);
    const hadFocus = h.box.contains(deepActive());
    render(null, h.box);
    h.host.remove();
    (el as HTMLElement).style.display = h.display;
    // The content the visitor asked for takes the focus the placeholder's button had.
    if (hadFocus) (el as HTMLElement).focus();
  }

  for (const e of blocking?.held?.() ?? []) hold(e);
  const offBlocking = blocking?.onEvent((e: UiBlockingEvent) => {
    if (e.type === 'held') hold(e);
    else release(e.element);
    paint();
  });

  function onSettings(e: Event) {
    const el = (e.target as Element).closest?.('[data-consentgate-settings]');
    // Native controls turn Enter and Space into a click by themselves.
    if (el && (e.type === 'click' || (!el.matches(NATIVE) && /^(Enter| )$/.test((e as KeyboardEvent).key)))) {
      e.preventDefault();
      openPreferences(el);
    }
  }
  doc.addEventListener('click', onSettings);
  doc.addEventListener('keydown', onSettings);
  // Footer slots and cookie tables parsed after the app started still get filled.
  doc.addEventListener('DOMContentLoaded', paint);

  const offManager = m.onChange(paint); // replays the current state at once: the first paint

  return {
    language: lang,
    showBanner() {
      forced = true;
      hidden = false;
      paint();
    },
    showPreferences: () => openPreferences(deepActive()),
    unmount() {
      offManager();
      if (offBlocking) offBlocking();
      doc.removeEventListener('click', onSettings);
      doc.removeEventListener('keydown', onSettings);
      doc.removeEventListener('DOMContentLoaded', paint);
      for (const el of [...held.keys()]) release(el);
      for (const box of [main, ...slots.values(), ...painted]) {
        render(null, box);
        if (box.getRootNode() !== doc) hostOf(box).remove();
      }
      slots.clear();
      painted.clear();
    },
  };
}
