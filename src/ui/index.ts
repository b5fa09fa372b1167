/**
 * The visitor's side, in two parts. The shell (`shell.ts`, plain DOM): the "Opt Out" links, the
 * first-layer state and the settings triggers, on every page. The panels (this file, Preact):
 * banner or notice, preferences, placeholders for held embeds and the cookie declaration, mounted
 * on the shell when one of them must show (`consentgate-ui.js` in the script tag: docs/ARCHITECTURE.md
 * says why).
 *
 * One state (this closure and the shell's) and one `paint()` that renders every root from it;
 * components are plain functions of it (no hooks, no instance state: smaller). Roots: a box in the
 * shell's main shadow root (banner or notice, preferences); a small shadow root in each placeholder;
 * the cookie declaration straight into `[data-consentgate-cookie-table]` (light DOM: the privacy
 * page's own typography applies). Shadow roots are open, so the `data-consentgate-*` hooks stay
 * reachable.
 */
import { render } from 'preact';
import type { ConsentChoices } from '../types';
import { declarationView, mainView, placeholderView } from './app';
import type { UiShell } from './shell';
import panelsCss, * as styles from './styles/panels.css';
import * as shellStyles from './styles/shell.css';
import { categoryText } from './texts';
import type { MountUiOptions, PanelsHandle, UiBlockingEvent, UiService } from './types';
import type { Draft, Held, Ui, UiCategory } from './view';

export type { MountUiOptions, PanelsHandle, UiBlocking, UiBlockingEvent, UiCatalog, UiHandle, UiService } from './types';
export { mountShell, type UiShell } from './shell';
export { mountUi, type LoadPanels, type MountPanels } from './mount';

