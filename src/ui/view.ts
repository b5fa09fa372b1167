import type { ResolvedConfig } from '../config';
import type { ConsentManager } from '../consent';
import type { Translate } from './texts';
import type { UiService } from './types';

/** A category as the UI shows it: texts resolved, services merged from config and catalog. */
export interface UiCategory {
  id: string;
  required: boolean;
  title: string;
  description: string;
  services: UiService[];
}

/** The switches of the open preferences, before Save (`_` fields: shortened by the build, mangle.json). */
export interface Draft {
  /** Per category. */
  _categories: Record<string, boolean>;
  /** Per service, only where the visitor set it apart from its category. */
  _services: Record<string, boolean>;
}

/** A held embed and the placeholder standing in for it. */
export interface Held {
  category: string;
  serviceId?: string;
  /** The placeholder's render container, inside its shadow root. */
  box: HTMLElement;
  host: HTMLElement;
  /** The embed's own inline `display`, restored on release. */
  display: string;
}

/**
 * Everything a component reads or calls: one plain object rebuilt on each paint. The state lives in
 * `mountPanels`' closure and the shell's and every change repaints from the top, so no component needs hooks or
 * instance state (byte budget: preact/hooks would cost about 1 KB gzip). The fields the components
 * read most are `_`-prefixed: the build shortens them to the names mangle.json pins.
 */
export interface Ui {
  _config: ResolvedConfig;
  _manager: ConsentManager;
  _translate: Translate;
  _categories: UiCategory[];
  draft: Draft | null;
  /** "a, b and c" in the UI language. */
  list(items: string[]): string;
  /** Truthy from the banner: the record's method tells the two layers apart. */
  accept(fromBanner?: unknown): void;
  reject(fromBanner?: unknown): void;
  save(): void;
  /** Opens the preferences; the event's target gets the focus back when they close. */
  prefs(event: Event): void;
  close(): void;
  dismiss(): void;
  toggle(category: UiCategory, on: boolean, service?: UiService): void;
  /** Puts the shell's opt-out link in an element (the notice's). */
  link(box: Element, key: unknown): void;
  load(held: Held): void;
  /** Focus trap (Tab), and Escape for the preferences. */
  keys(event: KeyboardEvent): void;
}
