/**
 * The guards: every way page code (a tracker's bootstrap, a tag manager, the site's own scripts)
 * can make the browser fetch a URL, patched once on the prototypes so that a URL of a service that
 * is not granted never reaches the browser. Everything allowed takes the native path unchanged.
 *
 * - URL setters (`src`, `srcset`, `href`, `data`, `poster`) and `setAttribute`/`setAttributeNS`:
 *   the URL is kept in `data-cg-<attribute>` instead (an `<img>` fetches as soon as its `src` is
 *   set, even detached: `new Image().src = pixel` is held here, HTML § update the image data).
 * - Insertion (`appendChild`, `insertBefore`, `replaceChild`, `append`, `prepend`, `before`,
 *   `after`, `replaceWith`, `replaceChildren`, `insertAdjacentElement`, `Range#insertNode`):
 *   nodes that still carry a gated URL (built in another document, a `DOMParser` result, a
 *   template's content) are made inert before they connect; marked ones are queued.
 * - HTML strings (`innerHTML` of elements and shadow roots, `outerHTML`, `insertAdjacentHTML`,
 *   `setHTMLUnsafe`, `createContextualFragment`, `document.write`/`writeln`): parsed in an inert
 *   `<template>` (no fetch, no script runs there), gated URLs rewritten, and the rewritten markup
 *   handed to the native method. Markup whose URL attributes are all allowed (the common case,
 *   checked first without parsing) passes as it came. Scripts from `document.write` and
 *   `createContextualFragment` do run, so theirs are held too (as `text/plain`). A script the
 *   releaser ran has its `document.write` go to the releaser (document-write.ts), not the page.
 * - Requests without elements: `fetch` resolves with an empty 204 response; `XMLHttpRequest`
 *   opens `data:,` instead and sends no body (no request leaves; the site sees a normal completed
 *   request: status 200, empty response); `navigator.sendBeacon` returns false ("not queued").
 * - While the document parses, a MutationObserver sees what the HTML parser inserts after the
 *   SDK's script: marked elements are queued, and an unmarked parser-inserted script with a gated
 *   `src` becomes `text/plain` before it runs: the parser performs a microtask checkpoint (which
 *   delivers mutation records) before it prepares a script (HTML § "An end tag whose tag name is
 *   script"). After DOMContentLoaded every insertion goes through the methods above.
 *
 * Limits, by design of the browser, not of this code: Chromium's preload scanner may still
 * *fetch* (never run) an unmarked static `<script src>` of a tracker, and a static `<iframe>` or
 * `<img>` starts loading the moment the parser creates it: site owners mark static tags. Content
 * inside a closed shadow root created from markup stays held for good (fail closed). The guards
 * stop trackers' ordinary code paths; they are no sandbox against code written to evade them
 * (any script can take a pristine `appendChild` from a new iframe).
 *
 * Nothing here throws into the page: a failure in our code falls back to the native behaviour
 * when the URL was judged allowed, and to holding when it was judged gated.
 */
import type { HeldQueue } from './held-queue';
import { trusted } from '../trusted-types';
import { blockingFailed, HELD, holdByType, holdElementUrls, isMarked, URL_ATTRIBUTES, URL_ELEMENTS, urlsOf, type Natives } from './markup-gate';

type AnyFn = (this: any, ...args: any[]) => any;