/** Mounts the panels on a mounted shell. */
export function mountPanels(options: MountUiOptions, shell: UiShell): PanelsHandle {
  const { manager, config, catalog, blocking } = options;
  const doc = options.document ?? document;
  const { _translate: t, state } = shell;

  let draft: Draft | null = null; // the preferences are open
  let focusDialog = false;
  let prefsOpener: Element | null = null;
  let bannerOpener: Element | null = null;
  let bannerShown = false;
  const held = new Map<Element, Held>();
  const painted = new Set<Element>();

  const hostOf = (box: Node) => (box.getRootNode() as ShadowRoot).host as HTMLElement;
  const main = shell.box(shell.root, shellStyles.root, panelsCss);
  const deepActive = shell.active;
  /** Focus goes back only when it was lost with our UI, never taken from the page. */
  const restore = (to: Element | null) => {
    const active = doc.activeElement;
    if ((active === doc.body || active === hostOf(main)) && to?.isConnected) (to as HTMLElement).focus();
  };
  const { afterPaint } = shell;

  /** Config services (merged over the catalog's entry), the catalog's, then held embeds'. */
  function categories(): UiCategory[] {
    const byCategory = new Map<string, UiService[]>(config.categories.map((cat) => [cat.id, []]));
    const seen = new Set<string>();
    const add = (s?: UiService) => {
      if (s && !seen.has(s.id) && byCategory.has(s.category)) {
        seen.add(s.id);
        byCategory.get(s.category)!.push(s);
      }
    };
    // The SDK's own cookie is declared too, under the first required category: a privacy page's
    // cookie table that left out the record of the visitor's choices would be incomplete.
    const required = config.categories.find((cat) => cat.required);
    if (required)
      add({
        id: 'consentgate',
        category: required.id,
        title: t('consentCookieTitle'),
        provider: t('consentCookieProvider'),
        switchable: false,
        cookies: [
          { name: config.policy.cookieName, purpose: t('consentCookiePurpose'), lifetime: `${config.policy.lifetimeDays} days` },
          // The receipt queue (receipts/queue.ts): entries leave it once the collector has them.
          ...(config.receipts
            ? [{ name: config.policy.cookieName + ':receipts', storage: 'localStorage' as const, purpose: t('consentCookiePurpose'), lifetime: `${config.receipts.maxAgeDays ?? 30} days` }]
            : []),
        ],
      });
    for (const cat of config.categories) for (const s of cat.services) add({ ...catalog?.byId(s.id), ...s, category: cat.id });
    catalog?.list().forEach(add);
    for (const h of held.values()) add(h.serviceId ? catalog?.byId(h.serviceId) : undefined);
    return config.categories.map((cat) => ({
      id: cat.id,
      required: cat.required,
      title: categoryText(t, cat, 'title'),
      description: categoryText(t, cat, 'description'),
      services: byCategory.get(cat.id)!,
    }));
  }

  function decide(run: () => void) {
    state.hidden = true;
    state.forced = false;
    draft = null;
    paint();
    afterPaint(run);
  }

  function openPreferences(opener: Element | null) {
    const record = manager.get();
    const choices: Record<string, boolean> = {};
    // The stored choice, not isGranted(): a sensitive page's restriction must not be saved as a "no".
    for (const cat of config.categories) {
      choices[cat.id] = cat.required || (record ? !!record.categories[cat.id] : manager.mode() === 'opt-out' && cat.default && !manager.signalBlocks(cat.id));
    }
    draft = { _categories: choices, _services: { ...record?.services } };
    prefsOpener = opener;
    focusDialog = true;
    // The dialog shows at once; the services' descriptions and cookie details fill in when they come.
    catalog?.details?.(paint);
    paint();
  }

  const actions = {
    accept: (banner?: unknown) => decide(() => manager.acceptAll(banner ? 'banner-accept-all' : 'preferences')),
    reject: (banner?: unknown) => decide(() => manager.rejectAll(banner ? 'banner-reject-all' : 'preferences')),
    save() {
      const d = draft!;
      const choices: ConsentChoices = { ...d._categories };
      for (const cat of categories()) {
        for (const s of cat.services) {
          // Only services set apart from their category: every entry costs cookie bytes.
          if (s.id in d._services && d._services[s.id] !== d._categories[cat.id]) choices[cat.id + '.' + s.id] = d._services[s.id]!;
        }
      }
      decide(() => manager.update(choices, 'preferences'));
    },
    prefs: (e: Event) => openPreferences(e.currentTarget as Element),
    close() {
      draft = null;
      paint();
    },
    dismiss() {
      shell.closeNotice();
      paint();
    },
    toggle(cat: UiCategory, on: boolean, s?: UiService) {
      const d = draft!;
      if (s) d._services[s.id] = on;
      else {
        d._categories[cat.id] = on;
        // A category switch speaks for its services, as in manager.update().
        for (const x of cat.services) delete d._services[x.id];
      }
      paint();
    },
    link: shell.link,
    load(h: Held) {
      const grant = config.ui.placeholderGrants === 'category' || !h.serviceId ? h.category : h.category + '.' + h.serviceId;
      afterPaint(() => manager.update({ [grant]: true }, 'placeholder'));
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
    const ui: Ui = { _config: config, _manager: manager, _translate: t, _categories: categories(), draft, list: shell.list, ...actions };
    const { banner, notice } = shell.layer();
    render(mainView(ui, banner, notice), main);
    for (const el of doc.querySelectorAll('[data-consentgate-cookie-table]')) {
      // The declaration is all details: the page's fallback text stays until they are in (one
      // change of the page's layout, not a table that grows twice).
      if (catalog?.details?.(paint) === false) continue;
      if (!painted.has(el)) el.textContent = ''; // the page's fallback text goes
      painted.add(el);
      render(declarationView(ui), el);
    }
    for (const h of held.values()) render(placeholderView(ui, h), h.box);
    shell.paint();

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
    const size = held.has(el) ? null : shell.placeholderSize(el);
    if (!size) return;
    const [width, height] = size;
    const style = (el as HTMLElement).style;
    const box = shell.shadow('consentgate-placeholder', el.parentNode!, el, shellStyles.root + ' ' + styles.placeholder, panelsCss);
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
  let live = true;
  const offBlocking = blocking?.onEvent((e: UiBlockingEvent) =>
    // Handled in order once the page's current script is done: not inside its appendChild (no
    // forced layout there), and a frame whose src was set before it was appended is connected by then.
    queueMicrotask(() => {
      if (!live) return;
      if (e.type === 'held') hold(e);
      else release(e.element);
      paint();
    }),
  );

  // Cookie tables parsed after the panels mounted still get filled.
  doc.addEventListener('DOMContentLoaded', paint);

  const offManager = manager.onChange(paint); // replays the current state at once: the first paint

  return {
    showBanner() {
      state.forced = true;
      state.hidden = false;
      paint();
    },
    open: openPreferences,
    unmount() {
      live = false;
      offManager();
      if (offBlocking) offBlocking();
      doc.removeEventListener('DOMContentLoaded', paint);
      for (const el of [...held.keys()]) release(el);
      for (const box of [main, ...painted]) render(null, box);
      main.previousSibling?.remove(); // the panels' style sheet
      main.remove();
      painted.clear();
    },
  };
}
