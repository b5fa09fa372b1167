/**
 * ConsentGate's Trusted Types policy, `consentgate` (docs/csp.md). Under
 * `require-trusted-types-for 'script'` the browser refuses a plain string where a script's URL or
 * code, or markup, goes (Trusted Types § "Enforcement in sinks"). ConsentGate hands such strings to
 * the browser in three places, each its own or already judged by the page's policies:
 * - the URLs of its own files (the app, the panels, the registry's details: script-tag.ts);
 * - markup the guards parse in an inert template, and the rewritten markup they hand on in place of
 *   markup the page had made a `TrustedHTML` (guards.ts): markup that came as a plain string goes
 *   on as one, and the page's enforcement judges it as it would have;
 * - a released tag's URL, code and event handlers, as the page's markup or trusted values had them
 *   (release.ts, document-write.ts); a held value the native setter would have refused is refused
 *   when it is set (guards.ts), so nothing untrusted is held to be released.
 *
 * One policy per window, shared by the script tag's files through a symbol-keyed slot: a second
 * `createPolicy('consentgate')` would be refused without 'allow-duplicates'.
 */
import { logError } from './log';

export const TRUSTED_TYPES_POLICY = 'consentgate';

type Kind = 'createHTML' | 'createScript' | 'createScriptURL';
type Policy = Record<Kind, (value: string) => string>;

const SLOT = Symbol.for('consentgate.trusted-types');

/**
 * `value` as the Trusted Types value of `kind` (typed as the string the sinks' TypeScript types
 * take); the string itself where the browser has no Trusted Types or the page refused the policy
 * (then the browser's enforcement, or the page's default policy, decides as without ConsentGate).
 */
export function trusted(kind: Kind | '', value: string, win: Window = window): string {
  const w = win as unknown as Record<symbol, Policy | null | undefined> & { trustedTypes?: { createPolicy(name: string, rules: object): Policy } };
  let policy = w[SLOT];
  if (policy === undefined) {
    policy = null;
    const same = (s: string) => s;
    try {
      policy = w.trustedTypes?.createPolicy(TRUSTED_TYPES_POLICY, { createHTML: same, createScript: same, createScriptURL: same }) ?? null;
    } catch (error) {
      logError(`Add "${TRUSTED_TYPES_POLICY}" to the page's trusted-types directive.`, error);
    }
    try {
      Object.defineProperty(w, SLOT, { value: policy });
    } catch {
      // Taken: the value there is used below, if it is one.
    }
    policy = w[SLOT];
  }
  return kind && policy ? policy[kind](value) : value;
}

/** An attribute's value as Trusted Types wants it: a script's URL, an event handler's code, a frame's `srcdoc`. */
export const trustedAttribute = (el: Element, name: string, value: string, win?: Window): string =>
  trusted(name === 'srcdoc' ? 'createHTML' : /^on/i.test(name) ? 'createScript' : el.localName === 'script' && /src|href/.test(name) ? 'createScriptURL' : '', value, win);
