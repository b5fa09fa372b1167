/**
 * The markup gate: how one element is held and released.
 *
 * Two kinds of held elements live in the DOM, told apart by their attributes:
 *
 * 1. **Marked by the site** (our markup, vanilla-cookieconsent's and Klaro's, so a site switches by
 *    replacing one script tag):
 *    - `<script type="text/plain" data-category="analytics" [data-service="ga4"] [src]>…</script>`
 *      (vanilla-cookieconsent: same; Klaro: `data-name="ga4"`, `data-type="text/javascript"`,
 *      `data-src`);
 *    - `<iframe|img|video|audio|source|embed|object|link data-category="social" data-src=…>`
 *      with `data-src`, `data-href`, `data-srcset`, `data-data` (object) or `data-poster`
 *      (Klaro: `data-name` instead of `data-category`).
 *    Judged by their category (and service).
 * 2. **Held by the guards** (`data-cg`): an element whose URL belongs to a service that is not
 *    granted. Non-script URLs are moved to `data-cg-<attribute>`; a script inserted with its `src`
 *    keeps it but becomes `type="text/plain"` (its own type kept in `data-cg-type`): a script whose
 *    type is not JavaScript is neither fetched nor run (HTML § prepare the script element, step
 *    "type"). A script whose `src` setter was held keeps no `src` at all, only `data-cg-src`.
 *    Judged by their URLs.
 *
 * Releasing (`release.ts`, app side: it never runs before the app has set the policy): a
 * `text/plain` script cannot be re-armed (the parser-inserted flag and "already started" are
 * internal), so it is re-created: every attribute copied except the blocking ones, the original
 * type restored. Every other element gets its URL attributes back, so a script the site created
 * (and may hold `onload` handlers on) is the very element that then runs.
 */

import { logError } from '../log';

/**
 * Reports a failure of our own code. One message for the whole layer (bytes: it ships in the
 * boot); the error itself says where. The caller has already fallen back: to the native behaviour
 * for an allowed URL, to holding for a gated one.
 */
export const blockingFailed = (error: unknown): void => logError('A blocking guard failed; the page went on (a gated URL stays held).', error);

/**
 * Attributes that make an element fetch, per tag. Besides these, every element's `style` (its
 * `url()`s) and a `<style>`'s text (its `url()`s and `@import`s) are judged: see `urlNames`.
 * `href` is SVG's (`<script>`, `<image>`, `<feImage>`), read from `xlink:href` as well; `srcdoc`
 * is judged by the URLs its markup names (the frame is held whole).
 */
export const URL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  script: ['src', 'href'],
  img: ['src', 'srcset'],
  iframe: ['src', 'srcdoc'],
  source: ['src', 'srcset'],
  embed: ['src'],
  object: ['data'],
  link: ['href', 'imagesrcset'],
  video: ['src', 'poster'],
  audio: ['src'],
  track: ['src'],
  input: ['src'],
  image: ['href'],
  feImage: ['href'],
  a: ['ping'],
  area: ['ping'],
  style: [],
};

/** The attributes judged on `el`: its kind's URL attributes and `style`. */
export const urlNames = (el: Element): readonly string[] => (URL_ATTRIBUTES[el.localName] ?? []).concat('style');

/** Every tag with a URL attribute, as a selector. */
export const URL_ELEMENTS = Object.keys(URL_ATTRIBUTES).join() + ',[style]';

/** Flag of an element held by the guards; its URLs are in `data-cg-<attribute>`. */
export const HELD = 'data-cg';

/** What an element is held for. `category: ''` is an unknown third party (`unknownThirdParty: "block"`). */
export interface Verdict {
  category: string;
  service?: string;
  url?: string;
}

/** The native methods the gate uses: the guards patch the prototypes, the gate must not trip on them. */
export interface Natives {
  _setAttribute: (this: Element, name: string, value: string) => void;
  _replaceChild: (this: Node, node: Node, child: Node) => Node;
}

const attr = (el: Element, name: string) => el.getAttribute(name);
// HTML's or SVG's: SVG's takes its URL from `href` (or `xlink:href`), and is held as HTML's is.
const isScript = (el: Element): el is HTMLScriptElement => el.localName === 'script';
const isPlain = (el: Element) => attr(el, 'type') === 'text/plain';
const isStyle = (el: Element) => el.localName === 'style';
/** A URL attribute's value; SVG's `href` may be written `xlink:href`. */
const urlValue = (el: Element, name: string) => attr(el, name) ?? (name === 'href' ? attr(el, 'xlink:href') : null);

/**
 * Marked by the site: a `text/plain` script (or `<style>`), or a URL element with its URL in
 * `data-*`. A `data-category` alone is not enough: sites use that name for their own purposes
 * (`<img data-category="shoes" src=…>` must not be held).
 */
export function isMarked(el: Element): boolean {
  if (!el.hasAttribute('data-category') && !el.hasAttribute('data-name')) return false;
  if (isScript(el) || isStyle(el)) return isPlain(el);
  const names = URL_ATTRIBUTES[el.localName];
  // A <video>/<audio> may carry its URLs on <source> children the parser has not reached yet.
  return !!names && (names.some((a) => el.hasAttribute('data-' + a)) || (/^(video|audio)$/.test(el.localName) && !el.hasAttribute('src')));
}

