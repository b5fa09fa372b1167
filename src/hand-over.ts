/**
 * What the script tag's files share: their names and the slot of the boot's hand-over object.
 * Each bundle inlines its own copy of these strings; the object itself is reached by `Symbol.for`,
 * the same symbol in every bundle (a mangled `_field` would not be).
 *
 * The slot is a symbol-keyed property of `window`, not a field of `window.ConsentGate`: that name
 * belongs to the page too (a `window.ConsentGate = window.ConsentGate || {}` namespace line, an
 * element with `id="ConsentGate"`), and whatever the page put there must neither stop the boot nor
 * cut the app off from the guards. Page code does not write this slot by accident, so finding it
 * filled is how a second copy of the boot knows that the first one ran.
 */
import type { BootHandOver } from './embed';

export const APP_FILE = 'consentgate-app.js';
export const UI_FILE = 'consentgate-ui.js';

const HAND_OVER = Symbol.for('consentgate.boot');

type Slot = Record<symbol, unknown>;

/**
 * Puts the hand-over object in its slot (the boot), for good: not writable, not configurable.
 * Returns false when the slot was taken (then the app cannot find this boot).
 */
export function offerHandOver(handOver: BootHandOver): boolean {
  try {
    Object.defineProperty(window, HAND_OVER, { value: handOver });
  } catch {
    // Defined already, and not configurable: only code that meant to could have done that.
  }
  return (window as unknown as Slot)[HAND_OVER] === handOver;
}

/**
 * The boot's hand-over object, or undefined when no boot ran in this window (the app, the panels,
 * and the boot itself to tell a second copy). Only an object with the boot's shape counts.
 */
export function bootHandOver(): BootHandOver | undefined {
  const found = (window as unknown as Slot)[HAND_OVER] as Partial<BootHandOver> | null | undefined;
  return found && typeof found === 'object' && typeof found.version === 'string' && typeof found.attach === 'function'
    ? (found as BootHandOver)
    : undefined;
}
