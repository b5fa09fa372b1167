/**
 * The held queue: the policy, the verdict on a URL, and the one ordered list of everything held
 * (marked tags, tags the guards stopped, detached `new Image()` pixels). `reevaluate()` releases
 * what the policy now allows: each element once, in the order it was held (document order for
 * what the parser inserts), through the releaser (`release.ts`): scripts one after the other, an
 * external script that is not `async` awaited (load or error, at most `SCRIPT_TIMEOUT` ms) before
 * the next one, so an inline `gtag('config', …)` marked after its loader runs after it. Until a
 * releaser is attached nothing is released (the boot: the app attaches it with the policy).
 */
import { guarded, logDebug, logWarning } from '../log';
import type { CatalogService, ServiceCatalog } from './catalog';
import { blockingFailed, heldVerdicts, isMarked, releasesByRecreating, verdictsOf, type Natives, type Verdict } from './markup-gate';
import type { Releaser } from './release';

/** Who decides. Before `setPolicy`, only `necessary` runs (fail closed while the config loads). */
export interface BlockingPolicy {
  isGranted(category: string, service?: string): boolean;
  /**
   * Categories kept off on this page whatever the consent (sensitive pages). What is held while its
   * category is restricted was made on that page and may carry it (a pixel's URL names the page):
   * it is dropped, never released, even after an SPA route change to an ordinary page.
   */
  isRestricted?(category: string): boolean;
}

/** Something held, as `held()` and the `held` event give it. */
export interface HeldItem extends Verdict {
  element: Element;
}

export type RequestPath = 'fetch' | 'xhr' | 'beacon' | 'websocket' | 'eventsource' | 'worker';

/** A request stopped without an element (`fetch`, `XMLHttpRequest`, `sendBeacon`, a connection or a worker). */
export interface BlockedRequest extends Verdict {
  url: string;
  via: RequestPath;
}

export type BlockingEvent =
  | ({ type: 'held' } & HeldItem)
  | ({ type: 'released' } & HeldItem)
  | ({ type: 'blocked' } & BlockedRequest);

export type BlockingListener = (event: BlockingEvent) => void;

/** Blocked requests kept for `blocked()`: the most recent ones. */
const BLOCKED_KEPT = 100;

export interface HeldQueueOptions {
  document: Document;
  catalog: ServiceCatalog;
  unknownThirdParty?: 'allow' | 'block';
  debug?: boolean;
  natives: Natives;
}

export interface HeldQueue {
  _catalog: ServiceCatalog;
  _policy: BlockingPolicy;
  /** Releases what the policy allows; until it is set, what is allowed stays held (fail closed). */
  _releaser?: Releaser;
  /** The verdict on one URL; undefined when no service claims it (it may run). */
  _judge(url: string): Verdict | undefined;
  /** Whether the policy lets all these run; notes them as having run (with a releaser) when it does. */
  _allows(verdicts: readonly Verdict[]): boolean;
  /**
   * The hot path of every URL setter: undefined when the value may be set (no service claims it,
   * or its service is granted: noted as having run), else what it waits for. `srcset` values are
   * judged candidate by candidate.
   */
  _gated(name: string, value: string): Verdict[] | undefined;
  /** Holds an element (or releases it at once when allowed). Idempotent. With `verdicts`, it was just judged not allowed. */
  _hold(el: Element, verdicts?: Verdict[]): void;
  /** Whether the element waits in the queue. */
  _isHeld(el: Element): boolean;
  /** Whether an element was released (or is one we created): never held again. */
  _done: WeakSet<Element>;
  /** The URLs named in the text of each `blob:` URL the page made (guards.ts): judged as a `data:` URL's. */
  _blobs: Map<string, string[]>;
  /** Records a request stopped without an element; returns true when it must not leave. */
  _blocks(url: unknown, via: RequestPath): boolean;
  reevaluate(): void;
  /** Marks what is held now for a restricted category as dropped (the page was sensitive when it was held). */
  _dropRestricted(): void;
  onEvent(listener: BlockingListener): () => void;
  held(): HeldItem[];
  blocked(): BlockedRequest[];
}

const NECESSARY_ONLY: BlockingPolicy = { isGranted: (category) => category === 'necessary' };