/** Values that are text naming URLs, not URLs: markup (`srcdoc`) and CSS (`style`, a `<style>`'s text). */
const TEXT = /^(srcdoc|style)$/;
/**
 * An absolute or scheme-relative URL inside text (markup, CSS `url()` and `@import`, script
 * literals). What text builds at run time, or escapes (`\/\/`, entities), it cannot see.
 */
const URL_IN_TEXT = /(?:\b(?:https?|wss?):)?\/\/[^\s"'<>()\\`]+/gi;

/**
 * Every URL in an attribute value: `srcset` lists candidates (`url 2x, url 640w`), `ping` URLs
 * separated by spaces; text (see TEXT) the URLs it names.
 */
export const urlsOf = (name: string, value: string): string[] =>
  TEXT.test(name)
    ? (value.match(URL_IN_TEXT) ?? [])
    : /srcset|ping/.test(name)
      ? value.split(name === 'ping' ? /\s/ : ',').map((c) => c.trim().split(/\s+/)[0]!).filter(Boolean)
      : [value];

/**
 * The verdicts on the URLs of one value. A URL found in text counts only when a service claims it:
 * an unknown host named there (an XML namespace, a link in a comment) is no request of its own.
 */
export function verdictsOf(name: string, value: string, judge: (url: string) => Verdict | undefined): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const url of urlsOf(name, value)) {
    const v = judge(url);
    if (v && (v.category || !TEXT.test(name))) verdicts.push(v);
  }
  return verdicts;
}

/**
 * What a held element waits for. Marked: its category and service. Held by the guards: one
 * verdict per gated URL it carries (`judge` answers undefined for URLs no service claims).
 */
export function heldVerdicts(
  el: Element,
  judge: (url: string) => Verdict | undefined,
  categoryOf: (service: string) => string | undefined,
): Verdict[] {
  if (isMarked(el)) {
    const service = attr(el, 'data-service') ?? attr(el, 'data-name') ?? undefined;
    const url = attr(el, 'data-src') ?? attr(el, 'data-href') ?? attr(el, 'src') ?? undefined;
    // Klaro names only the service: its category comes from the catalog (unknown: never granted).
    return [{ category: attr(el, 'data-category') ?? (service && categoryOf(service)) ?? '', service, url }];
  }
  const verdicts = isStyle(el) && isPlain(el) ? verdictsOf('style', el.textContent!, judge) : [];
  for (const name of urlNames(el)) {
    const value = attr(el, HELD + '-' + name) ?? (isPlain(el) && isScript(el) ? urlValue(el, name) : null);
    if (value !== null) verdicts.push(...verdictsOf(name, value, judge));
  }
  return verdicts;
}

/**
 * Holds a script or a `<style>` by its type: neither a script nor a style sheet is made from a
 * `text/plain` one (HTML § prepare the script element, step "type"; § update a style block); its
 * own type is kept in `data-cg-type`.
 */
export function holdByType(el: Element, natives: Natives): void {
  const set = (name: string, value: string) => natives._setAttribute.call(el, name, value);
  if (!isPlain(el)) {
    const type = attr(el, 'type');
    if (type !== null) set(HELD + '-type', type);
    set('type', 'text/plain');
  }
  set(HELD, '');
}

/**
 * holdElement for an element nobody marked: moves the URLs `blocked` says no to out of reach
 * (see the file comment). `scripts: false` leaves scripts alone (`innerHTML` never runs them).
 * Returns whether anything was held; the element then carries `data-cg`.
 */
export function holdElementUrls(el: Element, blocked: (name: string, value: string) => boolean, natives: Natives, scripts = true): boolean {
  if (!scripts && el.localName === 'script') return false;
  let held = isStyle(el) && blocked('style', el.textContent!);
  if (held) holdByType(el, natives);
  for (const name of urlNames(el)) {
    const value = urlValue(el, name);
    if (value === null || !blocked(name, value)) continue;
    held = true;
    if (isScript(el) && name !== 'style') holdByType(el, natives);
    else {
      natives._setAttribute.call(el, HELD + '-' + name, value);
      el.removeAttribute(name);
      if (name === 'href') el.removeAttribute('xlink:href');
    }
  }
  if (held) natives._setAttribute.call(el, HELD, '');
  return held;
}

/** Whether releasing re-creates the element (a `text/plain` script); it must then be in a parent. */
export const releasesByRecreating = (el: Element): boolean => isScript(el) && isPlain(el);

/**
 * Gives a held `<style>` its type back: its style sheet is made then (Chromium updates the style
 * block when `type` changes).
 */
export function restoreType(el: Element, from: string, natives: Natives): void {
  if (!isStyle(el) || !isPlain(el)) return;
  const type = attr(el, from);
  if (type === null) el.removeAttribute('type');
  else natives._setAttribute.call(el, 'type', type);
}
