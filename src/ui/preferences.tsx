/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { CookieTable } from './cookie-table';
import { SafeLink } from './link';
import * as styles from './styles/panels.css';
import type { Ui } from './view';

/**
 * The second layer: a modal dialog (WAI-ARIA APG dialog pattern) with every category, its services
 * and their cookies, the signal statements and the third-party opt-out pages. The only place that
 * can switch back on a category a browser signal switched off: the switch is an explicit choice
 * (CPPA regulations §7025(c)(3): a consumer may consent to override an opt-out preference signal).
 */
export function Preferences({ ui }: { ui: Ui }) {
  const { _translate: t, _config: config, _manager: manager, draft } = ui;
  const dnt = config.signals.doNotTrack;
  const gpc = config.signals.globalPrivacyControl;
  const restricted = ui._categories.filter((cat) => manager.restricted().includes(cat.id)).map((cat) => cat.title);
  const notes = [
    // The policy's sentence ("we do not currently respond to … Do Not Track") where DNT is not honored.
    dnt.statement ?? (dnt.mode === 'ignore' && t('doNotTrackStatement')),
    gpc.statement ?? (gpc.mode === 'honor' && t('gpcStatement')),
    manager.signals.globalPrivacyControl && gpc.mode === 'honor' && t('gpcHonored'),
    restricted.length > 0 && t('sensitivePage', { category: ui.list(restricted) }),
  ].filter(Boolean);
  const links = config.ui.optOutLinks;
  return (
    <div class={styles.overlay}>
      <div
        class={styles.panel + ' ' + styles.preferences}
        role="dialog"
        aria-modal="true"
        aria-labelledby="cg-pt"
        aria-describedby="cg-pd"
        tabIndex={-1}
        data-consentgate-preferences
        onKeyDown={ui.keys}
      >
        <div class={styles.dialogHeader}>
          <div>
            <h2 id="cg-pt">{t('preferencesTitle')}</h2>
            <p id="cg-pd" class={styles.muted}>
              {t('preferencesText')}
            </p>
          </div>
          <button class={styles.closeButton} aria-label={t('close')} onClick={ui.close}>
            ×
          </button>
        </div>
        <div class={styles.dialogBody}>
          {ui._categories.map((cat, i) => {
            const on = cat.required || !!draft!._categories[cat.id];
            const blocked = !on && manager.signalBlocks(cat.id);
            const id = 'cg-c' + i;
            return (
              <div class={styles.category}>
                <div class={styles.row}>
                  <h3>{cat.title}</h3>
                  {cat.required && <span class={styles.muted}>{t('alwaysOn')}</span>}
                  <input
                    type="checkbox"
                    role="switch"
                    class={styles.toggle}
                    // aria-label, not -labelledby: axe-core only counts the visible text of a
                    // labelledby target, and the dialog's body scrolls some headings out of view.
                    aria-label={cat.title}
                    aria-describedby={id}
                    checked={on}
                    disabled={cat.required}
                    onChange={(e) => ui.toggle(cat, e.currentTarget.checked)}
                  />
                </div>
                <p id={id} class={styles.muted}>
                  {cat.description}
                  {cat.required && ' ' + t('necessaryLocked') + '.'}
                  {/* GPC is recorded as `observed: true`, DNT as a string: that tells which signal it was. */}
                  {blocked && ' ' + (blocked.observed === true ? t('gpcHonored') + '.' : (dnt.statement ?? blocked.reason))}
                </p>
                {cat.services.length > 0 && (
                  <details>
                    <summary>{t('serviceCount', { count: cat.services.length })}</summary>
                    <ul>
                      {cat.services.map((s) => (
                        <li>
                          <div class={styles.row}>
                            <div>
                              <strong>{s.title ?? s.id}</strong>
                              {s.provider && <div class={styles.muted}>{s.provider}</div>}
                            </div>
                            {!cat.required && s.switchable !== false && (
                              <input
                                type="checkbox"
                                role="switch"
                                class={styles.toggle}
                                aria-label={s.title ?? s.id}
                                checked={draft!._services[s.id] ?? on}
                                onChange={(e) => ui.toggle(cat, e.currentTarget.checked, s)}
                              />
                            )}
                          </div>
                          {s.description && <p class={styles.muted}>{s.description}</p>}
                          <div class={styles.muted}>
                            <SafeLink href={s.privacyPolicyUrl} text={t('privacyPolicy')} /> <SafeLink href={s.optOutUrl} text={t('optOut')} />
                          </div>
                          <CookieTable t={t} services={[s]} />
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </div>
            );
          })}
          {(notes.length > 0 || links.length > 0) && (
            <div class={styles.notes}>
              {notes.map((note) => (
                <p>{note}</p>
              ))}
              {links.length > 0 && <h3>{t('thirdPartyOptOut')}</h3>}
              {links.length > 0 && (
                <ul>
                  {links.map((link) => (
                    <li>
                      <SafeLink href={link.url} text={link.title} />
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
        <div class={styles.buttons + ' ' + styles.dialogFooter}>
          <button class={styles.button + ' ' + styles.primary} onClick={() => ui.accept()}>
            {t('acceptAll')}
          </button>
          <button class={styles.button + ' ' + styles.primary} onClick={() => ui.reject()}>
            {t('rejectAll')}
          </button>
          <button class={styles.button} onClick={ui.save}>
            {t('save')}
          </button>
        </div>
      </div>
    </div>
  );
}
