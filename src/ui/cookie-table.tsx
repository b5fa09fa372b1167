/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import * as styles from './styles/panels.css';
import type { Translate } from './texts';
import type { UiService } from './types';
import type { Ui } from './view';

const COLUMNS = ['cookieName', 'cookieProvider', 'cookiePurpose', 'cookieLifetime', 'cookieType'] as const;

/**
 * Cookies (and storage keys) of some services: name, provider, purpose, lifetime, and session or
 * persistent (the policy's "single-session cookies … and 'persistent' cookies").
 */
export function CookieTable({ t, services, caption }: { t: Translate; services: readonly UiService[]; caption?: string }) {
  const rows = services.flatMap((s) => (s.cookies ?? []).map((k) => [s, k] as const));
  return rows.length ? (
    <table>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {COLUMNS.map((key) => (
            <th scope="col">{t(key)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(([s, k]) => {
          const session = k.lifetime === 'session' || k.storage === 'sessionStorage';
          return (
            <tr>
              <td>{k.name}</td>
              <td>{s.provider ?? s.title ?? s.id}</td>
              <td>{k.purpose}</td>
              <td>{session ? t('session') : k.lifetime}</td>
              <td>{t(session ? 'session' : 'persistent')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  ) : (
    <p class={styles.muted}>
      {caption && caption + ': '}
      {t('noCookies')}
    </p>
  );
}

/** The cookie declaration for `[data-consentgate-cookie-table]`: one table per category. */
export const Declaration = ({ ui }: { ui: Ui }) => (
  <div class="consentgate-cookie-table">
    {ui._categories.map((cat) => (
      <CookieTable t={ui._translate} services={cat.services} caption={cat.title} />
    ))}
  </div>
);
