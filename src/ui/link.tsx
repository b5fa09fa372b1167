/** @jsxRuntime classic */
/** @jsx h */
// Classic JSX: Preact's own `h`, already in its core, instead of the jsx-runtime's extra copy (byte budget).
import { h } from 'preact';
// Import from safe-url, not the config index: the index drags the validator into the UI's bundle.
import { safeUrl } from '../config/safe-url';

/**
 * A link only for https:, http: or relative URLs (config values are the site's, not ours to trust),
 * judged and rendered as the browser parses them: the href is the parsed URL, never the raw value.
 */
export function SafeLink({ href, text }: { href?: string; text: string }) {
  const url = href ? safeUrl(href, document.baseURI) : null;
  return url ? <a href={url}>{text}</a> : null;
}