// The values of URL attributes in markup (and of any attribute whose name ends like one).
const URL_VALUE = /(?:src|srcset|href|data|poster|ping|srcdoc)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const XLINK = 'http://www.w3.org/1999/xlink';
/** Same-origin frames' windows the guards are in (see `guardFrames`). */
const guardedWindows = new WeakSet<object>();
// What markup needs to name another origin: a scheme, `//`, `\` (read as `/`) or an entity.
const MAY_LEAVE_ORIGIN = /[:\\&]|\/\//;

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

  const gated = (name: string, value: string) => !!q._gated(name, value);

  /**
   * One element about to connect (or just connected, from the parser): to be queued when it is
   * marked or already held, or when `neutralize` says to check it and it carries a gated URL
   * (which is then made inert first).
   */
  const toHold = (el: Element, neutralize: (el: Element) => boolean) =>
    !q._done.has(el) && (isMarked(el) || el.hasAttribute(HELD) || (neutralize(el) && holdElementUrls(el, gated, natives)));
  const visitTree = (node: Node, neutralize: (el: Element) => boolean, hold: Element[], selector = URL_ELEMENTS) => {
    if (node.nodeType === 1 && toHold(node as Element, neutralize)) hold.push(node as Element);
    if ((node as ParentNode).firstElementChild) {
      const found = (node as ParentNode).querySelectorAll(selector);
      for (let i = 0; i < found.length; i++) if (toHold(found[i]!, neutralize)) hold.push(found[i]!);
    }
    return hold;
  };
  const holdAll = (els: Element[] | undefined) => els?.forEach((el) => q._hold(el));

  // What insertion has to check. A fragment, or a node from another document (DOMParser, a
  // template's content, another frame), never fetched: all of it. An element of this document:
  // itself only. Its URLs came through the guarded setters, unless by a side door
  // (setAttributeNode), so only an element that fetches once connected is checked again (<img>,
  // <video>, <audio>, <input> fetched when their URL was set); a marked or held one is queued.
  // Its descendants were checked when they were inserted into it, or came with markup (checked
  // by the HTML guards) or a clone (a clone of a held or marked element stays inert: fail closed).
  const always = () => true;
  const ON_CONNECT = /^(script|iframe|link|embed|object|source|track|style)$/;
  const fetchesOnConnect = (el: Element) => ON_CONNECT.test(el.localName);
  /**
   * Before a native insertion: makes gated nodes inert; returns what to queue once inserted (a
   * held script is re-created in its parent), or nothing. The hot path of every insertion of the
   * page: no allocation unless there is something to hold.
   */
  const screen = (node: unknown, hold?: Element[]) => {
    const n = node as Element;
    if (!n || typeof n !== 'object' || (n.nodeType === 1 && !URL_ATTRIBUTES[n.localName] && n.ownerDocument === doc)) return hold;
    try {
      if (n.nodeType === 11 || (n.nodeType === 1 && n.ownerDocument !== doc)) hold = visitTree(n, always, hold ?? []);
      else if (n.nodeType === 1 && toHold(n, fetchesOnConnect)) (hold ??= []).push(n);
    } catch (error) {
      blockingFailed(error);
    }
    return hold?.length ? hold : undefined;
  };

  /**
   * Text going into a `<style>` (`nodes`: strings or nodes): with a `url()` or `@import` of a
   * gated service, the style is held first (by its type), so no style sheet is made from it.
   */
  const isStyle = (el: any) => el?.localName === 'style';
  const cssInto = (el: any, nodes: unknown[]) => {
    try {
      const verdicts = q._gated('style', nodes.map((n: any) => (Object(n) === n ? n.textContent : n)).join(''));
      if (verdicts) {
        holdByType(el, natives);
        q._hold(el, verdicts);
      }
    } catch (error) {
      blockingFailed(error);
    }
  };

  /**
   * The windows of same-origin frames (about:blank, `srcdoc`) get the guards as soon as they
   * exist: what the page writes or appends into them, and what their own scripts do, is judged as
   * here. (A `srcdoc` document keeps the window of the frame's first about:blank one: HTML §
   * "initialize the document object", so what is patched there stays.) A frame's window exists
   * once it is connected: they are looked for before an insertion, guarded after it.
   */
  const framesIn = (n: any, frames?: Element[]) => {
    if (n?.localName === 'iframe') (frames ??= []).push(n);
    else if (n?.firstElementChild) for (const frame of n.querySelectorAll('iframe')) (frames ??= []).push(frame);
    return frames;
  };
  const guardFrames = (frames: Element[] | undefined) => {
    for (const frame of frames ?? []) {
      try {
        const child = (frame as HTMLIFrameElement).contentWindow as any;
        // Reading `document` of another origin's window throws: that frame is not ours to guard.
        if (child && !guardedWindows.has(child) && child.document) {
          guardedWindows.add(child);
          installGuards(child, q, nativesOf(child));
        }
      } catch {
        // Another origin.
      }
    }
  };

  // --- URL setters and setAttribute --------------------------------------------------------------
  /** Whether the native setter may run; holds the URL in `data-cg-<name>` when it may not. */
  const pass = (el: Element, name: string, value: unknown) => {
    let verdicts: ReturnType<typeof q._gated>;
    const url = String(value);
    try {
      verdicts = q._gated(name, url);
      if (!verdicts) {
        // A later allowed URL replaces a held one, as the attribute would have.
        if (q._isHeld(el)) el.removeAttribute(HELD + '-' + name);
        return true;
      }
    } catch (error) {
      blockingFailed(error);
    }
    // Trusted Types: a value the native setter would refuse is refused here as well (the same
    // TypeError), never held: ConsentGate's policy releases what is held (trusted-types.ts). On a
    // detached element of the same kind, which fetches nothing for these.
    if (el.localName === 'script' || name === 'srcdoc') natives._setAttribute.call(doc.createElementNS(el.namespaceURI, el.localName), name, value as string);
    try {
      natives._setAttribute.call(el, HELD + '-' + name, url);
      natives._setAttribute.call(el, HELD, '');
      q._hold(el, verdicts);
    } catch (error) {
      blockingFailed(error);
    }
    return false;
  };
  /**
   * The name of a URL attribute of `el` (or `style`), lower case, or undefined. The element kind
   * first: most setAttribute calls are on elements without URL attributes, and they take the
   * native path without a lower-cased copy of the name unless it may be `style`.
   */
  const urlAttribute = (el: Element, name: unknown) => {
    const names = URL_ATTRIBUTES[el.localName];
    const n = String(name);
    if (!names && n.length !== 5) return;
    const lower = n.toLowerCase();
    return lower === 'style' || names?.includes(lower) ? lower : undefined;
  };
  // The URL properties of each element kind, on the interface of that kind (HTMLVideoElement for
  // `video`: `src` is found on HTMLMediaElement, `poster` on HTMLVideoElement itself).
  // (SVG's `href` is a read-only SVGAnimatedString: set through the attribute.)
  const setters: Array<[proto: any, prop: string, attribute?: string]> = [
    [w.HTMLElement.prototype, 'style'],
    [w.SVGElement?.prototype, 'style'],
    [w.HTMLLinkElement?.prototype, 'imageSrcset', 'imagesrcset'],
  ];
  for (const [tag, props] of Object.entries(URL_ATTRIBUTES)) {
    for (const prop of props) setters.push([Object.getPrototypeOf(doc.createElement(tag)), prop]);
  }
  for (const [proto, prop, attribute = prop] of setters) {
    patch(proto, prop, (set) => function (value) {
      if (pass(this, attribute, value)) set.call(this, value);
    }, true);
  }
  const E = w.Element.prototype;
  patch(E, 'setAttribute', (native) => function (name, value) {
    const n = urlAttribute(this, name);
    if (!n || pass(this, n, value)) return native.call(this, name, value);
  });
  // An attribute in a namespace is another attribute, but SVG's `xlink:href`.
  const urlAttributeNS = (el: Element, ns: unknown, name: unknown) =>
    (ns == null || ns === XLINK) && urlAttribute(el, String(name).split(':').pop());
  patch(E, 'setAttributeNS', (native) => function (ns, name, value) {
    const n = urlAttributeNS(this, ns, name);
    if (!n || pass(this, n, value)) return native.call(this, ns, name, value);
  });
  // The side doors to the same attributes: attribute nodes. One set on an element of ours is held
  // as setAttribute would hold its value (and not attached, or not changed).
  const passAttr = (owner: Element | null | undefined, a: Attr, value: unknown) => {
    const n = owner && urlAttributeNS(owner, a.namespaceURI, a.localName);
    return !n || pass(owner, n, value);
  };
  for (const name of ['setAttributeNode', 'setAttributeNodeNS']) {
    patch(E, name, (native) => function (a) {
      return passAttr(this, a, a?.value) ? native.call(this, a) : null;
    });
    // A NamedNodeMap names no element: one of its attributes does. A map with none is judged
    // once the attribute is in, and the attribute taken out again before the browser reads it.
    patch(w.NamedNodeMap?.prototype, name.replace('AttributeNode', 'NamedItem'), (native) => function (a) {
      const owner = this.length ? this.item(0).ownerElement : null;
      if (owner && !passAttr(owner, a, a?.value)) return null;
      const result = native.call(this, a);
      if (!owner && !passAttr(a.ownerElement, a, a.value)) a.ownerElement.removeAttributeNode(a);
      return result;
    });
  }
  patch(w.Attr?.prototype, 'value', (set) => function (value) {
    if (passAttr(this.ownerElement, this, value)) set.call(this, value);
  }, true);
  // `nodeValue` and `textContent` of an attribute set its value; `textContent` (and `innerText`)
  // of a <style> its style sheet.
  for (const [proto, prop] of [[w.Node.prototype, 'nodeValue'], [w.Node.prototype, 'textContent'], [w.HTMLElement.prototype, 'innerText']]) {
    patch(proto, prop, (set) => function (value) {
      if (this.nodeType === 2 ? passAttr(this.ownerElement, this, value) : !isStyle(this) || (cssInto(this, [value]), true)) set.call(this, value);
    }, true);
  }

  // --- insertion ---------------------------------------------------------------------------------
  // `arguments` passes on exactly what the page passed (a missing argument still throws natively).
  const inserting = (at: number) => (native: AnyFn) =>
    function (this: unknown) {
      const node = arguments[at];
      const hold = screen(node);
      const frames = framesIn(node);
      if (isStyle(this)) cssInto(this, [node]);
      const result = native.apply(this, arguments as unknown as unknown[]);
      holdAll(hold);
      guardFrames(frames);
      return result;
    };
  for (const name of ['appendChild', 'insertBefore', 'replaceChild']) patch(w.Node.prototype, name, inserting(0));
  patch(E, 'insertAdjacentElement', inserting(1));
  patch(w.Range?.prototype, 'insertNode', inserting(0));
  for (const name of ['append', 'prepend', 'before', 'after', 'replaceWith', 'replaceChildren']) {
    patch(E, name, (native) => function (...nodes) {
      let hold: Element[] | undefined;
      for (const node of nodes) hold = screen(node, hold);
      let frames: Element[] | undefined;
      for (const node of nodes) frames = framesIn(node, frames);
      if (isStyle(this)) cssInto(this, nodes);
      const result = native.apply(this, nodes);
      holdAll(hold);
      guardFrames(frames);
      return result;
    });
  }

  // --- HTML strings --------------------------------------------------------------------------------
  // Trusted Types (trusted-types.ts), read before the page can replace them.
  const types = w.trustedTypes;
  const isHTML: AnyFn | undefined = types?.isHTML;
  const isTrustedHTML = (value: unknown): boolean => !!isHTML?.call(types, value);
  const trustedHTMLText: AnyFn | undefined = w.TrustedHTML?.prototype.toString;
  // The template's own innerHTML, read before the patch below (it fills `content`, HTML § template).
  let inner: PropertyDescriptor | undefined;
  for (let p = Object.getPrototypeOf(doc.createElement('template')); p && !inner; p = Object.getPrototypeOf(p)) {
    inner = Object.getOwnPropertyDescriptor(p, 'innerHTML');
  }
  /**
   * Whether markup may carry a gated URL: every value of an attribute whose name ends in a URL
   * attribute's is judged. A value with `&` (an entity may hide a URL) counts as gated, so the
   * template decides. This pre-check only spares the template for the common case; it is not a
   * tokenizer (see the limits above).
   */
  const mayHoldUrl = (html: string) => {
    // Any gated service named in the text: URL attributes, `style`, a <style>'s CSS, srcdoc.
    if (gated('style', html)) return true;
    URL_VALUE.lastIndex = 0;
    for (let m; (m = URL_VALUE.exec(html)); ) {
      const v = m[1] ?? m[2] ?? m[3]!;
      // A `data:` frame, an unknown third party, a URL with an entity.
      if (v.includes('&') || gated('src', v) || (v.includes(',') && gated('srcset', v))) return true;
    }
    return false;
  };
  /** The markup with gated URLs held, or undefined when it may pass as it is. */
  const rewrite = (html: unknown, scripts: boolean): string | undefined => {
    // Markup with no `:`, `//`, `\` or `&` has only same-origin URLs: nothing to judge unless a
    // pattern covers the page's own host.
    if (typeof html !== 'string' || !inner || (!MAY_LEAVE_ORIGIN.test(html) && !q._catalog.coversPageHost) || !mayHoldUrl(html)) return;
    try {
      const template = doc.createElement('template');
      // Inert: nothing in a template's content fetches or runs (trusted-types.ts).
      inner.set!.call(template, trusted('createHTML', html, w));
      let changed = false;
      const scan = (root: ParentNode) => {
        for (const el of Array.from(root.querySelectorAll(URL_ELEMENTS + ',template'))) {
          if (el.localName === 'template') scan((el as HTMLTemplateElement).content);
          else if (holdElementUrls(el, gated, natives, scripts)) changed = true;
        }
      };
      scan(template.content);
      return changed ? inner.get!.call(template) : undefined;
    } catch (error) {
      blockingFailed(error);
      return;
    }
  };
  // What markup produced: held (rewritten) or marked elements are queued now; they may stay
  // detached, or live in a shadow root.
  const MARKUP_HELD = '[' + HELD + '],[data-category],[data-name]';
  const holdIn = (root: ParentNode | null, html: unknown, rewritten: string | undefined) => {
    if (root && (rewritten !== undefined || /data-(category|name)/.test(html as string))) {
      holdAll(visitTree(root as Node, () => false, [], MARKUP_HELD));
      // Declarative shadow roots (setHTMLUnsafe): open ones are looked into; a closed one keeps
      // what it holds held for good.
      if (/shadowrootmode/i.test(html as string)) {
        for (const el of Array.from(root.querySelectorAll('*'))) if (el.shadowRoot) holdIn(el.shadowRoot, html, rewritten);
      }
    }
  };
  /**
   * A method (or setter) taking markup as argument `at`: the markup goes in rewritten, and what
   * it produced is queued from `root` (the element, its parent, or what the method returned).
   * `scripts`: whether scripts in that markup would run (not with innerHTML and its kin).
   */
  type Root = (self: any, result: any) => ParentNode | null;
  const markup = (at: number, scripts: boolean, root: Root) => (native: AnyFn) =>
    function (this: any, ...args: unknown[]) {
      const value = args[at];
      const trustedValue = isTrustedHTML(value);
      // What the native method would parse: a TrustedHTML's own value (read with the native
      // toString: the page may replace the prototype's), else the value as a string, converted once
      // (a `toString` may answer something else the second time) and handed on as that string.
      const html = trustedValue ? trustedHTMLText!.call(value) : String(value);
      if (Object(value) === value && !trustedValue) args[at] = html;
      const where = root(this, null);
      if (isStyle(this)) cssInto(this, [html]);
      const rewritten = rewrite(html, scripts);
      // Rewritten markup of a TrustedHTML stays trusted (ConsentGate's policy: only URLs were held).
      if (rewritten !== undefined) args[at] = trustedValue ? trusted('createHTML', rewritten, w) : rewritten;
      const result = native.apply(this, args);
      const made = root(this, result) ?? where;
      holdIn(made, html, rewritten);
      if (/<iframe/i.test(html)) guardFrames(framesIn(made));
      return result;
    };
  const self: Root = (el) => el;
  const parent: Root = (el) => el.parentNode ?? el;
  patch(E, 'innerHTML', markup(0, false, self), true);
  patch(w.ShadowRoot?.prototype, 'innerHTML', markup(0, false, self), true);
  // The element is gone afterwards: its former parent holds the new nodes.
  patch(E, 'outerHTML', markup(0, false, (el, result) => (result === null ? el.parentNode : null)), true);
  patch(E, 'insertAdjacentHTML', markup(1, false, parent));
  // Declarative shadow roots come alive here: the rewrite also looks into nested templates.
  for (const proto of [E, w.ShadowRoot?.prototype]) patch(proto, 'setHTMLUnsafe', markup(0, false, self));
  patch(w.Range?.prototype, 'createContextualFragment', markup(0, true, (_, fragment) => fragment));
  // The parser inserts what document.write wrote: the observer below queues it. A script the
  // releaser ran (a released tag, or one it wrote) is not the parser's: the native write would
  // replace the page. Its writes go to the releaser, which puts them where it stands.
  for (const name of ['write', 'writeln']) {
    patch(Object.getPrototypeOf(doc), name, (native) => {
      const write = markup(0, true, () => null)(native);
      return function (this: Document, ...parts: unknown[]) {
        const html = parts.map((p) => (isTrustedHTML(p) ? trustedHTMLText!.call(p) : String(p))).join('');
        const script = this === doc && doc.currentScript;
        if (script && q._done.has(script) && q._releaser?.write) {
          return q._releaser.write(script as HTMLScriptElement, name === 'writeln' ? html + '\n' : html, natives, q._done);
        }
        // Parts that were all TrustedHTML make trusted markup (trusted-types.ts).
        const result = write.call(this, parts.length && parts.every(isTrustedHTML) ? trusted('createHTML', html, w) : html);
        // No observer queues what the parser put there (a frame's document, written by its parent;
        // this page once parsed): queued now.
        if (!parsing || !observer) holdAll(visitTree(this, () => false, [], MARKUP_HELD));
        return result;
      };
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
  // Connections and workers to a gated URL are refused as the browser refuses one its CSP does
  // not allow: a SecurityError from the constructor. A worker's own requests are out of reach, so
  // a worker is judged by its script: its URL, or what a `blob:` or `data:` URL's text names.
  for (const [name, via] of [['WebSocket', 'websocket'], ['EventSource', 'eventsource'], ['Worker', 'worker'], ['SharedWorker', 'worker']] as const) {
    patch(w, name, (native) => new Proxy(native, {
      construct(target, args, newTarget) {
        if (q._blocks(args[0], via)) throw new w.DOMException('ConsentGate: ' + args[0] + ' waits for consent', 'SecurityError');
        return Reflect.construct(target, args, newTarget);
      },
    }));
  }
  // What a blob's text names (its string parts, and the blobs it is made of), for its `blob:` URLs.
  // Bytes (ArrayBuffer parts) are not read.
  const blobUrls = new WeakMap<object, string[]>();
  for (const name of ['Blob', 'File']) {
    patch(w, name, (native) => new Proxy(native, {
      construct(target, args, newTarget) {
        const blob = Reflect.construct(target, args, newTarget);
        try {
          let text = '';
          for (const part of args[0] ?? []) text += typeof part === 'string' ? part : (blobUrls.get(part) ?? []).join(' ');
          const urls = urlsOf('srcdoc', text);
          if (urls.length) blobUrls.set(blob, urls);
        } catch (error) {
          blockingFailed(error);
        }
        return blob;
      },
    }));
  }
  patch(w.URL, 'createObjectURL', (native) => function (blob) {
    const url = native.call(this, blob);
    const urls = blobUrls.get(blob);
    if (urls) q._blobs.set(url, urls);
    return url;
  });
  patch(w.URL, 'revokeObjectURL', (native) => function (url) {
    q._blobs.delete(String(url));
    return native.call(this, url);
  });

  // --- what the parser inserts ---------------------------------------------------------------------
  // Only while the document parses: after that every insertion goes through the methods above, and
  // an observer would cost every insertion of the page for nothing.
  const parserScript = (el: Element) => el.localName === 'script';
  // Elements the parser may not be done with are queued once it has moved past them (a node
  // follows them or one of their ancestors, or the document is parsed):
  // - A marked <video>/<audio> takes its URLs from <source> children the parser may not have
  //   inserted yet: the records come at the end of the parser's task, and a network chunk (or the
  //   parser's time slice) can end between the two tags. Released then, it would find no source,
  //   and a source inserted later is not looked at again (HTML § "the resource selection
  //   algorithm" waits for a source element, and this one has no src yet).
  // - An iframe: Chromium delivers our records *inside* the insertion of one that starts at
  //   about:blank (no src, as a marked one), where its new frame commits about:blank synchronously
  //   (HTMLFrameOwnerElement::LoadOrRedirectSubframe, crbug.com/778318) and performs a microtask
  //   checkpoint before that commit has replaced the frame's initial document. A src set there (a
  //   release, when the app is already running) starts no navigation: no request, the frame stays
  //   about:blank (CDP reports no navigation requested for it). HTML has the insertion end with
  //   "process the iframe attributes" (the iframe load event steps for about:blank); once the
  //   parser has inserted anything after the frame, that is over, and a src set starts a navigation.
  let parsing = true;
  let unfinished: Element[] = [];
  const parserWithin = (el: Element) => {
    for (let n: Node | null = el; n; n = n.parentNode) if (n.nextSibling) return false;
    return parsing;
  };
  const observed = (records: MutationRecord[]) => {
    try {
      const hold = unfinished;
      unfinished = [];
      for (let r = 0; r < records.length; r++) {
        const added = records[r]!.addedNodes;
        for (let i = 0; i < added.length; i++) {
          if (added[i]!.nodeType === 1) visitTree(added[i]!, parserScript, hold);
          // Each element the parser inserts has a record of its own.
          if ((added[i] as Element).localName === 'iframe') guardFrames([added[i] as Element]);
        }
      }
      for (const el of hold) {
        if (/^(video|audio|iframe)$/.test(el.localName) && parserWithin(el)) unfinished.push(el);
        else q._hold(el);
      }
    } catch (error) {
      blockingFailed(error);
    }
  };
  const observer: MutationObserver | undefined = doc.readyState === 'loading' ? new w.MutationObserver(observed) : undefined;
  const parsed = () => {
    parsing = false;
    if (observer) observed(observer.takeRecords());
    observer?.disconnect();
  };
  if (observer) {
    observer.observe(doc, { childList: true, subtree: true });
    doc.addEventListener('DOMContentLoaded', parsed, { once: true });
  }
  // What was parsed before the SDK: marked tags are queued; unmarked ones already ran.
  holdAll(visitTree(doc, () => false, []));

  return () => {
    observer?.disconnect();
    doc.removeEventListener('DOMContentLoaded', parsed);
    for (const restore of restores.splice(0).reverse()) restore();
  };
}
