/**
 * What the script tag's files share: their names and the key of the boot's hand-over object on
 * `window.ConsentGate`. Each bundle inlines its own copy of these strings; the object itself is
 * reached by `Symbol.for`, the same symbol in every bundle (a mangled `_field` would not be).
 */
import type { BootHandOver } from './embed';

export const APP_FILE = 'consentgate-app.js';
export const UI_FILE = 'consentgate-ui.js';

const HAND_OVER = Symbol.for('consentgate.boot');

/** Puts the hand-over object on the facade (the boot). */
export function offerHandOver(facade: object, handOver: BootHandOver): void {
  Object.defineProperty(facade, HAND_OVER, { value: handOver });
}

/** The boot's hand-over object, or undefined when the boot is not in the page (the app and the panels). */
export function bootHandOver(): BootHandOver | undefined {
  return (window.ConsentGate as unknown as Record<symbol, BootHandOver | undefined> | undefined)?.[HAND_OVER];
}
