import { fireEvent, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { linkButton } from '../../src/ui/styles/shell.css';
import { inShadow, setup, teardown } from '../fixtures/ui/setup';

afterEach(teardown);

const FOOTER = '<main><h1>Home</h1></main><footer><a href="/privacy">Privacy</a> <span data-consentgate-opt-out>Opt Out</span></footer>';
/** The fixed link's region (when no footer has a slot). */
const FIXED = '[role=region][aria-label="Cookie settings"]';
const links = () => [...document.querySelectorAll('[data-consentgate-opt-out] > consentgate-link')];

describe('"Opt Out" link', () => {
  it('renders into every [data-consentgate-opt-out] element, replacing its fallback text', () => {
    setup({}, { html: FOOTER + '<div data-consentgate-opt-out></div>' });
    expect(links()).toHaveLength(2);
    const footer = document.querySelector('footer [data-consentgate-opt-out]')!;
    expect(footer.childNodes).toHaveLength(1);
    expect(inShadow(links()[0]!).getByRole('button', { name: 'Opt Out' })).toBeTruthy();
  });

  it('one click opts out of analytics and advertising (method opt-out-link) and announces it politely', async () => {
    const { manager } = setup({}, { html: FOOTER });
    manager.acceptAll('api');
    const link = inShadow(links()[0]!);
    const status = link.getByRole('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe(''); // the live region exists before its text
    fireEvent.click(link.getByRole('button', { name: 'Opt Out' }));
    expect(status.textContent).toContain('You have opted out of: Analytics and Advertising.');
    await waitFor(() => expect(manager.get()?.method).toBe('opt-out-link'));
    expect(manager.get()!.categories).toMatchObject({ analytics: false, advertising: false, functional: true, social: true });
    expect(within(status).getByRole('button', { name: 'Change choices' })).toBeTruthy();
  });

  it('opts out of the configured categories only', async () => {
    const { manager } = setup({ ui: { optOutLink: { categories: ['analytics'] } } }, { html: FOOTER });
    manager.acceptAll('api');
    fireEvent.click(inShadow(links()[0]!).getByRole('button', { name: 'Opt Out' }));
    await waitFor(() => expect(manager.get()?.method).toBe('opt-out-link'));
    expect(manager.isGranted('analytics')).toBe(false);
    expect(manager.isGranted('advertising')).toBe(true);
    expect(inShadow(links()[0]!).getByRole('status').textContent).toContain('You have opted out of: Analytics.');
  });

  it('works before any decision too, and the banner then goes (that is a decision)', async () => {
    const { manager, $ } = setup({}, { html: FOOTER });
    expect($('[data-consentgate-banner]')).not.toBeNull();
    fireEvent.click(inShadow(links()[0]!).getByRole('button', { name: 'Opt Out' }));
    await waitFor(() => expect(manager.get()?.method).toBe('opt-out-link'));
    expect($('[data-consentgate-banner]')).toBeNull();
  });

  it('"Change choices" opens the preferences and the focus returns to it afterwards', () => {
    const { $, active } = setup({}, { html: FOOTER });
    const link = inShadow(links()[0]!);
    fireEvent.click(link.getByRole('button', { name: 'Opt Out' }));
    const change = link.getByRole('button', { name: 'Change choices' });
    change.focus();
    fireEvent.click(change);
    const dialog = $('[data-consentgate-preferences]')!;
    expect(active()).toBe(dialog);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(links()[0]!.shadowRoot!.activeElement).toBe(change);
  });

  it('says "Do Not Sell or Share My Personal Information" in opt-out regimes, with the GPC notice when honored', () => {
    setup({ mode: 'opt-out' }, { html: FOOTER, signals: { globalPrivacyControl: true } });
    const link = links()[0]!;
    expect(inShadow(link).getByRole('button', { name: 'Do Not Sell or Share My Personal Information' })).toBeTruthy();
    expect(link.shadowRoot!.textContent).toContain('Opt-Out Preference Signal Honored');
  });

  it('shows no GPC notice when GPC is off or not honored', () => {
    setup({ mode: 'opt-out' }, { html: FOOTER });
    expect(links()[0]!.shadowRoot!.textContent).not.toContain('Honored');
    setup({ mode: 'opt-out', signals: { globalPrivacyControl: { mode: 'ignore' } } }, { html: FOOTER, signals: { globalPrivacyControl: true } });
    expect(links()[0]!.shadowRoot!.textContent).not.toContain('Honored');
  });

  it('without a footer slot: a small fixed link at the bottom, once no banner shows', async () => {
    const { $, view, manager } = setup();
    expect($(FIXED)).toBeNull(); // the banner covers the bottom; it has its own choices
    fireEvent.click($('[data-consentgate-reject-all]')!);
    await waitFor(() => expect(manager.hasDecision()).toBe(true));
    const fixed = view().getByRole('region', { name: 'Cookie settings' });
    expect(fixed).toBe($(FIXED));
    fireEvent.click(within(fixed).getByRole('button', { name: 'Opt Out' }));
    expect(within(fixed).getByRole('status').textContent).toContain('You have opted out of');
    await waitFor(() => expect(manager.get()?.method).toBe('opt-out-link'));
  });

  it('no fixed link with ui.optOutLink.fixed false, nor when the page has a slot', () => {
    const off = setup({ ui: { optOutLink: { fixed: false } } });
    off.manager.acceptAll('api');
    expect(off.$(FIXED)).toBeNull();
    const slotted = setup({}, { html: FOOTER });
    slotted.manager.acceptAll('api');
    expect(slotted.$(FIXED)).toBeNull();
  });

  it('takes the footer\'s font and colour (all: unset on its host) while keeping its own styles in a shadow root', () => {
    setup({}, { html: FOOTER });
    const host = links()[0]!;
    expect(host.shadowRoot!.querySelector('style')!.textContent).toContain(':host(consentgate-link){all:unset}');
    // Styled as a link: underlined text in the footer's font and colour, not a boxed button.
    expect(host.shadowRoot!.querySelector('button')!.className).toBe(linkButton);
  });
});

describe('[data-consentgate-settings]', () => {
  it('opens the preferences on click, and the focus returns to the control', () => {
    const { $ } = setup({}, { html: '<button data-consentgate-settings>Cookie settings</button>' });
    const button = document.querySelector<HTMLElement>('[data-consentgate-settings]')!;
    button.focus();
    fireEvent.click(button);
    expect($('[data-consentgate-preferences]')).not.toBeNull();
    fireEvent.keyDown($('[data-consentgate-preferences]')!, { key: 'Escape' });
    expect(document.activeElement).toBe(button);
  });

  it('makes a non-native element focusable and operable with Enter and Space', () => {
    const { $ } = setup({}, { html: '<span data-consentgate-settings>Cookie settings</span><a href="#x" data-consentgate-settings>Settings</a>' });
    const span = document.querySelector<HTMLElement>('span[data-consentgate-settings]')!;
    expect(span.getAttribute('tabindex')).toBe('0');
    expect(span.getAttribute('role')).toBe('button');
    fireEvent.keyDown(span, { key: 'Enter' });
    expect($('[data-consentgate-preferences]')).not.toBeNull();
    fireEvent.keyDown($('[data-consentgate-preferences]')!, { key: 'Escape' });
    fireEvent.keyDown(span, { key: ' ' });
    expect($('[data-consentgate-preferences]')).not.toBeNull();
    fireEvent.keyDown($('[data-consentgate-preferences]')!, { key: 'Escape' });
    fireEvent.keyDown(span, { key: 'a' });
    expect($('[data-consentgate-preferences]')).toBeNull();
    // A real link keeps its own semantics; the click does not navigate.
    const link = document.querySelector('a[data-consentgate-settings]')!;
    expect(link.hasAttribute('role')).toBe(false);
    const click = fireEvent.click(link);
    expect(click).toBe(false); // default prevented
    expect($('[data-consentgate-preferences]')).not.toBeNull();
  });

  it('works for a child of the marked element', () => {
    const { $ } = setup({}, { html: '<button data-consentgate-settings><span id="inner">Cookie settings</span></button>' });
    fireEvent.click(document.getElementById('inner')!);
    expect($('[data-consentgate-preferences]')).not.toBeNull();
  });
});
