import { fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import * as styles from '../../src/ui/styles/panels.css';
import { setup, teardown } from '../fixtures/ui/setup';
import { HOSTILE_URLS } from '../fixtures/urls';

afterEach(teardown);

describe('banner (first layer)', () => {
  it('shows before a decision in opt-in mode, with title, text, privacy link and the three buttons', () => {
    const { view, $ } = setup();
    const banner = view().getByRole('region', { name: 'Your privacy choices' });
    expect(banner).toBe($('[data-consentgate-banner]'));
    expect(banner.getAttribute('aria-describedby')).toBe('cg-bd');
    expect(view().getByText(/We use cookies and similar technologies/)).toBeTruthy();
    // Rendered as the browser parses it: the relative reference resolved against the page.
    expect(view().getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe(new URL('/privacy', document.baseURI).href);
    expect(view().getByRole('button', { name: 'Accept all' })).toBe($('[data-consentgate-accept-all]'));
    expect(view().getByRole('button', { name: 'Reject all' })).toBe($('[data-consentgate-reject-all]'));
    expect(view().getByRole('button', { name: 'Manage choices' })).toBe($('[data-consentgate-manage]'));
  });

  it('makes Reject exactly as prominent as Accept: same element, same class', () => {
    const { $ } = setup();
    const accept = $('[data-consentgate-accept-all]')!;
    const reject = $('[data-consentgate-reject-all]')!;
    expect(reject.tagName).toBe(accept.tagName);
    expect(reject.className).toBe(accept.className);
    expect(reject.parentElement).toBe(accept.parentElement);
  });

  it.each(['bar', 'box'] as const)('layout %s is a fixed region (class %s), not a dialog', (layout) => {
    const { $ } = setup({ ui: { layout } });
    const banner = $('[data-consentgate-banner]')!;
    expect(banner.className).toBe(`${styles.banner} ${styles[layout]}`);
    expect(banner.getAttribute('role')).toBe('region');
    expect(banner.hasAttribute('aria-modal')).toBe(false);
  });

  it('layout modal is a dialog with aria-modal, name and description, over a backdrop', () => {
    const { view, $ } = setup({ ui: { layout: 'modal' } });
    const dialog = view().getByRole('dialog', { name: 'Your privacy choices' });
    expect(dialog).toBe($('[data-consentgate-banner]'));
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('aria-describedby')).toBe('cg-bd');
    expect(dialog.parentElement!.className).toBe(styles.overlay);
  });

  it('does not show once decided, nor in opt-out mode (a notice shows instead)', async () => {
    const first = setup();
    first.manager.rejectAll('api');
    expect(first.$('[data-consentgate-banner]')).toBeNull();
    const optOut = setup({ mode: 'opt-out' });
    expect(optOut.$('[data-consentgate-banner]')).toBeNull();
    expect(optOut.$('[data-consentgate-notice]')).not.toBeNull();
  });

  it('moves the focus into the banner when it shows', () => {
    const { $, active } = setup();
    expect(active()).toBe($('[data-consentgate-banner]'));
  });

  it('Accept all closes at once; the decision (banner-accept-all) follows after the paint', async () => {
    const { manager, $ } = setup();
    fireEvent.click($('[data-consentgate-accept-all]')!);
    expect($('[data-consentgate-banner]')).toBeNull();
    expect(manager.hasDecision()).toBe(false);
    await waitFor(() => expect(manager.get()?.method).toBe('banner-accept-all'));
    expect(manager.isGranted('analytics')).toBe(true);
    expect(manager.isGranted('advertising')).toBe(true);
    expect($('[data-consentgate-banner]')).toBeNull();
  });

  it('Reject all records banner-reject-all with every optional category off', async () => {
    const { manager, $ } = setup();
    fireEvent.click($('[data-consentgate-reject-all]')!);
    expect($('[data-consentgate-banner]')).toBeNull();
    await waitFor(() => expect(manager.get()?.method).toBe('banner-reject-all'));
    expect(manager.get()!.categories).toEqual({ necessary: true, functional: false, analytics: false, advertising: false, social: false });
  });

  it('Manage choices opens the preferences over the banner; Escape there brings the focus back to it', () => {
    const { $, active, manager } = setup();
    const manage = $('[data-consentgate-manage]')!;
    manage.focus();
    fireEvent.click(manage);
    const dialog = $('[data-consentgate-preferences]')!;
    expect(active()).toBe(dialog);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect($('[data-consentgate-preferences]')).toBeNull();
    expect($('[data-consentgate-banner]')).not.toBeNull();
    expect(active()).toBe($('[data-consentgate-manage]'));
    expect(manager.hasDecision()).toBe(false);
  });

  it('Escape does not close the banner (closing is not a decision), in any layout', () => {
    for (const layout of ['bar', 'modal'] as const) {
      const { $ } = setup({ ui: { layout } });
      fireEvent.keyDown($('[data-consentgate-banner]')!, { key: 'Escape' });
      fireEvent.keyDown(document, { key: 'Escape' });
      expect($('[data-consentgate-banner]')).not.toBeNull();
    }
  });

  it('modal layout traps Tab: from the last control to the first, Shift+Tab from the first to the last', () => {
    const { $, active } = setup({ ui: { layout: 'modal' } });
    const dialog = $('[data-consentgate-banner]')!;
    const link = dialog.querySelector('a')!;
    const manage = $('[data-consentgate-manage]')!;
    manage.focus();
    fireEvent.keyDown(manage, { key: 'Tab' });
    expect(active()).toBe(link);
    fireEvent.keyDown(link, { key: 'Tab', shiftKey: true });
    expect(active()).toBe(manage);
    // From the dialog itself (where the focus lands on open), Shift+Tab goes to the last control.
    dialog.focus();
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(active()).toBe(manage);
  });

  it('a bar banner does not trap the focus (it leaves the page usable)', () => {
    const { $, active } = setup();
    const manage = $('[data-consentgate-manage]')!;
    manage.focus();
    const event = fireEvent.keyDown(manage, { key: 'Tab' });
    expect(event).toBe(true); // not prevented: the browser moves on to the page
    expect(active()).toBe(manage);
  });

  it('showBanner() shows it again after a decision and returns the focus to the opener on close', async () => {
    const { ui, $, manager, active } = setup({}, { html: '<button id="reopen">Privacy</button>' });
    manager.acceptAll('api');
    expect($('[data-consentgate-banner]')).toBeNull();
    const opener = document.getElementById('reopen')!;
    opener.focus();
    ui.showBanner();
    expect(active()).toBe($('[data-consentgate-banner]'));
    fireEvent.click($('[data-consentgate-reject-all]')!);
    expect($('[data-consentgate-banner]')).toBeNull();
    expect(document.activeElement).toBe(opener);
    await waitFor(() => expect(manager.get()?.method).toBe('banner-reject-all'));
  });

  it('renders markup in config texts as text, never as HTML', () => {
    const { $, root } = setup({
      texts: { en: { bannerTitle: '<img src=x onerror="alert(1)">Hi', bannerText: '<script>alert(1)</script><b>bold</b>' } },
    });
    expect($('h2')!.textContent).toBe('<img src=x onerror="alert(1)">Hi');
    expect($('#cg-bd')!.textContent).toContain('<script>alert(1)</script><b>bold</b>');
    expect(root().querySelector('img, script, b')).toBeNull();
  });

  it('renders the privacy link only for safe URLs (https:, http:, relative)', () => {
    const safe = setup({ policy: { version: '1', privacyPolicyUrl: 'https://example.com/privacy' } });
    expect(safe.$('a')!.getAttribute('href')).toBe('https://example.com/privacy');
    // Unvalidated: the UI's own judgement, as the browser parses the value (control characters,
    // tabs and newlines in the scheme included).
    for (const url of HOSTILE_URLS) {
      const unsafe = setup({ policy: { version: '1', privacyPolicyUrl: url } }, { unvalidated: true });
      expect(unsafe.$('[data-consentgate-banner]')).not.toBeNull();
      expect(unsafe.$('a'), JSON.stringify(url)).toBeNull();
    }
    // What the parser strips is not rendered: the href is the parsed URL.
    const stripped = setup({ policy: { version: '1', privacyPolicyUrl: '\u0001 https://example.com/pri\tvacy' } }, { unvalidated: true });
    expect(stripped.$('a')!.getAttribute('href')).toBe('https://example.com/privacy');
    const none = setup({ policy: { version: '1' } });
    expect(none.$('a')).toBeNull();
  });

  it('bannerInOptOut shows the full banner in opt-out mode too', () => {
    const { $ } = setup({ mode: 'opt-out', ui: { bannerInOptOut: true } });
    expect($('[data-consentgate-banner]')).not.toBeNull();
    expect($('[data-consentgate-notice]')).toBeNull();
  });
});

describe('opt-out notice', () => {
  it('is a small labelled region with the notice text, the Do Not Sell link and a Close that records nothing', () => {
    const { view, $, manager } = setup({ mode: 'opt-out' });
    const notice = view().getByRole('region', { name: 'Your privacy choices' });
    expect(notice).toBe($('[data-consentgate-notice]'));
    expect(notice.className).toBe(`${styles.banner} ${styles.box}`);
    expect(notice.textContent).toContain('We may share personal data for advertising');
    expect(view().getByRole('button', { name: 'Do Not Sell or Share My Personal Information' })).toBeTruthy();
    fireEvent.click(view().getByRole('button', { name: 'Close' }));
    expect($('[data-consentgate-notice]')).toBeNull();
    expect(manager.hasDecision()).toBe(false);
    // The fixed link takes over: opting out stays one click away.
    expect(view().getByRole('button', { name: 'Do Not Sell or Share My Personal Information' })).toBeTruthy();
  });

  it('once closed, stays closed for the browsing session (the next page view), without a record', () => {
    sessionStorage.clear();
    const first = setup({ mode: 'opt-out' });
    fireEvent.click(first.view().getByRole('button', { name: 'Close' }));
    expect(sessionStorage.getItem('consentgate:notice')).toBe('1');
    first.ui.unmount();
    const next = setup({ mode: 'opt-out' });
    expect(next.$('[data-consentgate-notice]')).toBeNull();
    expect(next.manager.hasDecision()).toBe(false);
    sessionStorage.clear();
    next.ui.unmount();
    expect(setup({ mode: 'opt-out' }).$('[data-consentgate-notice]')).not.toBeNull();
  });

  it('follows the region: setRegion to an opt-in region turns the notice into the banner', () => {
    const { manager, $ } = setup({ mode: 'opt-out', regions: { GB: 'opt-in' } });
    expect($('[data-consentgate-notice]')).not.toBeNull();
    manager.setRegion('GB');
    expect($('[data-consentgate-notice]')).toBeNull();
    expect($('[data-consentgate-banner]')).not.toBeNull();
  });
});
