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

/**
 * A compiled glob, one step per entry: a character to match (one UTF-16 unit), `*` (any characters
 * but `/`), `**` (any characters), or a number: the steps of a group that may be skipped, which
 * follow it. A literal `*` cannot occur (every `*` of a glob is a star), so the strings never clash.
 */
type GlobStep = string | number;

const globCache = new Map<string, GlobStep[]>();

/**
 * Case folding as a regular expression's `i` flag does it (ECMA-262 Canonicalize, non-Unicode
 * mode): upper case, unless that takes more than one unit or turns a non-ASCII unit into ASCII.
 */
const fold = (ch: string) => {
  const upper = ch.toUpperCase();
  return upper.length === 1 && (upper >= '\x80' || ch < '\x80') ? upper : ch;
};

/**
 * A path glob as steps: `*` matches within one segment, `**` across segments (`/conditions/**`
 * also matches `/conditions` itself, and `**` between two slashes also one slash), anything else
 * literally. Matching ignores case and one trailing slash: `/Conditions/HIV/` is the same page on
 * many servers, and a sensitive page missed is worse than an ordinary page held.
 */
function compileGlob(glob: string): GlobStep[] {
  let steps = globCache.get(glob);
  if (steps) return steps;
  steps = [];
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slashBefore = steps[steps.length - 1] === '/';
      const slashAfter = glob[i + 2] === '/';
      i++;
      if (slashBefore && (slashAfter || i === glob.length - 1)) {
        // "/**/" matches "/" or "/any/depth/"; a trailing "/**" matches "" or "/anything".
        steps.pop();
        steps.push(2, '/', '**');
        if (slashAfter) {
          steps.push('/');
          i++;
        }
      } else {
        steps.push('**');
      }
    } else {
      steps.push(ch === '*' ? ch : fold(ch));
    }
  }
  steps.push(1, '/');
  globCache.set(glob, steps);
  return steps;
}

/**
 * Whether the whole of `text` matches the steps, by keeping the set of steps reachable after each
 * character (Thompson's construction, simulated): time grows with text × glob, never with the
 * ways of cutting the text among stars, which made a regular expression of 30 stars run for minutes.
 */
function matchesSteps(steps: readonly GlobStep[], text: string): boolean {
  // The round (characters read) in which each step was last reached: a step enters a round's list once.
  const reached = new Array<number>(steps.length + 1).fill(-1);
  const reach = (list: number[], i: number, round: number): void => {
    if (reached[i] === round) return;
    reached[i] = round;
    list.push(i);
    const step = steps[i];
    if (typeof step === 'number') reach(list, i + 1 + step, round);
    if (typeof step === 'number' || step === '*' || step === '**') reach(list, i + 1, round);
  };
  let now: number[] = [];
  reach(now, 0, 0);
  for (let j = 0; j < text.length && now.length; j++) {
    const ch = fold(text[j]!);
    const next: number[] = [];
    for (const i of now) {
      const step = steps[i];
      if (step === '**' || (step === '*' && ch !== '/')) reach(next, i, j + 1);
      else if (step === ch) reach(next, i + 1, j + 1);
    }
    now = next;
  }
  return now.includes(steps.length);
}

/** Whether `pathname` matches the glob, raw or percent-decoded. */
export function matchesPathGlob(glob: string, pathname: string): boolean {
  const steps = compileGlob(glob);
  if (matchesSteps(steps, pathname)) return true;
  try {
    const decoded = decodeURIComponent(pathname);
    return decoded !== pathname && matchesSteps(steps, decoded);
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
