/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { Banner } from './banner';
import { Declaration } from './cookie-table';
import { OptOutLink } from './opt-out-link';
import { Placeholder } from './placeholder';
import { Preferences } from './preferences';
import type { Held, Ui } from './view';

// JSX stays in .tsx files; `index.ts` renders these views.

/** The main shadow root: at most one first layer (banner or notice), the fixed link, the preferences. */
export const mainView = (u: Ui, banner: boolean, notice: boolean, fixed: boolean) => [
  (banner || notice) && <Banner u={u} notice={notice} />,
  fixed && (
    <div class="fx" role="region" aria-label={u.t('cookieSettings')}>
      <OptOutLink u={u} k="fixed" />
    </div>
  ),
  u.draft && <Preferences u={u} />,
];

export const linkView = (u: Ui, k: unknown) => <OptOutLink u={u} k={k} />;
export const declarationView = (u: Ui) => <Declaration u={u} />;
export const placeholderView = (u: Ui, held: Held) => <Placeholder u={u} h={held} />;
