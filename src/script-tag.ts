/**
 * The script tag's own files (the app, the panels, the registry's details) are added as
 * `<script async>` elements with the boot's CSP nonce and `crossorigin`: they load under the page's
 * `script-src` as the boot did, and never as a `fetch` that a strict `connect-src` could refuse.
 */

import { trusted } from './trusted-types';

/** The attributes our files take from the tag that loaded the boot. */
export interface ScriptAttributes {
  nonce?: string;
  crossOrigin?: string | null;
}

export function addScript(src: string, attributes: ScriptAttributes = {}, doc: Document = document): HTMLScriptElement {
  const script = doc.createElement('script');
  script.src = trusted('createScriptURL', src);
  script.async = true;
  // The nonce attribute reads '' once parsed; the property keeps it.
  if (attributes.nonce) script.nonce = attributes.nonce;
  if (attributes.crossOrigin) script.crossOrigin = attributes.crossOrigin;
  (doc.head || doc.documentElement).appendChild(script);
  return script;
}
