/**
 * The scripts the releaser runs, and where their `document.write` goes. A released tag is not the
 * parser's script, nor is one its markup writes: neither has an insertion point, so the native
 * write would open a new document, which replaces the page (HTML § document.write(), step "if the
 * insertion point is undefined": document.open()), or, while an external script runs, be ignored.
 * Ad and affiliate tags still write. What such a script writes goes where it stands instead, as
 * postscribe does, and the native write is never called for it:
 *
 * - The markup is parsed inertly in the script's context (`createContextualFragment`, through the
 *   guards: a tracker it names is held and queued as in any markup) and inserted right after the
 *   script, after what it wrote before.
 * - The scripts in it run one after the other where they stand, an external one awaited (load or
 *   error, at most `SCRIPT_TIMEOUT` ms) before the next, and what each writes goes right after it:
 *   nested writes land where the parser would have put them. A written script that is `async` is
 *   not waited for (nor would the parser wait).
 * - Markup split across the writes of one run (`write('<div>'); write(ad); write('</div>')`) is
 *   parsed once it is whole (written-markup.ts), at the latest when the script's run is over.
 *
 * The parser's own scripts keep the native write (guards.ts hands over only writes made while a
 * script of ours is `document.currentScript`). Limits: what a script writes after its run (from a
 * timer or an event, when `currentScript` is null) takes the native path; the content after a
 * written external script is in the page before that script has run (the parser would have waited
 * to parse it), in the same order.
 */
import { blockingFailed, HELD, isMarked, type Natives } from './markup-gate';
import { trusted, trustedAttribute } from '../trusted-types';
import { wholeMarkupLength } from './written-markup';

/** How long a released external script may take before the next one is released anyway. */
export const SCRIPT_TIMEOUT = 5000;

/** What one script has written. */
interface Written {
  /** Written nodes go before it: an empty text node right after the script. */
  _marker: Text;
  /** The end of what was written that is not whole yet. */
  _pending: string;
  /** The written scripts that have not run yet, in order. */
  _waiting: Array<() => Promise<unknown> | undefined>;
  /** One of them is running (an external one, loading). */
  _busy?: boolean;
  /** Set once the script's run is over: called when everything it wrote has run. */
  _drained?: () => void;
}

/**
 * A new script with `old`'s attributes (but those `skip` names), text and nonce: one that runs
 * once inserted (`old` does not: it is held, or was taken out of written markup).
 */
export function recreateScript(old: HTMLScriptElement, natives: Natives, skip?: RegExp): HTMLScriptElement {
  // In the held one's namespace: SVG's <script> has no `text`, its `textContent` is its code.
  const script = old.ownerDocument.createElementNS(old.namespaceURI, 'script') as HTMLScriptElement;
  // Under Trusted Types, through ConsentGate's policy: the page's own tag (trusted-types.ts).
  for (const { name, value } of Array.from(old.attributes)) if (!skip?.test(name)) natives._setAttribute.call(script, name, trustedAttribute(script, name, value));
  script.textContent = trusted('createScript', old.textContent!);
  // The `nonce` content attribute reads '' once CSP has seen it (HTML § nonce hiding): copy the property.
  if (old.nonce) script.nonce = old.nonce;
  return script;
}

export interface ScriptRunner {
  /**
   * Puts `script` where `place` is (so it runs there) and notes it as ours. Returns a promise of
   * the moment it ran and what it wrote is in place, when the next script must wait for that.
   */
  run(script: HTMLScriptElement, place: Node): Promise<unknown> | undefined;
  /** Takes what one of our scripts passed to `document.write`. */
  write(script: HTMLScriptElement, markup: string): void;
}

/**
 * One per page (the releaser's). `created` is the held queue's set of elements it made: the guards
 * hand it the writes of those scripts, and never hold them.
 */
export function createScriptRunner(natives: Natives, created: WeakSet<Element>): ScriptRunner {
  const written = new WeakMap<Element, Written>();

  /** Runs the waiting scripts until one must be waited for; once all ran after the run ended, says so. */
  const next = (w: Written) => {
    while (!w._busy && w._waiting.length) {
      let wait: Promise<unknown> | undefined;
      try {
        wait = w._waiting.shift()!();
      } catch (error) {
        blockingFailed(error);
      }
      if (wait) {
        w._busy = true;
        void wait.then(() => {
          w._busy = false;
          next(w);
        });
      }
    }
    if (!w._busy && !w._waiting.length) w._drained?.();
  };

  /** Parses whole markup after what the script wrote before, and lines up the scripts in it. */
  const insert = (w: Written, html: string) => {
    const marker = w._marker;
    const parent = marker.parentNode;
    // The script's place left the page with its parent: there is nowhere to show what it wrote.
    if (!parent) return;
    const range = marker.ownerDocument.createRange();
    range.setStartBefore(marker);
    const fragment = range.createContextualFragment(html);
    for (const script of Array.from(fragment.querySelectorAll('script'))) {
      // Held by the guards (a tracker) or marked: the held queue releases it, when it may.
      if (script.hasAttribute(HELD) || isMarked(script)) continue;
      // It waits out of the page, its place kept; a new one runs there (engines differ on whether
      // a fragment's scripts run once inserted).
      const place = marker.ownerDocument.createComment('');
      natives._replaceChild.call(script.parentNode!, place, script);
      w._waiting.push(() => (place.parentNode ? runner.run(recreateScript(script, natives), place) : undefined));
    }
    parent.insertBefore(fragment, marker);
    next(w);
  };

  /** The script's run is over: parses what is left; resolves once all it wrote has run. */
  const finish = (script: Element): Promise<unknown> | undefined => {
    const w = written.get(script);
    if (!w) return;
    if (w._pending) {
      const rest = w._pending;
      w._pending = '';
      insert(w, rest);
    }
    const done = () => {
      written.delete(script);
      w._marker.remove();
    };
    if (!w._busy && !w._waiting.length) {
      done();
      return;
    }
    return new Promise<void>((drained) => {
      w._drained = () => {
        done();
        drained();
      };
    });
  };

  const runner: ScriptRunner = {
    run(script, place) {
      created.add(script);
      // Listening before it connects: a browser fires load later, but nothing promises that.
      const ran =
        script.hasAttribute('src') &&
        new Promise<void>((done) => {
          script.addEventListener('load', () => done());
          script.addEventListener('error', () => done());
        });
      natives._replaceChild.call(place.parentNode!, script, place);
      // An inline script has run by now.
      if (!ran) return finish(script);
      const drained = ran.then(() => finish(script));
      if (script.hasAttribute('async')) return;
      return new Promise((done) => {
        void drained.then(done);
        setTimeout(done, SCRIPT_TIMEOUT);
      });
    },
    write(script, markup) {
      let w = written.get(script);
      if (!w) {
        const doc = script.ownerDocument;
        const marker = doc.createTextNode('');
        // A script that left the page writes at the end of the body.
        if (script.parentNode) script.after(marker);
        else doc.body?.append(marker);
        written.set(script, (w = { _marker: marker, _pending: '', _waiting: [] }));
      }
      w._pending += markup;
      const whole = wholeMarkupLength(w._pending);
      if (!whole) return;
      const html = w._pending.slice(0, whole);
      w._pending = w._pending.slice(whole);
      insert(w, html);
    },
  };
  return runner;
}
