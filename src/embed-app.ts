/**
 * Script-tag app: `dist/consentgate-app.js`, loaded async by the boot (`consentgate.js`). Validates
 * the config, reads the visitor's record, connects the boot's blocking handle, the integrations
 * and the UI, then hands its API to the boot's `window.ConsentGate` facade, which replays what the
 * page called meanwhile.
 *
 * Loaded twice (or without the boot), it does nothing but say so.
 */
import type { RegistryService } from './blocking/catalog';
import { detailsOnDemand, loadRegistryDetails, REGISTRY_FILE, type DetailsReceiver } from './blocking/registry-details';
// This build's copy has no URL patterns (rollup.config.mjs): they come from the boot, which has them.
import registry from './blocking/service-registry.json';
import type { BootHandOver } from './embed';
import type { PanelsFile } from './embed-ui';
import { bootHandOver, UI_FILE } from './hand-over';
import { addScript } from './script-tag';
import { startConsentGate } from './gate';
import { logError, logWarning } from './log';
import { VERSION } from './version';


// This file's own tag (the boot made it: its URL, its CSP nonce). Read now: `currentScript` is
// only set while the script's top level runs.
const self = (document.currentScript ?? document.querySelector('script[src*="consentgate-app"]')) as HTMLScriptElement | null;

function start(): void {
  const boot = bootHandOver() as (BootHandOver & DetailsReceiver) | undefined;
  if (!boot) {
    logError('consentgate-app.js is loaded by consentgate.js: put that one in the page instead.');
    return;
  }
  if (boot.started) return;
  boot.started = true;
  if (boot.version !== VERSION) logWarning(`consentgate.js ${boot.version} loaded consentgate-app.js ${VERSION}: serve both from the same release.`);
  // A boot without the patterns (an older release) would leave the app unable to tell a tracker:
  // stay held (fail closed) rather than release what the guards cannot recognise.
  if (!boot.registry) return logError(`consentgate.js ${boot.version} cannot run consentgate-app.js ${VERSION}: serve both from the same release.`);
  const patterns = new Map(boot.registry.services.map((s) => [s.id, s.domains]));
  const services = (registry.services as readonly RegistryService[]).map((s) => ({ ...s, domains: patterns.get(s.id) ?? [] }));
  boot.config.then(
    (config) => {
      // No config (none found, or it failed to load): the boot already said why; everything stays held.
      if (config === null || config === undefined) return;
      try {
        const attributes = { nonce: self?.nonce, crossOrigin: self?.crossOrigin };
        const here = (file: string) => new URL(file, self?.src || location.href).href;
        // The panels: from the boot's request (a first visit) or ours, whichever file runs first.
        const loadPanels = (ready: (mount: PanelsFile['mount']) => void) => {
          const take = (panels: PanelsFile) =>
            panels.version === VERSION
              ? ready(panels.mount)
              : logError(`consentgate-ui.js ${panels.version} cannot run with consentgate-app.js ${VERSION}: serve both from the same release.`);
          if (boot.panels) return take(boot.panels);
          boot.onPanels = take;
          if (boot.panelsRequested) return;
          boot.panelsRequested = true;
          addScript(here(UI_FILE), attributes).onerror = () => logError(`Could not load ${here(UI_FILE)}; the consent UI cannot show.`);
        };
        // The registry's details (descriptions, cookie purposes, links) come from a file next to
        // this one, with the same nonce, the first time the preferences or a declaration show.
        const load = () => loadRegistryDetails(boot, here(REGISTRY_FILE), attributes);
        boot.attach(
          startConsentGate(config, boot.blocking, {
            region: boot.region,
            registry: { services },
            catalogDetails: (catalog) => detailsOnDemand(catalog, load),
            loadPanels,
          }),
        );
      } catch (error) {
        logError('Start-up failed; every non-necessary category stays blocked.', error);
      }
    },
    (error: unknown) => logError('Start-up failed; every non-necessary category stays blocked.', error),
  );
}

try {
  start();
} catch (error) {
  logError('Start-up failed; every non-necessary category stays blocked.', error);
}
