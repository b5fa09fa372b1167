/**
 * Tag managers: one `consentgate_update` event in `window.dataLayer` per change, so GTM (or any
 * dataLayer reader) can fire triggers on consent without polling the SDK.
 */
import type { ConsentManager } from '../consent';
import { logError } from '../log';
import type { ChangeCause, ConsentMethod } from '../types';
import type { DataLayerWindow } from './google-consent-mode';

/** The `event` value tag-manager triggers listen for. */
export const DATA_LAYER_EVENT = 'consentgate_update';

/** What each push carries. */
export interface DataLayerConsent {
  event: typeof DATA_LAYER_EVENT;
  consentgate: {
    /** Categories that may run now. */
    categories: string[];
    /** Services that may run now. */
    services: string[];
    /** How the last decision was made; null before any. */
    method: ConsentMethod | null;
    /** The record's consent ID; null before any decision. */
    consentId: string | null;
    /** Why this push happened (`init` only for a decision made on an earlier page). */
    cause: ChangeCause;
  };
  /**
   * GTM merges pushed objects and arrays recursively into its data model, index by index: without
   * this flag, `categories` shrinking from three entries to one would still read as three.
   */
  _clear: true;
}

/**
 * Pushes `{ event: 'consentgate_update', consentgate: {…}, _clear: true }` on every change. The
 * replay every subscriber gets at start-up is pushed only when a decision exists (a returning
 * visitor), so the tag manager learns that state once and an undecided visitor causes no event.
 */
export function connectDataLayer(manager: ConsentManager, win: DataLayerWindow = globalThis as DataLayerWindow): () => void {
  return manager.onChange((change) => {
    if (change.cause === 'init' && !change.record) return;
    try {
      const layer = (win.dataLayer = win.dataLayer || []);
      const entry: DataLayerConsent = {
        event: DATA_LAYER_EVENT,
        consentgate: {
          categories: [...change.categories],
          services: [...change.services],
          method: change.record?.method ?? null,
          consentId: change.record?.id ?? null,
          cause: change.cause,
        },
        _clear: true,
      };
      layer.push(entry);
    } catch (error) {
      logError('The consent state could not be pushed to window.dataLayer.', error);
    }
  });
}
