/**
 * The shell alone (what the script tag's app mounts on every page): opt-out links in plain DOM,
 * and the moments it asks for the panels, without any panel mounted.
 */
import { fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config';
import { createConsentManager, createMemoryStore } from '../../src/consent';
import { mountShell, placeholderSize, type UiShell } from '../../src/ui/shell';
import { healthSiteConfig } from '../fixtures/configs';
import { inShadow } from '../fixtures/ui/setup';

let shell: UiShell | undefined;
afterEach(() => {
  shell?.unmount();
  shell = undefined;
});

function mount(html: string, stored = false) {
  document.body.innerHTML = html;
  const config = resolveConfig(healthSiteConfig);
  const manager = createConsentManager({ config, store: createMemoryStore(), signals: { doNotTrack: null, globalPrivacyControl: false } });
  if (stored) manager.acceptAll('api');
  const open = vi.fn();
  const needPanels = vi.fn();
  shell = mountShell({ manager, config, open, needPanels });
  return { manager, open, needPanels, shell };
}

const FOOTER = '<footer><span data-consentgate-opt-out>Opt Out</span> <span data-consentgate-settings>Cookie settings</span></footer>';

describe('shell', () => {
  it('a visitor who decided: the footer link and nothing that needs the panels', () => {
    const { shell, needPanels } = mount(FOOTER, true);
    expect(shell.wantsPanels()).toBe(false);
    expect(needPanels).not.toHaveBeenCalled();
    const host = document.querySelector('[data-consentgate-opt-out] > consentgate-link')!;
    expect(inShadow(host).getByRole('button', { name: 'Opt Out' })).toBeTruthy();
    // The main host holds only the shell's style and box: no banner markup without the panels.
    expect(document.querySelector('consentgate-ui')!.shadowRoot!.querySelectorAll('style')).toHaveLength(1);
  });

  it('an undecided visitor wants the panels (the banner), a cookie declaration too', () => {
    expect(mount(FOOTER).shell.wantsPanels()).toBe(true);
    shell!.unmount();
    expect(mount(FOOTER + '<div data-consentgate-cookie-table></div>', true).shell.wantsPanels()).toBe(true);
  });

  it('asks for the panels on a later paint that needs them (showBanner), not on the first', () => {
    const { shell, needPanels } = mount(FOOTER, true);
    shell.state.forced = true;
    shell.paint();
    expect(needPanels).toHaveBeenCalledTimes(1);
  });

  it('the opt-out link records opt-out-link; "Change choices" and a settings trigger ask to open the preferences with their opener', async () => {
    const { manager, open } = mount(FOOTER, true);
    const link = inShadow(document.querySelector('[data-consentgate-opt-out] > consentgate-link'));
    fireEvent.click(link.getByRole('button', { name: 'Opt Out' }));
    await waitFor(() => expect(manager.get()?.method).toBe('opt-out-link'));
    const change = link.getByRole('button', { name: 'Change choices' });
    fireEvent.click(change);
    expect(open).toHaveBeenLastCalledWith(change);
    const settings = document.querySelector('[data-consentgate-settings]')!;
    expect(settings.getAttribute('tabindex')).toBe('0');
    expect(settings.getAttribute('role')).toBe('button');
    fireEvent.keyDown(settings, { key: 'Enter' });
    expect(open).toHaveBeenLastCalledWith(settings);
  });

  it('the fixed link shows when no footer has one, keeps its button (and focus) across repaints', () => {
    const { shell } = mount('<main></main>', true);
    const root = document.querySelector('consentgate-ui')!.shadowRoot!;
    const fixedButton = () => root.querySelector<HTMLButtonElement>('[role=region][aria-label="Cookie settings"] button');
    const button = fixedButton()!;
    button.focus();
    shell.paint();
    expect(fixedButton()).toBe(button);
    expect(root.activeElement).toBe(button);
  });
});

describe('placeholderSize: which held elements get a placeholder (and so need the panels)', () => {
  const el = (html: string) => {
    document.body.innerHTML = html;
    return document.body.firstElementChild!;
  };

  it('a visible embed: its size, from layout or else its attributes (a percentage stays one)', () => {
    expect(placeholderSize(el('<iframe width="560" height="315"></iframe>'))).toEqual(['560px', '315px']);
    expect(placeholderSize(el('<video width="100%" height="240"></video>'))).toEqual(['100%', '240px']);
  });

  it('none for what the visitor would not see: a pixel-sized or hidden frame, a script, a detached element', () => {
    expect(placeholderSize(el('<iframe width="1" height="1"></iframe>'))).toBeNull();
    expect(placeholderSize(el('<iframe width="300" height="250" style="display:none"></iframe>'))).toBeNull();
    expect(placeholderSize(el('<script src="https://example.com/x.js"></script>'))).toBeNull();
    expect(placeholderSize(el('<img width="300" height="250">'))).toBeNull();
    expect(placeholderSize(document.createElement('iframe'))).toBeNull();
  });
});
