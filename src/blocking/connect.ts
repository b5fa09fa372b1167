/**
 * Connects a blocking handle to the consent manager: the manager decides, blocking follows.
 */
import type { ConsentManager } from '../consent';
import type { ServiceCatalog } from './catalog';
import { cleanup } from './cleanup';
import type { Blocking } from './install';
import { blockingFailed } from './markup-gate';
import { createReleaser } from './release';

export interface ConnectBlockingOptions {
  /** The catalog for this config (also set on the handle). */
  catalog: ServiceCatalog;
  /**
   * Reload after a withdrawal when something of a withdrawn category ran on this page: a script
   * that ran cannot be unloaded. @default true
   */
  reloadOnWithdraw?: boolean;
  /** @default () => location.reload() */
  reload?: () => void;
  /** Whose cookies and storage are cleaned. @default the global window */
  window?: Window;
}

/**
 * Sets the handle's policy to the manager's `isGranted` and re-evaluates on every change. When a
 * change revokes what was granted before (withdraw, reject after accept, the opt-out link, another
 * tab), deletes the cookies and storage keys of what it revoked and, with `reloadOnWithdraw`,
 * reloads the page if anything of it had run. Changes of context (a sensitive page restricting
 * categories, a region) only re-evaluate: they are not the visitor's withdrawal. Returns an
 * unsubscribe.
 */
export function connectBlocking(
  manager: Pick<ConsentManager, 'isGranted' | 'onChange' | 'config' | 'restricted'>,
  blocking: Blocking,
  options: ConnectBlockingOptions,
): () => void {
  const { catalog, reloadOnWithdraw = true, reload = () => location.reload(), window: win = window } = options;
  const policy = manager.config?.policy;
  const categories = [...new Set([...(manager.config?.categories.map((c) => c.id) ?? []), ...catalog.services.map((s) => s.category)])];
  // Keys of what is granted now: `category`, and `category service` for each catalog service.
  const granted = () =>
    new Set([
      ...categories.filter((c) => manager.isGranted(c)),
      ...catalog.services.filter((s) => manager.isGranted(s.category, s.id)).map((s) => s.category + ' ' + s.id),
    ]);
  // The boot's handle has no releaser (it never releases: it waits for this); an npm-installed one
  // has it already (`attachRelease` keeps the first).
  blocking.attachRelease(createReleaser());
  blocking.setCatalog(catalog);
  let before: Set<string> | undefined;
  blocking.setPolicy({
    isGranted: (category, service) => manager.isGranted(category, service),
    isRestricted: (category) => manager.restricted().includes(category),
  });
  return manager.onChange((change) => {
    const now = granted();
    blocking.reevaluate();
    const revoked = before && change.cause !== 'init' && change.cause !== 'context' ? [...before].filter((k) => !now.has(k)) : [];
    before = now;
    if (!revoked.length) return;
    const revokedCategories = revoked.filter((k) => !k.includes(' '));
    const revokedServices = revoked.filter((k) => k.includes(' ')).map((k) => k.split(' ')[1]!);
    const clean = () => {
      try {
        cleanup(catalog, revokedCategories, {
          services: revokedServices,
          keep: [policy?.cookieName ?? 'consentgate'],
          paths: policy ? [policy.cookiePath] : [],
          window: win,
        });
      } catch (error) {
        blockingFailed(error);
      }
    };
    clean();
    const ranRevoked = blocking
      .released()
      .some((r) => revokedCategories.includes(r.category) || (r.service !== undefined && revokedServices.includes(r.service)));
    if (reloadOnWithdraw && ranRevoked) {
      // A tracker still running may write its cookie again before the page goes: clean once more
      // as the page unloads (after the handlers registered before ours).
      win.addEventListener('pagehide', clean, { once: true });
      reload();
    }
  });
}
