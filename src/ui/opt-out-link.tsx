/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import type { Ui } from './view';

/**
 * The persistent "Opt Out" link the policy promises "at the bottom of the home web page". One click
 * opts out of `ui.optOutLink.categories`; the confirmation is announced politely (the status region
 * exists before its text, so screen readers pick the change up) and offers to change the choices.
 * In opt-out regimes it is the CCPA's "Do Not Sell or Share" link, with the notice the CPPA
 * regulations §7025(c)(6) suggest when Global Privacy Control is honored.
 * Buttons need no `type`: they live in shadow roots, which no site `<form>` reaches.
 */
export function OptOutLink({ u, k }: { u: Ui; k: unknown }) {
  const { t, c, m } = u;
  return (
    <span>
      <button class="k" onClick={() => u.optOut(k)}>
        {t(m.mode() === 'opt-out' ? 'doNotSell' : 'optOut')}
      </button>
      {m.signals.globalPrivacyControl && c.signals.globalPrivacyControl.mode === 'honor' && ' · ' + t('gpcHonored')}
      <span role="status" aria-live="polite">
        {u.done.has(k) && ' ' + t('optOutDone', { category: u.list(u.cats.filter((cat) => c.ui.optOutCategories.includes(cat.id)).map((cat) => cat.title)) }) + ' '}
        {u.done.has(k) && (
          <button class="k" onClick={u.prefs}>
            {t('changeChoices')}
          </button>
        )}
      </span>
    </span>
  );
}
