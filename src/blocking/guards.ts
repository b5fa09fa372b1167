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
import { blockingFailed, HELD, holdElementUrls, isMarked, URL_ATTRIBUTES, URL_ELEMENTS, type Natives } from './markup-gate';

type AnyFn = (this: any, ...args: any[]) => any;

// The values of URL attributes in markup (and of any attribute whose name ends like one).
const URL_VALUE = /(?:src|srcset|href|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
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
    !!URL_ATTRIBUTES[el.localName] &&
    !q._done.has(el) &&
    (isMarked(el) || el.hasAttribute(HELD) || (neutralize(el) && holdElementUrls(el, gated, natives)));
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
  const ON_CONNECT = /^(script|iframe|link|embed|object|source|track)$/;
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

  // --- URL setters and setAttribute --------------------------------------------------------------
  /** Whether the native setter may run; holds the URL in `data-cg-<name>` when it may not. */
  const pass = (el: Element, name: string, value: unknown) => {
    let held = false;
    try {
      const url = String(value);
      const verdicts = q._gated(name, url);
      if (!verdicts) {
        // A later allowed URL replaces a held one, as the attribute would have.
        if (q._isHeld(el)) el.removeAttribute(HELD + '-' + name);
        return true;
      }
      held = true;
      natives._setAttribute.call(el, HELD + '-' + name, url);
      natives._setAttribute.call(el, HELD, '');
      q._hold(el, verdicts);
    } catch (error) {
      blockingFailed(error);
    }
    return !held;
  };
  // The element kind first: most setAttribute calls are on elements without URL attributes, and
  // they take the native path without a lower-cased copy of the name.
  const isUrlAttribute = (el: Element, name: unknown) => {
    const names = URL_ATTRIBUTES[el.localName];
    return !!names && names.includes(String(name).toLowerCase());
  };
  // The URL properties of each element kind, on the interface of that kind (HTMLVideoElement for
  // `video`: `src` is found on HTMLMediaElement, `poster` on HTMLVideoElement itself).
  for (const [tag, props] of Object.entries(URL_ATTRIBUTES)) {
    for (const prop of props) {
      patch(Object.getPrototypeOf(doc.createElement(tag)), prop, (set) => function (value) {
        if (pass(this, prop, value)) set.call(this, value);
      }, true);
    }
  }
  const E = w.Element.prototype;
  patch(E, 'setAttribute', (native) => function (name, value) {
    if (!isUrlAttribute(this, name) || pass(this, String(name).toLowerCase(), value)) return native.call(this, name, value);
  });
  patch(E, 'setAttributeNS', (native) => function (ns, name, value) {
    if (ns != null || !isUrlAttribute(this, name) || pass(this, String(name).toLowerCase(), value)) return native.call(this, ns, name, value);
  });

  // --- insertion ---------------------------------------------------------------------------------
  // `arguments` passes on exactly what the page passed (a missing argument still throws natively).
  const inserting = (at: number) => (native: AnyFn) =>
    function (this: unknown) {
      const hold = screen(arguments[at]);
      const result = native.apply(this, arguments as unknown as unknown[]);
      holdAll(hold);
      return result;
    };
  for (const name of ['appendChild', 'insertBefore', 'replaceChild']) patch(w.Node.prototype, name, inserting(0));
  patch(E, 'insertAdjacentElement', inserting(1));
  patch(w.Range?.prototype, 'insertNode', inserting(0));
  for (const name of ['append', 'prepend', 'before', 'after', 'replaceWith', 'replaceChildren']) {
    patch(E, name, (native) => function (...nodes) {
      let hold: Element[] | undefined;
      for (const node of nodes) hold = screen(node, hold);
      const result = native.apply(this, nodes);
      holdAll(hold);
      return result;
    });
  }

  // --- HTML strings --------------------------------------------------------------------------------
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
    URL_VALUE.lastIndex = 0;
    for (let m; (m = URL_VALUE.exec(html)); ) {
      const v = m[1] ?? m[2] ?? m[3]!;
      if (v.includes('&') || gated(v.includes(',') ? 'srcset' : 'src', v)) return true;
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
      inner.set!.call(template, html);
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
      const html = args[at];
      const where = root(this, null);
      const rewritten = rewrite(html, scripts);
      if (rewritten !== undefined) args[at] = rewritten;
      const result = native.apply(this, args);
      holdIn(root(this, result) ?? where, html, rewritten);
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
        const html = parts.join('');
        const script = this === doc && doc.currentScript;
        if (script && q._done.has(script) && q._releaser?.write) {
          return q._releaser.write(script as HTMLScriptElement, name === 'writeln' ? html + '\n' : html, natives, q._done);
        }
        return write.call(this, html);
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
        for (let i = 0; i < added.length; i++) if (added[i]!.nodeType === 1) visitTree(added[i]!, parserScript, hold);
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
