/**
 * The narrow views the UI needs of the other parts. The composition root adapts the blocking
 * handle and the service catalog to them, so the UI depends on no blocking code (and a build
 * without blocking still mounts a UI).
 */
import type { CookieDeclaration, ServiceConfig, UiTexts } from '../types';
import type { ResolvedConfig } from '../config';
import type { ConsentManager } from '../consent';

/** One service as the UI shows it: config entry merged over the registry's (no URL patterns). */
export interface UiService extends Omit<ServiceConfig, 'domains' | 'cookies'> {
  /** Category id the service is gated by. */
  category: string;
  cookies?: readonly CookieDeclaration[];
  /** The service is embedded content (video, map, post) that gets a placeholder. */
  embed?: boolean;
}

/**
 * Services beyond the config's own. `list()` should return the services this site declares or
 * uses (not the whole registry: every entry becomes a row in the preferences and the cookie
 * declaration); `byId()` may know more, it is asked for services a held embed names.
 */
export interface UiCatalog {
  list(): readonly UiService[];
  byId(id: string): UiService | undefined;
  /**
   * For a catalog that loads part of its data on demand (the script tag loads the registry's
   * descriptions, cookie purposes and lifetimes and links only when they show): `true` when
   * `list()` and `byId()` give everything there is; else starts loading and calls `ready` (once per
   * distinct function) when that is over. Absent: the catalog is complete.
   */
  details?(ready: () => void): boolean;
}

/** Something the blocking layer holds (`held`) or let run (`released`). */
export type UiBlockingEvent =
  | { type: 'held'; element: Element; service?: string; category: string }
  | { type: 'released'; element: Element };

/** What the UI needs of the blocking handle: placeholders for held embeds. */
export interface UiBlocking {
  /** Returns an unsubscribe. */
  onEvent(listener: (event: UiBlockingEvent) => void): (() => void) | void;
  /** Embeds held before the UI mounted (the boot holds them while the page parses). */
  held?(): ReadonlyArray<{ element: Element; service?: string; category: string }>;
}

export interface MountUiOptions {
  manager: ConsentManager;
  config: ResolvedConfig;
  catalog?: UiCatalog;
  blocking?: UiBlocking;
  /** @default the global document */
  document?: Document;
  /**
   * Built-in texts per language beyond English (which is always in). The script tag ships
   * English only to stay in its byte budget; pass `BUILTIN_TEXTS` from `ui/i18n` for all.
   */
  languages?: Record<string, UiTexts>;
}

export interface UiHandle {
  /** The language the texts are shown in. */
  readonly language: string;
  /** Shows the banner again, even after a decision. */
  showBanner(): void;
  /** Opens the preferences; focus returns to what had it when they close. */
  showPreferences(): void;
  /** Removes every element the UI added and restores held embeds' display. */
  unmount(): void;
}

/** The panels mounted on a shell (`mountPanels`): what the shell and the gate call. */
export interface PanelsHandle {
  /** Shows the banner again, even after a decision. */
  showBanner(): void;
  /** Opens the preferences; focus returns to `opener` when they close. */
  open(opener: Element | null): void;
  /** Removes the panels (the shell stays) and restores held embeds' display. */
  unmount(): void;
}
