/** @jsxRuntime classic */
/** @jsx h */
import { h } from 'preact';
import { Banner } from './banner';
import { Declaration } from './cookie-table';
import { Placeholder } from './placeholder';
import { Preferences } from './preferences';
import type { Held, Ui } from './view';

// JSX stays in .tsx files; `index.ts` renders these views.

/** The panels' box in the main shadow root: at most one first layer (banner or notice), the preferences. */
export const mainView = (u: Ui, banner: boolean, notice: boolean) => [(banner || notice) && <Banner u={u} notice={notice} />, u.draft && <Preferences u={u} />];

export const declarationView = (u: Ui) => <Declaration u={u} />;
export const placeholderView = (u: Ui, held: Held) => <Placeholder u={u} h={held} />;
