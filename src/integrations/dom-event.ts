import type { ConsentManager } from '../consent';

/** The `window` event tag managers and site scripts listen to; `detail` is a copy of the record. */
export const CHANGE_EVENT = 'consentgate:change';

export function dispatchChangeEvents(manager: ConsentManager, target: EventTarget = window): () => void {
  return manager.onChange((change) => {
    // The replay every subscriber gets at once is not a change of the page's state.
    if (change.cause === 'init') return;
    target.dispatchEvent(new CustomEvent(CHANGE_EVENT, { detail: change.record }));
  });
}
