/**
 * The release side of the blocking layer: giving held elements their URLs back, the ordered
 * release chain of scripts (and where their `document.write` goes: document-write.ts), and what
 * ran on this page (`released()`, for reload-on-withdraw).
 * None of it runs before the app has set the visitor's policy, so none of it is in the boot
 * (`dist/consentgate.js`): the app hands it to the boot's handle (`attachRelease`), and
 * `installBlocking` (npm build, tests) attaches it itself. Until then what the policy allows stays
 * held (fail closed); it goes at the first re-evaluation after `attachRelease`.
 */
import { trustedAttribute } from '../trusted-types';
import { createScriptRunner, recreateScript, type ScriptRunner } from './document-write';
import { blockingFailed, HELD, isMarked, releasesByRecreating, restoreType, urlNames, type Natives, type Verdict } from './markup-gate';

export { SCRIPT_TIMEOUT } from './document-write';

/** Attributes of a marked script that are not copied to the released one. */
const BLOCKING_ATTRIBUTE = /^(type|data-(cg(-.*)?|category|service|name|type|src))$/;

/**
 * What the held queue calls once the policy allows something. Public names (not `_`-prefixed):
 * the app's bundle makes it, the boot's calls it.
 */
export interface Releaser {
  /** Releases one held element: at once, or after the scripts released before it when it is a script. */
  release(el: Element, natives: Natives, created: WeakSet<Element>): void;
  /**
   * Takes what a script the releaser ran (a released one, or one it wrote) passes to
   * `document.write`: it goes where that script stands (document-write.ts).
   */
  write(script: HTMLScriptElement, markup: string, natives: Natives, created: WeakSet<Element>): void;
  /** Notes verdicts as having run (released or let through). */
  ran(verdicts: readonly Verdict[]): void;
  /** Categories and services released or let through on this page since it was attached. */
  released(): Verdict[];
}

/** One per page: scripts are released one after the other, in the order they were held. */
export function createReleaser(): Releaser {
  const ran = new Map<string, Verdict>();
  let chain: Promise<unknown> = Promise.resolve();
  let runner: ScriptRunner | undefined;
  const runnerOf = (natives: Natives, created: WeakSet<Element>) => (runner ??= createScriptRunner(natives, created));
  return {
    release(el, natives, created) {
      const run = () => {
        try {
          return releaseHeld(el, natives, runnerOf(natives, created));
        } catch (error) {
          blockingFailed(error);
        }
      };
      if (el.localName === 'script') chain = chain.then(run);
      else run();
    },
    write(script, markup, natives, created) {
      try {
        runnerOf(natives, created).write(script, markup);
      } catch (error) {
        blockingFailed(error);
      }
    },
    ran(verdicts) {
      for (const v of verdicts) ran.set(v.category + ' ' + v.service, { category: v.category, service: v.service });
    },
    released: () => [...ran.values()].map((v) => ({ ...v })),
  };
}

const attr = (el: Element, name: string) => el.getAttribute(name);

/**
 * releaseHeld: gives a held element its URLs back, natively. A `text/plain` script is replaced by
 * a new one, which `runner` runs; when that one is external and not `async`, returns a promise of
 * its load (or error, or `SCRIPT_TIMEOUT`) and of what it wrote being in place: the next script
 * waits for it.
 */
export function releaseHeld(el: Element, natives: Natives, runner: ScriptRunner): Promise<unknown> | undefined {
  // Under Trusted Types, through ConsentGate's policy: what was held had passed the page's (trusted-types.ts).
  const set = (target: Element, name: string, value: string) => natives._setAttribute.call(target, name, trustedAttribute(target, name, value));
  const marked = isMarked(el);
  if (releasesByRecreating(el)) {
    const old = el as HTMLScriptElement;
    const script = recreateScript(old, natives, BLOCKING_ATTRIBUTE);
    const type = attr(old, marked ? 'data-type' : HELD + '-type');
    if (type) set(script, 'type', type);
    const src = (marked && attr(old, 'data-src')) || attr(old, 'src');
    if (src) set(script, 'src', src);
    return runner.run(script, old);
  }
  const prefix = marked ? 'data-' : HELD + '-';
  const restore = () => {
    let child = false;
    for (const target of [el, ...Array.from(el.querySelectorAll('source,track'))]) {
      for (const name of urlNames(target)) {
        const value = attr(target, prefix + name);
        if (value === null) continue;
        if (!marked) target.removeAttribute(prefix + name);
        set(target, name, value);
        if (target !== el) child = true;
      }
    }
    restoreType(el, prefix + 'type', natives);
    el.removeAttribute(HELD);
    // A <link rel=preload imagesrcset> is processed when it connects or its `href` changes, not
    // when `imagesrcset` does: it connects again.
    if (el.localName === 'link' && el.hasAttribute('imagesrcset') && el.parentNode) natives._replaceChild.call(el.parentNode, el, el);
    // A <source> set after its <video>/<audio> picked a resource is only looked at again on load().
    if (child) (el as HTMLMediaElement).load?.();
  };
  // Chromium loads an <object>'s data only if the object is rendered when the data is set: one
  // hidden then never loads once shown (HTML § the object element says to look again when it starts
  // being rendered). A placeholder hides a held embed until the `released` listeners show it again,
  // in a microtask (ui/index.ts; the queue emits `released` before it releases): the data follows.
  if (el.localName === 'object') {
    queueMicrotask(() => {
      try {
        restore();
      } catch (error) {
        blockingFailed(error);
      }
    });
  } else restore();
  return undefined;
}
