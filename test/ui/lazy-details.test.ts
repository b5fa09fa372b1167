/**
 * A catalog whose details come later (the script tag loads the registry's descriptions, cookie
 * purposes and links on demand): the preferences open at once and fill in when they arrive; the
 * cookie declaration keeps the page's fallback text until then; nothing is asked for while only
 * the banner shows.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import registry from '../../src/blocking/service-registry.json';
import type { UiCatalog, UiService } from '../../src/ui';
import { setup, teardown } from '../fixtures/ui/setup';

afterEach(teardown);

/** The registry without its details until `arrive()`; `details()` as the composition root gives it. */
function lazyCatalog() {
  const full = registry.services as UiService[];
  let complete = false;
  const waiting = new Set<() => void>();
  const strip = ({ description: _d, privacyPolicyUrl: _p, optOutUrl: _o, ...s }: UiService): UiService => ({
    ...s,
    cookies: s.cookies?.map(({ name }) => ({ name })),
  });
  const details = vi.fn((ready: () => void) => {
    if (!complete) waiting.add(ready);
    return complete;
  });
  const catalog: UiCatalog = {
    list: () => [],
    byId: (id) => {
      const s = full.find((x) => x.id === id);
      return s && (complete ? s : strip(s));
    },
    details,
  };
  const arrive = () => {
    complete = true;
    waiting.forEach((ready) => ready());
  };
  return { catalog, details, arrive };
}

describe('details loaded on demand', () => {
  it('the banner alone asks for nothing', () => {
    const { catalog, details } = lazyCatalog();
    const { $ } = setup({}, { catalog });
    expect($('[data-consentgate-banner]')).not.toBeNull();
    expect(details).not.toHaveBeenCalled();
  });

  it('the preferences show at once, then the services\' descriptions and cookie purposes fill in', () => {
    const { catalog, details, arrive } = lazyCatalog();
    const { ui, $, root } = setup({}, { catalog });
    ui.showPreferences();
    const dialog = $('[data-consentgate-preferences]')!;
    expect(dialog).not.toBeNull();
    expect(details).toHaveBeenCalled();
    expect(dialog.textContent).toContain('Google Analytics');
    expect(dialog.textContent).toContain('_ga');
    expect(dialog.textContent).not.toContain('Identifies the visitor.');
    expect(root().activeElement).toBe(dialog);
    arrive();
    // Same dialog element, re-rendered: focus and the switches stay where they were.
    expect($('[data-consentgate-preferences]')).toBe(dialog);
    expect(dialog.textContent).toContain('Identifies the visitor.');
    expect(dialog.textContent).toContain('Measures how visitors use the site');
    expect(root().activeElement).toBe(dialog);
  });

  it('the cookie declaration keeps the fallback text until the details are in, then lists purposes and lifetimes', () => {
    const { catalog, details, arrive } = lazyCatalog();
    setup({}, { catalog, html: '<div data-consentgate-cookie-table>Loading…</div>' });
    const slot = document.querySelector('[data-consentgate-cookie-table]')!;
    expect(details).toHaveBeenCalled();
    expect(slot.textContent).toBe('Loading…');
    arrive();
    expect(slot.querySelectorAll('table').length).toBeGreaterThan(0);
    expect(slot.textContent).toContain('Identifies the visitor.');
    expect(slot.textContent).toContain('24 hours');
  });
});
