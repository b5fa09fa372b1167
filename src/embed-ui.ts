/**
 * Script-tag panels: `dist/consentgate-ui.js` — Preact, the banner, the notice, the preferences,
 * the placeholders and the cookie declaration. The boot requests it beside the app when there is no
 * record cookie (the banner will show); otherwise the app requests it the first time one of those
 * must show. It hands `mountPanels` to the app through the boot's hand-over object, whichever of
 * the two files runs first. Loaded by hand (without the boot), it does nothing but say so.
 */
import { bootHandOver } from './hand-over';
import { logError } from './log';
import { mountPanels } from './ui';
import { VERSION } from './version';

/** What this file hands over; the app takes it only from its own release (the shell's contract). */
export interface PanelsFile {
  mount: typeof mountPanels;
  version: string;
}

try {
  const boot = bootHandOver();
  if (!boot) logError('consentgate-ui.js is loaded by consentgate.js when needed: leave it out of the page.');
  else if (!boot.panels) {
    boot.panels = { mount: mountPanels, version: VERSION };
    boot.onPanels?.(boot.panels);
  }
} catch (error) {
  logError('consentgate-ui.js could not start; every non-necessary category stays blocked until a decision.', error);
}
