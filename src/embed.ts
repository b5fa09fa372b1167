/**
 * Script-tag entry: reads the config from the page, starts the gate, sets `window.ConsentGate`.
 * Safe twice: a second copy of the script finds the first and does nothing.
 */
import { createConsentGate } from './gate';
import { logError } from './log';
import type { ConsentGate } from './types';

declare global {
  interface Window {
    ConsentGate?: ConsentGate;
    consentGateConfig?: unknown;
  }
}

function readInlineConfig(): unknown {
  const el = document.querySelector('script[type="application/json"][data-consentgate-config]');
  if (el) {
    try {
      return JSON.parse(el.textContent ?? '');
    } catch (error) {
      logError('The inline config (<script type="application/json" data-consentgate-config>) is not valid JSON.', error);
      return null;
    }
  }
  return window.consentGateConfig ?? null;
}

if (!window.ConsentGate) {
  try {
    const script = document.currentScript as HTMLScriptElement | null;
    window.ConsentGate = createConsentGate(readInlineConfig(), { region: script?.dataset.region });
  } catch (error) {
    logError('Start-up failed; every non-necessary category stays blocked.', error);
  }
}
