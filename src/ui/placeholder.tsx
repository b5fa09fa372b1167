/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import * as styles from './styles/panels.css';
import * as shellStyles from './styles/shell.css';
import type { Held, Ui } from './view';

/**
 * Stands in for a held embed, in the embed's box: says whose content it is and which category
 * gates it, loads it on purpose (grants that service, or the category with
 * `ui.placeholderGrants: 'category'`), and opens the settings.
 */
export function Placeholder({ ui, held }: { ui: Ui; held: Held }) {
  const t = ui._translate;
  const category = ui._categories.find((cat) => cat.id === held.category)?.title ?? held.category;
  const service = ui._categories.flatMap((cat) => cat.services).find((s) => s.id === held.serviceId);
  // The title names what the visitor recognises (YouTube); the text also names who runs it (Google LLC).
  const name = service?.title ?? service?.provider ?? category;
  const provider = service?.provider && service.provider !== name ? `${name} (${service.provider})` : name;
  return [
    <p>
      <strong>{t('placeholderTitle', { provider: name })}</strong>
    </p>,
    <p class={styles.muted}>{t('placeholderText', { provider, category })}</p>,
    <button class={styles.button + ' ' + styles.primary} onClick={() => ui.load(held)}>
      {t('placeholderLoad')}
    </button>,
    <button class={shellStyles.linkButton} onClick={ui.prefs}>
      {t('cookieSettings')}
    </button>,
  ];
}
