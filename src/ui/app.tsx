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
export const mainView = (ui: Ui, banner: boolean, notice: boolean) => [(banner || notice) && <Banner ui={ui} notice={notice} />, ui.draft && <Preferences ui={ui} />];

export const declarationView = (ui: Ui) => <Declaration ui={ui} />;
export const placeholderView = (ui: Ui, held: Held) => <Placeholder ui={ui} held={held} />;