// The URL fast paths' patterns, built once (a literal in the function would be a new object on
// every call, and these run for every URL the page sets).
const MAY_LEAVE_ORIGIN = /[:\\]|\/\//;
const PLAIN_URL = /^(?:(?:https?|wss?):)?\/\/([\w.-]+)(?::\d*)?((?:[/?][\x21\x22\x24-\x5b\x5d-\x7e]*)?)(?:#.*)?$/i;
// A dot segment (or `%2e`) in the path, before any query.
const DOT_SEGMENT = /^[^?]*(?:\/\.|%2e)/i;
const NETWORK_SCHEME = /^(https?|wss?):$/;
// Attribute names whose value is not one URL (markup-gate.ts urlsOf).
const MANY_URLS = /srcset|ping|srcdoc|style/;
// A `data:` URL whose content may fetch (a document, a script), and its parts.
const DATA_CONTENT = /^data:([^,]*(?:html|xml|script)[^,]*),(.*)$/is;

export function createHeldQueue(options: HeldQueueOptions): HeldQueue {
  const { document: doc, natives, debug = false } = options;
  const queue = new Set<Element>();
  const listeners = new Set<BlockingListener>();
  const blockedList: BlockedRequest[] = [];
  /** Held on a sensitive page for a category restricted there: never released (see BlockingPolicy). */
  const dropped = new WeakSet<Element>();
  /** Unknown hosts held for `unknownThirdParty: "block"` and named on the console (once each). */
  const named = new Set<string>();
  /**
   * Hosts no service claims, with the category (and service) the site marked one of their tags
   * with: with `unknownThirdParty: "block"`, what that tag loads from its own host (a follow-up
   * script, a pixel) goes with it. First mark wins.
   */
  const markedHosts = new Map<string, Verdict>();
  const noteMarked = (el: Element) => {
    if (options.unknownThirdParty !== 'block' || !isMarked(el)) return;
    const [v] = verdicts(el);
    if (!v?.url || !v.category) return;
    try {
      const u = new URL(v.url, doc.baseURI);
      if (!markedHosts.has(u.hostname) && !q._catalog.match(u)) markedHosts.set(u.hostname, { category: v.category, service: v.service });
    } catch {
      // not a URL: nothing to note
    }
  };

  const granted = (v: Verdict) => {
    try {
      return !!q._policy.isGranted(v.category, v.service);
    } catch (error) {
      blockingFailed(error);
      return false;
    }
  };

  const restricted = (vs: readonly Verdict[]) =>
    vs.some((v) => {
      try {
        return !!q._policy.isRestricted?.(v.category);
      } catch (error) {
        blockingFailed(error);
        return true;
      }
    });

  const emit = (event: BlockingEvent) => {
    if (debug) logDebug(debug, `${event.type}: ${event.url ?? event.category}`, event);
    for (const listener of [...listeners]) guarded('A blocking listener', listener, { ...event });
  };

  const itemOf = (element: Element, verdicts: readonly Verdict[]): HeldItem => ({ ...(verdicts[0] ?? { category: '' }), element });

  const verdicts = (el: Element) => heldVerdicts(el, q._judge, (id) => q._catalog.byId(id)?.category);

  // Allowed, a releaser attached and, for a script that must be re-created, in a parent it can be
  // re-created in.
  const tryRelease = (el: Element) => {
    const vs = verdicts(el);
    const releaser = q._releaser;
    if (!releaser || dropped.has(el) || !q._allows(vs) || (releasesByRecreating(el) && !el.parentNode)) return vs;
    queue.delete(el);
    q._done.add(el);
    emit({ type: 'released', ...itemOf(el, vs) });
    releaser.release(el, natives, q._done);
    return true;
  };

  const q: HeldQueue = {
    _catalog: options.catalog,
    _policy: NECESSARY_ONLY,
    _done: new WeakSet(),
    _blobs: new Map(),
    _judge(raw) {
      const catalog = q._catalog;
      const url = String(raw).trim();
      // Fast paths first: pages set thousands of URLs, and Blink's URL parser (with the document's
      // base URL, serialized on each call) costs microseconds. No scheme, no `//`, no `\` (which
      // URL parsing reads as `/`): a same-origin URL.
      if (!MAY_LEAVE_ORIGIN.test(url) && !catalog.coversPageHost) return;
      // A plain absolute URL — printable ASCII, no `\`, no dot segment, no `%2e` — is split here:
      // host and path + query read as the URL parser would read them for every pattern.
      const plain = PLAIN_URL.exec(url);
      let service: CatalogService | undefined;
      let u: URL | undefined;
      if (plain && !DOT_SEGMENT.test(plain[2]!)) {
        const host = plain[1]!;
        if (!catalog.covers(host) && options.unknownThirdParty !== 'block') return;
        const path = plain[2]!;
        service = catalog.matchHostPath(host, path[0] === '/' ? path : '/' + path);
        if (!service && options.unknownThirdParty === 'block') u = new URL('http://' + host);
      } else {
        try {
          u = new URL(url, doc.baseURI);
        } catch {
          return;
        }
        if (!NETWORK_SCHEME.test(u.protocol)) {
          // A frame or a worker made of a `data:` or `blob:` URL fetches what its content names.
          const data = DATA_CONTENT.exec(url);
          let text = data?.[2];
          if (data) {
            try {
              text = /;base64$/i.test(data[1]!) ? atob(text!) : decodeURIComponent(text!);
            } catch {
              // Read as it is.
            }
          }
          const urls = text === undefined ? q._blobs.get(u.href) : [text];
          return urls && verdictsOf('srcdoc', urls.join(' '), q._judge)[0];
        }
        service = catalog.match(u);
      }
      if (service) return { category: service.category, service: service.id, url };
      if (u && options.unknownThirdParty === 'block' && catalog.isThirdParty(u)) {
        const marked = markedHosts.get(u.hostname);
        if (marked) return { ...marked, url };
        // The one hint a site owner gets: which host, and the config line that lets it through.
        if (!named.has(u.hostname)) {
          named.add(u.hostname);
          logWarning(`${u.hostname} is blocked (unknownThirdParty: "block"). To allow it always: "blocking": { "necessaryHosts": ["${u.hostname}"] }; or mark its tag with a data-category.`);
        }
        return { category: '', url };
      }
      return;
    },
    _allows(vs) {
      if (!vs.every(granted)) return false;
      q._releaser?.ran(vs);
      return true;
    },
    _gated(name, value) {
      // One URL (all but srcset, ping and text): no array unless it is gated.
      const one = !MANY_URLS.test(name) && q._judge(value);
      if (one !== false) return one && !q._allows([one]) ? [one] : undefined;
      const vs = verdictsOf(name, value, q._judge);
      return vs.length && !q._allows(vs) ? vs : undefined;
    },
    _hold(el, judged) {
      // Held already: only a script waiting for a parent to be re-created in is worth a new look.
      if (q._done.has(el) || (queue.has(el) && !releasesByRecreating(el))) return;
      if (!judged) noteMarked(el);
      const vs = judged ?? tryRelease(el);
      if (vs === true || queue.has(el)) return;
      queue.add(el);
      if (restricted(vs)) dropped.add(el);
      emit({ type: 'held', ...itemOf(el, vs) });
    },
    _isHeld: (el) => queue.has(el),
    _blocks(url, via) {
      let blocked = false;
      try {
        const vs = q._gated('', String(url));
        if (vs) {
          blocked = true;
          const request = { ...vs[0]!, url: String(url), via };
          if (blockedList.push(request) > BLOCKED_KEPT) blockedList.shift();
          emit({ type: 'blocked', ...request });
        }
      } catch (error) {
        blockingFailed(error);
      }
      return blocked;
    },
    reevaluate() {
      for (const el of queue) tryRelease(el);
    },
    _dropRestricted() {
      for (const el of queue) if (restricted(verdicts(el))) dropped.add(el);
    },
    onEvent(listener) {
      if (typeof listener !== 'function') return () => {};
      listeners.add(listener);
      // A late subscriber (the UI mounts after the boot held embeds) still learns what is held.
      for (const el of queue) guarded('A blocking listener', listener, { type: 'held', ...itemOf(el, verdicts(el)) });
      return () => listeners.delete(listener);
    },
    held: () => [...queue].map((el) => itemOf(el, verdicts(el))),
    blocked: () => blockedList.map((r) => ({ ...r })),
  };
  return q;
}
