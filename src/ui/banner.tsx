/** @jsxRuntime classic */
/** @jsx h */
// Classic JSX: Preact's own `h`, already in its core, instead of the jsx-runtime's extra copy (byte budget).
import { h } from 'preact';
import { SafeLink } from './link';
import * as styles from './styles/panels.css';
import type { Ui } from './view';

/**
 * The first layer. Accept all and Reject all are the same component with the same class: equally
 * easy and equally prominent (EDPB Guidelines 03/2022 on deceptive design; CNIL 2020-091 §3).
 * `bar` and `box` leave the page usable, so they are a labelled region (WCAG 1.3.1); `modal` is a
 * dialog that traps the focus. Escape does not close either: closing is not a decision.
 *
 * With `notice`, the opt-out regimes' notice at collection (US state laws): no consent is asked,
 * so no Accept/Reject; the "Do Not Sell or Share" link, and a Close that records nothing.
 */
export function Banner({ ui, notice }: { ui: Ui; notice?: boolean }) {
  const { _translate: t, _config: config } = ui;
  const modal = !notice && config.ui.layout === 'modal';
  const box = (
    <div
      class={modal ? styles.panel : styles.banner + ' ' + (notice || config.ui.layout === 'box' ? styles.box : styles.bar)}
      role={modal ? 'dialog' : 'region'}
      aria-modal={modal ? 'true' : undefined}
      aria-labelledby="cg-bt"
      aria-describedby="cg-bd"
      tabIndex={-1}
      data-consentgate-banner={notice ? undefined : ''}
      data-consentgate-notice={notice ? '' : undefined}
      onKeyDown={modal ? ui.keys : undefined}
    >
      <div>
        <h2 id="cg-bt">{t('bannerTitle')}</h2>
        <p id="cg-bd">
          {t(notice ? 'optOutNotice' : 'bannerText')} <SafeLink href={config.policy.privacyPolicyUrl} text={t('privacyPolicy')} />
        </p>
      </div>
      {notice ? (
        <div class={styles.buttons}>
          {/* The shell's opt-out link (plain DOM, shell.ts), filled in once this span is in the page. */}
          <span
            ref={(el) => {
              if (el) ui.link(el, 'notice');
            }}
          />
          <button class={styles.button} onClick={ui.dismiss}>
            {t('close')}
          </button>
        </div>
      ) : (
        <div class={styles.buttons}>
          <button class={styles.button + ' ' + styles.primary} data-consentgate-accept-all onClick={() => ui.accept(1)}>
            {t('acceptAll')}
          </button>
          <button class={styles.button + ' ' + styles.primary} data-consentgate-reject-all onClick={() => ui.reject(1)}>
            {t('rejectAll')}
          </button>
          <button class={styles.button} data-consentgate-manage onClick={ui.prefs}>
            {t('manage')}
          </button>
        </div>
      )}
    </div>
  );
  return modal ? <div class={styles.overlay}>{box}</div> : box;
}
