/**
 * Sensitive pages: on a page about a condition, a doctor search, an appointment or a portal login,
 * the configured categories (default advertising and social) stay blocked whatever the consent
 * (the policy: no information "based on their status with or at risk for mental health, substance
 * use, or HIV/AIDS"). The record is not changed: `manager.restrict()` is page state only.
 */
import type { ConsentManager } from '../consent';
import type { ResolvedConfig } from '../config';
import { logError } from '../log';

/** Dispatched on `window` after `history.pushState` / `replaceState` (SPA route changes). */
export const LOCATION_CHANGE_EVENT = 'consentgate:locationchange';

/** @see SensitivePage.block */
export const DEFAULT_SENSITIVE_BLOCK: readonly string[] = ['advertising', 'social'];

const globCache = new Map<string, RegExp>();

/**
 * A path glob as a regular expression: `*` matches within one segment, `**` across segments
 * (`/conditions/**` also matches `/conditions` itself), anything else literally. Matching ignores
 * case and one trailing slash: `/Conditions/HIV/` is the same page on many servers, and a
 * sensitive page missed is worse than an ordinary page held.
 */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slashBefore = source.endsWith('/');
      const slashAfter = glob[i + 2] === '/';
      i++;
      if (slashBefore && (slashAfter || i === glob.length - 1)) {
        // "/**/" matches "/" or "/any/depth/"; a trailing "/**" matches "" or "/anything".
        source = source.slice(0, -1) + (slashAfter ? '(?:/.*)?/' : '(?:/.*)?');
        if (slashAfter) i++;
      } else {
        source += '.*';
      }
    } else if (ch === '*') {
      source += '[^/]*';
    } else {
      source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  re = new RegExp(`^${source}/?$`, 'i');
  globCache.set(glob, re);
  return re;
}

/** Whether `pathname` matches the glob, raw or percent-decoded. */
export function matchesPathGlob(glob: string, pathname: string): boolean {
  const re = globToRegExp(glob);
  if (re.test(pathname)) return true;
  try {
    const decoded = decodeURIComponent(pathname);
    return decoded !== pathname && re.test(decoded);
  } catch {
    return false;
  }
}

/**
 * Categories blocked on `pathname` by a `sensitivePages` list, read defensively (the boot passes the
 * raw JSON config). Rules without `block` use the default.
 */
export function sensitiveBlocks(pages: unknown, pathname: string): string[] {
  const blocked = new Set<string>();
  if (!Array.isArray(pages)) return [];
  for (const page of pages as unknown[]) {
    if (typeof page !== 'object' || page === null) continue;
    const { match, block } = page as { match?: unknown; block?: unknown };
    if (typeof match !== 'string' || !matchesPathGlob(match, pathname)) continue;
    const ids = Array.isArray(block) ? block.filter((id): id is string => typeof id === 'string') : DEFAULT_SENSITIVE_BLOCK;
    for (const id of ids) blocked.add(id);
  }
  return [...blocked];
}

export interface LocationEnv {
  window: Pick<Window, 'addEventListener' | 'removeEventListener' | 'dispatchEvent'> & { location: { pathname: string }; history: History };
}

const PATCHED = Symbol.for('consentgate.historyPatched');

/**
 * Makes `history.pushState` and `replaceState` dispatch `consentgate:locationchange` on the window
 * after they ran, once per window even with two copies of the SDK (the mark is a `Symbol.for` key).
 * The event fires synchronously inside the router's `pushState`, so the new route's restriction is
 * in place before the router renders the route and inserts its tags.
 */
export function patchHistory(win: LocationEnv['window']): void {
  const history = win.history as History & { [PATCHED]?: true };
  if (!history || history[PATCHED]) return;
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    if (typeof original !== 'function') continue;
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      try {
        win.dispatchEvent(new Event(LOCATION_CHANGE_EVENT));
      } catch (error) {
        logError('The route change could not be checked for sensitive pages.', error);
      }
      return result;
    };
  }
  try {
    Object.defineProperty(history, PATCHED, { value: true });
  } catch {
    // a frozen history object: the patch is still in place for this copy
  }
}

/**
 * Restricts the categories of `config.sensitivePages` on the current path, and again on every SPA
 * route change (`pushState`, `replaceState`, back/forward). Returns an unsubscribe; the history
 * patch stays (it is harmless and another listener may rely on it).
 */
export function connectSensitivePages(
  manager: ConsentManager,
  config: ResolvedConfig | null,
  env: LocationEnv = { window: globalThis.window as unknown as LocationEnv['window'] },
): () => void {
  const pages = config?.sensitivePages ?? [];
  const win = env.window;
  if (!pages.length || !win) return () => {};
  const evaluate = () => {
    try {
      manager.restrict(sensitiveBlocks(pages, win.location.pathname));
    } catch (error) {
      logError('Sensitive pages could not be evaluated.', error);
    }
  };
  patchHistory(win);
  win.addEventListener(LOCATION_CHANGE_EVENT, evaluate);
  win.addEventListener('popstate', evaluate);
  evaluate();
  return () => {
    win.removeEventListener(LOCATION_CHANGE_EVENT, evaluate);
    win.removeEventListener('popstate', evaluate);
  };
}
