/**
 * The guards: every way page code (a tracker's bootstrap, a tag manager, the site's own scripts)
 * can make the browser fetch a URL, patched once on the prototypes so that a URL of a service that
 * is not granted never reaches the browser. Everything allowed takes the native path unchanged.
 *
 * - URL setters (`src`, `srcset`, `href`, `data`, `poster`) and `setAttribute`/`setAttributeNS`:
 *   the URL is kept in `data-cg-<attribute>` instead (an `<img>` fetches as soon as its `src` is
 *   set, even detached: `new Image().src = pixel` is held here, HTML § update the image data).
 * - Insertion (`appendChild`, `insertBefore`, `replaceChild`, `append`, `prepend`, `before`,
 *   `after`, `replaceWith`, `insertAdjacentElement`): nodes that still carry a gated URL (built in
 *   another document, a `DOMParser` result, a template's content) are held before they connect.
 * - HTML strings (`innerHTML`, `outerHTML`, `insertAdjacentHTML`, `createContextualFragment`,
 *   `document.write`): parsed in an inert `<template>` (no fetch, no script runs there), gated URLs
 *   rewritten, and the rewritten markup handed to the native method; markup without a URL
 *   attribute, or with nothing to hold, passes as it came. `document.write` and
 *   `createContextualFragment` scripts do run, so theirs are held too (as `text/plain`).
 * - Requests without elements: `fetch` resolves with an empty 204 response, `XMLHttpRequest`
 *   opens `data:,` instead and sends no body (no request leaves; the site sees a normal, completed
 *   request, status 200, empty response),
 *   `navigator.sendBeacon` returns false ("not queued").
 * - A MutationObserver on the document sees what the HTML parser inserts after the SDK's script:
 *   marked elements are queued, and an unmarked parser-inserted script with a gated `src` becomes
 *   `text/plain` before it runs: the parser performs a microtask checkpoint (which delivers
 *   mutation records) before it prepares a script (HTML § the "in body"/"text" insertion mode,
 *   "An end tag whose tag name is script"). Limits, by design of the browser, not of this code:
 *   Chromium's preload scanner may still *fetch* (never run) such a static `<script src>`, and a
 *   static `<iframe>`/`<img>` starts loading the moment the parser creates it: mark static tags.
 *
 * Nothing here throws into the page: a failure in our code falls back to the native behaviour
 * when the URL was judged allowed, and to holding when it was judged gated.
 */
import { logError } from '../log';
import type { HeldQueue } from './held-queue';
import { HELD, holdElementUrls, isMarked, URL_ATTRIBUTES, URL_ELEMENTS, type Natives } from './markup-gate';

type AnyFn = (this: any, ...args: any[]) => any;

/** Property setters per interface. `HTMLMediaElement` covers `<video>` and `<audio>`. */
const URL_SETTERS: Record<string, string[]> = {
  HTMLScriptElement: ['src'],
  HTMLImageElement: ['src', 'srcset'],
  HTMLIFrameElement: ['src'],
  HTMLSourceElement: ['src', 'srcset'],
  HTMLEmbedElement: ['src'],
  HTMLObjectElement: ['data'],
  HTMLLinkElement: ['href'],
  HTMLMediaElement: ['src'],
  HTMLVideoElement: ['poster'],
  HTMLTrackElement: ['src'],
  HTMLInputElement: ['src'],
};

// Cheap test before any parsing: markup without a URL attribute passes untouched.
const URL_HINT = /(src|srcset|href|data|poster)\s*=/i;

/** Natives of a window, read before any patch. */
export function nativesOf(win: Window): Natives {
  const w = win as any;
  return { _setAttribute: w.Element.prototype.setAttribute, _replaceChild: w.Node.prototype.replaceChild };
}

/**
 * Patches `win` for `q`. Returns the function that restores every native (tests, `uninstall`).
 * The caller makes sure it runs once per window.
 */
