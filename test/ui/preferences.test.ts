import { fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { UiCatalog } from '../../src/ui';
import * as styles from '../../src/ui/styles/panels.css';
import { registryCatalog, setup, teardown } from '../fixtures/ui/setup';

afterEach(teardown);

const open = (...args: Parameters<typeof setup>) => {
  const env = setup(...args);
  env.ui.showPreferences();
  const dialog = env.$('[data-consentgate-preferences]')!;
  return { ...env, dialog, inDialog: within(dialog) };
};
const categoryBlock = (dialog: HTMLElement, title: string) =>
  within(dialog).getByRole('heading', { name: title, level: 3 }).closest('.' + styles.category) as HTMLElement;

describe('preferences dialog', () => {
  it('is a modal dialog with a name and a description, and takes the focus', () => {
    const { view, dialog, active } = open();
    expect(view().getByRole('dialog', { name: 'Cookie preferences' })).toBe(dialog);
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.ownerDocument.defaultView).toBeTruthy();
    expect(dialog.querySelector('#' + dialog.getAttribute('aria-describedby'))!.textContent).toBe(
      'Choose which categories we may use. Necessary cookies are always on.',
    );
    expect(active()).toBe(dialog);
  });

  it('lists every category with a switch; necessary is on, disabled and says why', () => {
    const { inDialog, dialog } = open();
    const switches = inDialog.getAllByRole('switch').filter((s) => s.getAttribute('aria-describedby'));
    expect(switches.map((s) => s.getAttribute('aria-label'))).toEqual([
      'Necessary',
      'Functional',
      'Analytics',
      'Advertising',
      'Social media',
    ]);
    const necessary = inDialog.getByRole('switch', { name: 'Necessary' }) as HTMLInputElement;
    expect(necessary.checked).toBe(true);
    expect(necessary.disabled).toBe(true);
    const description = dialog.querySelector('#' + necessary.getAttribute('aria-describedby'))!;
    expect(description.textContent).toContain('Necessary cookies cannot be switched off');
    expect(within(categoryBlock(dialog, 'Necessary')).getByText('Always on')).toBeTruthy();
    // Opt-in: nothing optional is pre-ticked.
    for (const name of ['Functional', 'Analytics', 'Advertising', 'Social media']) {
      expect((inDialog.getByRole('switch', { name }) as HTMLInputElement).checked, name).toBe(false);
    }
    expect(within(categoryBlock(dialog, 'Analytics')).getByText('Help us see how the site is used, to improve it.')).toBeTruthy();
  });

  it("uses the config's own category title and description", () => {
    const { inDialog } = open({
      signals: {},
      categories: [{ id: 'necessary', required: true }, { id: 'research', title: 'Research <i>', description: 'Studies we run.' }],
    });
    expect(inDialog.getByRole('switch', { name: 'Research <i>' })).toBeTruthy();
    expect(inDialog.getByText('Studies we run.')).toBeTruthy();
  });

  it('shows services expandable, each with a switch, provider and cookie table from the registry', () => {
    const { dialog } = open();
    const analytics = categoryBlock(dialog, 'Analytics');
    const details = analytics.querySelector('details')!;
    expect(details.querySelector('summary')!.textContent).toBe('Services: 2');
    const ga = within(details).getByRole('switch', { name: 'Google Analytics' }) as HTMLInputElement;
    expect(ga.checked).toBe(false);
    const item = ga.closest('li')!;
    expect(item.textContent).toContain('Google LLC');
    const table = item.querySelector('table')!;
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['Name', 'Provider', 'Purpose', 'Lifetime', 'Type']);
    const firstRow = [...table.querySelectorAll('tbody tr')[0]!.querySelectorAll('td')].map((td) => td.textContent);
    expect(firstRow).toEqual(['_ga', 'Google LLC', 'Identifies the visitor.', '2 years', 'Persistent']);
    expect(within(item).getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe('https://policies.google.com/privacy');
    expect(within(item).getByRole('link', { name: 'Opt Out' }).getAttribute('href')).toBe('https://tools.google.com/dlpage/gaoptout');
  });

  it('marks session cookies as Session and shows a note for services without cookies', () => {
    const { dialog } = open({
      signals: {},
      categories: [
        { id: 'necessary', required: true },
        {
          id: 'functional',
          services: [
            { id: 'chat', title: 'Chat', provider: 'Chat Co', cookies: [{ name: 'chat_sid', purpose: 'Keeps the chat open.', lifetime: 'session' }] },
            { id: 'fonts', title: 'Fonts', provider: 'Fonts Co' },
          ],
        },
      ],
    });
    const rows = [...dialog.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['consentgate', 'This website', 'Keeps your cookie choices and when you made them.', '365 days', 'Persistent'],
      ['chat_sid', 'Chat Co', 'Keeps the chat open.', 'Session', 'Session'],
    ]);
    // The first services list is the required category's (the SDK's own cookie); the second is functional.
    expect(within(dialog.querySelectorAll('details')[1]!).getByText('No cookies declared.')).toBeTruthy();
  });

  it('has no per-service switch where switchable is false, nor for required categories', () => {
    const { dialog } = open({
      signals: {},
      categories: [
        { id: 'necessary', required: true, services: [{ id: 'cdn', title: 'CDN' }] },
        { id: 'analytics', services: [{ id: 'stats', title: 'Stats', switchable: false }, { id: 'heat', title: 'Heat' }] },
      ],
    });
    expect(within(dialog).queryByRole('switch', { name: 'CDN' })).toBeNull();
    expect(within(dialog).queryByRole('switch', { name: 'Stats' })).toBeNull();
    expect(within(dialog).getByRole('switch', { name: 'Heat' })).toBeTruthy();
  });

  it('Save choices records exactly the switches, with method preferences', async () => {
    const { inDialog, manager, $ } = open();
    fireEvent.click(inDialog.getByRole('switch', { name: 'Analytics' }));
    fireEvent.click(inDialog.getByRole('switch', { name: 'Social media' }));
    // One service of social off again: recorded apart from its category.
    fireEvent.click(inDialog.getByRole('switch', { name: 'X (Twitter) widgets' }));
    expect((inDialog.getByRole('switch', { name: 'Hotjar' }) as HTMLInputElement).checked).toBe(true); // follows its category
    fireEvent.click(inDialog.getByRole('button', { name: 'Save choices' }));
    expect($('[data-consentgate-preferences]')).toBeNull();
    expect(manager.hasDecision()).toBe(false); // after the paint
    await waitFor(() => expect(manager.get()?.method).toBe('preferences'));
    const record = manager.get()!;
    expect(record.categories).toEqual({ necessary: true, functional: false, analytics: true, advertising: false, social: true });
    expect(record.services).toEqual({ 'x-widgets': false });
    expect(manager.isGranted('social', 'youtube')).toBe(true);
    expect(manager.isGranted('social', 'x-widgets')).toBe(false);
    expect($('[data-consentgate-banner]')).toBeNull();
  });

  it('a category switch resets its services to follow it', () => {
    const { inDialog } = open();
    fireEvent.click(inDialog.getByRole('switch', { name: 'Google Analytics' }));
    expect((inDialog.getByRole('switch', { name: 'Google Analytics' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(inDialog.getByRole('switch', { name: 'Analytics' }));
    fireEvent.click(inDialog.getByRole('switch', { name: 'Analytics' }));
    expect((inDialog.getByRole('switch', { name: 'Google Analytics' }) as HTMLInputElement).checked).toBe(false);
  });

  it('starts from the stored choices when reopened', async () => {
    const env = setup();
    env.manager.update({ analytics: true, 'advertising.meta-pixel': true }, 'api');
    env.ui.showPreferences();
    const dialog = within(env.$('[data-consentgate-preferences]')!);
    expect((dialog.getByRole('switch', { name: 'Analytics' }) as HTMLInputElement).checked).toBe(true);
    expect((dialog.getByRole('switch', { name: 'Advertising' }) as HTMLInputElement).checked).toBe(false);
    expect((dialog.getByRole('switch', { name: 'Meta Pixel' }) as HTMLInputElement).checked).toBe(true);
  });

  it('Accept all and Reject all in the dialog record method preferences', async () => {
    const a = open();
    fireEvent.click(a.inDialog.getByRole('button', { name: 'Accept all' }));
    await waitFor(() => expect(a.manager.get()?.method).toBe('preferences'));
    expect(a.manager.isGranted('advertising')).toBe(true);
    const r = open();
    r.manager.acceptAll('api');
    r.ui.showPreferences();
    fireEvent.click(within(r.$('[data-consentgate-preferences]')!).getByRole('button', { name: 'Reject all' }));
    await waitFor(() => expect(r.manager.get()?.method).toBe('preferences'));
    expect(r.manager.isGranted('analytics')).toBe(false);
  });

  it('Accept all and Reject all share one class in the dialog too', () => {
    const { inDialog } = open();
    expect(inDialog.getByRole('button', { name: 'Accept all' }).className).toBe(inDialog.getByRole('button', { name: 'Reject all' }).className);
  });

  it('Escape and the Close button close it without a decision, focus back to the opener', () => {
    const env = setup({}, { html: '<button id="opener">Settings</button>' });
    env.manager.rejectAll('api');
    const opener = document.getElementById('opener')!;
    opener.focus();
    env.ui.showPreferences();
    fireEvent.keyDown(env.$('[data-consentgate-preferences]')!, { key: 'Escape' });
    expect(env.$('[data-consentgate-preferences]')).toBeNull();
    expect(document.activeElement).toBe(opener);
    env.ui.showPreferences();
    fireEvent.click(within(env.$('[data-consentgate-preferences]')!).getByRole('button', { name: 'Close' }));
    expect(env.$('[data-consentgate-preferences]')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(env.manager.get()!.seq).toBe(1);
  });

  it('traps Tab inside: last control → Close button, Shift+Tab on Close → last control', () => {
    const { dialog, inDialog, active } = open();
    const close = inDialog.getByRole('button', { name: 'Close' });
    const save = inDialog.getByRole('button', { name: 'Save choices' });
    save.focus();
    fireEvent.keyDown(save, { key: 'Tab' });
    expect(active()).toBe(close);
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    expect(active()).toBe(save);
    dialog.focus();
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(active()).toBe(save);
    // In between, Tab is left to the browser.
    const analytics = inDialog.getByRole('switch', { name: 'Analytics' });
    analytics.focus();
    expect(fireEvent.keyDown(analytics, { key: 'Tab' })).toBe(true);
  });

  it('orders the controls for the keyboard: Close, switches and services, then Accept, Reject, Save', () => {
    const { dialog } = open();
    const order = [...dialog.querySelectorAll('a[href],button,input,summary')].map(
      (el) => el.getAttribute('aria-label') ?? el.textContent,
    );
    expect(order[0]).toBe('Close');
    expect(order.slice(-3)).toEqual(['Accept all', 'Reject all', 'Save choices']);
  });
});

describe('preferences: signals, sensitive pages, third-party opt-outs', () => {
  it("shows the DNT statement (the policy's, from the config) when DNT is ignored, and the GPC statement", () => {
    const { dialog } = open();
    expect(dialog.textContent).toContain('This site does not respond to Do Not Track signals.');
    expect(dialog.textContent).toContain('This site honors Global Privacy Control: with it on, advertising cookies stay off.');
    expect(dialog.textContent).not.toContain('Opt-Out Preference Signal Honored');
  });

  it('falls back to the built-in DNT text, and drops it when DNT is honored without a statement', () => {
    expect(open({ signals: { doNotTrack: { mode: 'ignore' } } }).dialog.textContent).toContain(
      'This site does not respond to Do Not Track signals, as there is no common standard for them.',
    );
    expect(open({ signals: { doNotTrack: { mode: 'honor' } } }).dialog.textContent).not.toContain('Do Not Track');
  });

  it('with GPC on and honored: the advertising switch is off with the reason, and switching it on overrides the signal', async () => {
    const { dialog, inDialog, manager } = open({}, { signals: { globalPrivacyControl: true } });
    expect(dialog.textContent).toContain('Opt-Out Preference Signal Honored');
    const ads = inDialog.getByRole('switch', { name: 'Advertising' }) as HTMLInputElement;
    expect(ads.checked).toBe(false);
    expect(dialog.querySelector('#' + ads.getAttribute('aria-describedby'))!.textContent).toContain('Opt-Out Preference Signal Honored.');
    fireEvent.click(ads);
    fireEvent.click(inDialog.getByRole('button', { name: 'Save choices' }));
    await waitFor(() => expect(manager.get()?.method).toBe('preferences'));
    expect(manager.isGranted('advertising')).toBe(true);
    expect(manager.get()!.signals.globalPrivacyControl.overriddenByVisitor).toEqual(['advertising']);
  });

  it('Accept all in the dialog does not override GPC (only an explicit switch does)', async () => {
    const { inDialog, manager } = open({}, { signals: { globalPrivacyControl: true } });
    fireEvent.click(inDialog.getByRole('button', { name: 'Accept all' }));
    await waitFor(() => expect(manager.hasDecision()).toBe(true));
    expect(manager.isGranted('advertising')).toBe(false);
    expect(manager.isGranted('analytics')).toBe(true);
  });

  it('names the categories blocked on a sensitive page, and saving there keeps the stored choice', async () => {
    const env = setup();
    env.manager.acceptAll('api');
    env.manager.restrict(['advertising', 'social']);
    env.ui.showPreferences();
    const dialog = env.$('[data-consentgate-preferences]')!;
    expect(dialog.textContent).toContain('On this page, Advertising and Social media stays off whatever you chose, as it concerns health.');
    // The switch shows the stored choice: saving here must not turn the restriction into a "no".
    expect((within(dialog).getByRole('switch', { name: 'Advertising' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save choices' }));
    await waitFor(() => expect(env.manager.get()?.method).toBe('preferences'));
    expect(env.manager.get()!.categories.advertising).toBe(true);
    expect(env.manager.isGranted('advertising')).toBe(false);
  });

  it('lists the configured third-party opt-out pages under their heading, safe links only', () => {
    const { inDialog } = open(
      {
        ui: {
          optOutLinks: [
            { title: 'Digital Advertising Alliance', url: 'https://optout.aboutads.info/' },
            { title: 'Evil', url: 'javascript:alert(1)' },
          ],
        },
      },
      { unvalidated: true },
    );
    expect(inDialog.getByRole('heading', { name: 'Opt out with third parties' })).toBeTruthy();
    expect(inDialog.getByRole('link', { name: 'Digital Advertising Alliance' }).getAttribute('href')).toBe('https://optout.aboutads.info/');
    expect(inDialog.queryByRole('link', { name: 'Evil' })).toBeNull();
  });

  it('never links a catalog URL that is not safe', () => {
    const evil: UiCatalog = {
      list: () => [{ id: 'evil', category: 'analytics', title: 'Evil', privacyPolicyUrl: 'javascript:alert(1)', optOutUrl: 'data:text/html,x' }],
      byId: registryCatalog.byId,
    };
    const { dialog } = open({}, { catalog: evil });
    const item = within(dialog).getByRole('switch', { name: 'Evil' }).closest('li')!;
    expect(item.querySelector('a')).toBeNull();
  });

  it('adds the catalog list to the config services, in the catalog category, without duplicates', () => {
    const catalog: UiCatalog = {
      list: () => [
        { id: 'google-analytics', category: 'analytics', title: 'GA again' },
        { id: 'matomo', category: 'analytics', title: 'Matomo', provider: 'InnoCraft' },
        { id: 'unknown-cat', category: 'research', title: 'Nowhere' },
      ],
      byId: registryCatalog.byId,
    };
    const { dialog } = open({}, { catalog });
    const analytics = categoryBlock(dialog, 'Analytics');
    expect(within(analytics).getAllByRole('switch').map((s) => s.getAttribute('aria-label'))).toEqual([
      'Analytics',
      'Google Analytics',
      'Hotjar',
      'Matomo',
    ]);
    expect(dialog.textContent).not.toContain('Nowhere');
  });
});
