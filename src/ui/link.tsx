/** @jsxRuntime classic */
/** @jsx h */
// Classic JSX: Preact's own `h`, already in its core, instead of the jsx-runtime's extra copy (byte budget).
import { h } from 'preact';
// Import from rules, not the config index: the index drags the validator into the UI's bundle.
import { isSafeUrl } from '../config/rules';

/** A link only for https:, http: or relative URLs (config values are the site's, not ours to trust). */
export const SafeLink = ({ href, text }: { href?: string; text: string }) =>
  href && isSafeUrl(href) ? <a href={href}>{text}</a> : null;