export function installGuards(win: Window, q: HeldQueue, natives: Natives): () => void {
  const w = win as any;
  const doc: Document = w.document;
  const restores: Array<() => void> = [];

  /** Wraps `proto[name]` (a method, or with `setter` the accessor's setter) where it is found. */
  const patch = (proto: any, name: string, wrap: (native: AnyFn) => AnyFn, setter?: boolean) => {
    let owner = proto;
    let d: PropertyDescriptor | undefined;
    while (owner && !(d = Object.getOwnPropertyDescriptor(owner, name))) owner = Object.getPrototypeOf(owner);
    const native = d && (setter ? d.set : d.value);
    if (typeof native !== 'function') return;
    const own = Object.getOwnPropertyDescriptor(proto, name);
    Object.defineProperty(proto, name, setter ? { ...d, set: wrap(native) } : { ...d, value: wrap(native) });
    restores.push(() => (own ? Object.defineProperty(proto, name, own) : delete proto[name]));
  };

  const gated = (name: string, value: string) => !q._allows(q._verdictsOf(name, value));

  /**
   * One element: queue it when marked or already held; otherwise hold its gated URLs when
   * `neutralize` says so (insertion: always; parser: scripts while the document is parsing, which
   * cannot have run yet; the first scan: never, those ran before us).
   */
  const visit = (el: Element, neutralize: (el: Element) => boolean) => {
    if (!URL_ATTRIBUTES[el.localName] || q._done.has(el)) return;
    if (isMarked(el) || el.hasAttribute(HELD) || (neutralize(el) && holdElementUrls(el, gated, natives))) q._hold(el);
  };
  const visitTree = (node: Node, neutralize: (el: Element) => boolean) => {
    if (node.nodeType === 1) visit(node as Element, neutralize);
    if ((node as ParentNode).firstElementChild) for (const el of Array.from((node as ParentNode).querySelectorAll(URL_ELEMENTS))) visit(el, neutralize);
  };

  const always = () => true;
  const screen = (node: unknown) => {
    try {
      if (node && typeof node === 'object' && ((node as Node).nodeType === 1 || (node as Node).nodeType === 11)) visitTree(node as Node, always);
    } catch (error) {
      logError('Checking an inserted node failed.', error);
    }
  };

  // --- URL setters and setAttribute --------------------------------------------------------------
  /** Whether the native setter may run; holds the URL in `data-cg-<name>` when it may not. */
  const pass = (el: Element, name: string, value: unknown) => {
    if (!URL_ATTRIBUTES[el.localName]?.includes(name)) return true;
    let held = false;
    try {
      const url = String(value);
      if (q._allows(q._verdictsOf(name, url))) {
        // A later allowed URL replaces a held one, as the attribute would have.
        if (el.hasAttribute(HELD + '-' + name)) el.removeAttribute(HELD + '-' + name);
        return true;
      }
      held = true;
      natives._setAttribute.call(el, HELD + '-' + name, url);
      natives._setAttribute.call(el, HELD, '');
      q._hold(el);
    } catch (error) {
      logError('Checking a URL failed.', error);
    }
    return !held;
  };
  for (const [name, props] of Object.entries(URL_SETTERS)) {
    for (const prop of props) {
      patch(w[name]?.prototype, prop, (set) => function (value) {
        if (pass(this, prop, value)) set.call(this, value);
      }, true);
    }
  }
  const E = w.Element.prototype;
  patch(E, 'setAttribute', (native) => function (name, value) {
    if (pass(this, String(name).toLowerCase(), value)) return native.call(this, name, value);
  });
  patch(E, 'setAttributeNS', (native) => function (ns, name, value) {
    if (ns != null || pass(this, String(name).toLowerCase(), value)) return native.call(this, ns, name, value);
  });

  // --- insertion ---------------------------------------------------------------------------------
  for (const name of ['appendChild', 'insertBefore', 'replaceChild']) {
    patch(w.Node.prototype, name, (native) => function (node, ...rest) {
      screen(node);
      return native.call(this, node, ...rest);
    });
  }
  for (const name of ['append', 'prepend', 'before', 'after', 'replaceWith']) {
    patch(E, name, (native) => function (...nodes) {
      nodes.forEach(screen);
      return native.apply(this, nodes);
    });
  }
  patch(E, 'insertAdjacentElement', (native) => function (where, node) {
    screen(node);
    return native.call(this, where, node);
  });

  // --- HTML strings --------------------------------------------------------------------------------
  // The template's own innerHTML, read before the patch below (it fills `content`, HTML § template).
  let inner: PropertyDescriptor | undefined;
  for (let p = Object.getPrototypeOf(doc.createElement('template')); p && !inner; p = Object.getPrototypeOf(p)) {
    inner = Object.getOwnPropertyDescriptor(p, 'innerHTML');
  }
  /** The markup with gated URLs held, or undefined when it may pass as it is. */
  const rewrite = (html: unknown, scripts: boolean): string | undefined => {
    if (typeof html !== 'string' || !URL_HINT.test(html) || !inner) return;
    try {
      const template = doc.createElement('template');
      inner.set!.call(template, html);
      let changed = false;
      for (const el of Array.from(template.content.querySelectorAll(URL_ELEMENTS))) {
        if (holdElementUrls(el, gated, natives, scripts)) changed = true;
      }
      return changed ? inner.get!.call(template) : undefined;
    } catch (error) {
      logError('Checking markup failed.', error);
      return;
    }
  };
  // Elements the rewritten markup produced: held now (they may stay detached, or in a shadow root).
  const holdIn = (root: ParentNode | null) => {
    if (root) for (const el of Array.from(root.querySelectorAll('[' + HELD + ']'))) q._hold(el);
  };
  const htmlSetter = (where: (el: Element) => ParentNode | null) => (set: AnyFn) =>
    function (this: Element, html: unknown) {
      const root = where(this);
      const rewritten = rewrite(html, false);
      set.call(this, rewritten ?? html);
      if (rewritten !== undefined) holdIn(root);
    };
  patch(E, 'innerHTML', htmlSetter((el) => el), true);
  patch(w.ShadowRoot?.prototype, 'innerHTML', htmlSetter((el) => el), true);
  patch(E, 'outerHTML', htmlSetter((el) => el.parentNode), true);
  patch(E, 'insertAdjacentHTML', (native) => function (where, html) {
    const rewritten = rewrite(html, false);
    native.call(this, where, rewritten ?? html);
    if (rewritten !== undefined) holdIn(this.parentNode ?? this);
  });
  patch(w.Range?.prototype, 'createContextualFragment', (native) => function (html) {
    const rewritten = rewrite(html, true);
    const fragment = native.call(this, rewritten ?? html);
    if (rewritten !== undefined) holdIn(fragment);
    return fragment;
  });
  // The parser inserts what document.write wrote: the observer below queues it.
  for (const name of ['write', 'writeln']) {
    patch(Object.getPrototypeOf(doc), name, (native) => function (...parts) {
      const html = parts.join('');
      return native.call(this, rewrite(html, true) ?? html);
    });
  }

  // --- requests without elements -------------------------------------------------------------------
  patch(w, 'fetch', (native) => function (input, init) {
    if (q._blocks(input?.url ?? input, 'fetch')) return Promise.resolve(new w.Response(null, { status: 204 }));
    return native.call(this, input, init);
  });
  const redirected = new WeakSet<object>();
  const xhr = w.XMLHttpRequest?.prototype;
  patch(xhr, 'open', (native) => function (method, url, ...rest) {
    const blocked = q._blocks(url, 'xhr');
    redirected[blocked ? 'add' : 'delete'](this);
    // `rest` keeps the argument count: open(m, u, undefined) is a synchronous request.
    return blocked ? native.call(this, 'GET', 'data:,', ...rest) : native.call(this, method, url, ...rest);
  });
  // The site's body goes nowhere (a GET carries none: XHR § send() step 4).
  patch(xhr, 'send', (native) => function (body) {
    return redirected.has(this) ? native.call(this) : native.call(this, body);
  });
  patch(w.Navigator?.prototype, 'sendBeacon', (native) => function (url, data) {
    return q._blocks(url, 'beacon') ? false : native.call(this, url, data);
  });

  // --- what the parser inserts -----------------------------------------------------------------------
  const parserScript = (el: Element) => el.localName === 'script' && doc.readyState === 'loading';
  const observer = new w.MutationObserver((records: MutationRecord[]) => {
    for (const record of records) {
      for (const node of Array.from(record.addedNodes)) {
        try {
          visitTree(node, parserScript);
        } catch (error) {
          logError('Checking a parsed element failed.', error);
        }
      }
    }
  });
  observer.observe(doc, { childList: true, subtree: true });
  // What was parsed before the SDK: marked tags are queued; unmarked ones already ran.
  visitTree(doc, () => false);

  return () => {
    observer.disconnect();
    for (const restore of restores.splice(0).reverse()) restore();
  };
}
