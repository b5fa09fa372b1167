import { guarded, logError } from '../log';
import { mountShell, placeholderSize, type UiShell } from './shell';
import type { MountUiOptions, PanelsHandle, UiHandle } from './types';

/** Mounts the panels on a mounted shell: `mountPanels` (index.ts), typed here without importing Preact. */
export type MountPanels = (options: MountUiOptions, shell: UiShell) => PanelsHandle;

/**
 * Hands `mountPanels` over when the panels must show: at once in the npm build, once
 * `consentgate-ui.js` has loaded in the script tag.
 */
export type LoadPanels = (ready: (mount: MountPanels) => void) => void;

/**
 * The UI as every build composes it: the shell at once, the panels only when one of them must
 * show — a first layer or a cookie declaration, the preferences, a held embed that gets a
 * placeholder. Without `loadPanels`, the shell alone (Opt Out links). Never throws: a failure is
 * reported, and without a shell there is no handle.
 */
export function mountUi(options: MountUiOptions, loadPanels?: LoadPanels): UiHandle | undefined {
  const { blocking } = options;
  const failed = (error: unknown) => logError('The consent UI could not be shown; every non-necessary category stays blocked until a decision.', error);
  let panels: PanelsHandle | undefined;
  let loading = false;
  const waiting: Array<(panels: PanelsHandle) => void> = [];
  const withPanels = (run?: (panels: PanelsHandle) => void) => {
    if (panels) return run && guarded('The consent UI', run, panels);
    if (run) waiting.push(run);
    if (loading || !loadPanels) return;
    loading = true;
    loadPanels((mountPanels) => {
      try {
        panels = mountPanels(options, shell);
      } catch (error) {
        return failed(error);
      }
      for (const queued of waiting.splice(0)) guarded('The consent UI', queued, panels);
    });
  };
  let shell: UiShell;
  try {
    shell = mountShell({ ...options, open: (opener) => withPanels((p) => p.open(opener)), needPanels: () => withPanels() });
  } catch (error) {
    failed(error);
    return;
  }
  // A held embed the visitor would see gets a placeholder: the panels draw it. Asked, as the
  // panels do, once the page's current script is done (a frame is appended after its src is set).
  if (shell.wantsPanels() || blocking?.held?.().some((h) => placeholderSize(h.element))) withPanels();
  const unsubscribe = blocking?.onEvent((e) => {
    if (e.type === 'held' && !loading) queueMicrotask(() => placeholderSize(e.element) && withPanels());
  });
  return {
    language: shell.lang,
    showBanner: () => withPanels((p) => p.showBanner()),
    showPreferences: () => {
      const opener = shell.active();
      withPanels((p) => p.open(opener));
    },
    unmount() {
      unsubscribe?.();
      panels?.unmount();
      shell.unmount();
    },
  };
}
