// @vitest-environment-options {"settings":{"enableIframePageLoading":true}}
import { render, within } from '@testing-library/preact';
import { h } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CookieTable } from '../../src/ui/cookie-table';
import { translator } from '../../src/ui/texts';
import en from '../../src/ui/i18n/en.json';
import { fakeBlocking, setup, teardown } from '../fixtures/ui/setup';

afterEach(teardown);

const t = translator(en);
const rowsOf = (table: Element) => [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));

describe('CookieTable', () => {
  it('lists name, provider, purpose, lifetime and session/persistent per cookie', () => {
    const { container } = render(
      h(CookieTable, {
        t,
        caption: 'Analytics',
        services: [
          {
            id: 'stats',
            category: 'analytics',
            provider: 'Stats Inc.',
            cookies: [
              { name: '_s', purpose: 'Counts visits.', lifetime: '1 year' },
              { name: '_s_tab', purpose: 'Per tab.', lifetime: 'session' },
              { name: 's_key', purpose: 'Tab state.', storage: 'sessionStorage' },
            ],
          },
          { id: 'heat', category: 'analytics', title: 'Heat', cookies: [{ name: 'hx', lifetime: '30 days' }] },
        ],
      }),
    );
    const table = within(container as HTMLElement).getByRole('table', { name: 'Analytics' });
    expect([...table.querySelectorAll('th')].map((th) => [th.textContent, th.getAttribute('scope')])).toEqual([
      ['Name', 'col'],
      ['Provider', 'col'],
      ['Purpose', 'col'],
      ['Lifetime', 'col'],
      ['Type', 'col'],
    ]);
    expect(rowsOf(table)).toEqual([
      ['_s', 'Stats Inc.', 'Counts visits.', '1 year', 'Persistent'],
      ['_s_tab', 'Stats Inc.', 'Per tab.', 'Session', 'Session'],
      ['s_key', 'Stats Inc.', 'Tab state.', 'Session', 'Session'],
      ['hx', 'Heat', '', '30 days', 'Persistent'],
    ]);
  });

  it('says "No cookies declared." when there are none', () => {
    const { container } = render(h(CookieTable, { t, services: [{ id: 'x', category: 'analytics' }] }));
    expect(container.textContent).toBe('No cookies declared.');
    expect(container.querySelector('table')).toBeNull();
  });

  it('renders cookie fields as text', () => {
    const { container } = render(
      h(CookieTable, { t, services: [{ id: 'x', category: 'a', cookies: [{ name: '<img src=x onerror=alert(1)>', purpose: '<b>p</b>' }] }] }),
    );
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.querySelector('td')!.textContent).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('cookie declaration ([data-consentgate-cookie-table])', () => {
  const PAGE = '<main><h1>Privacy</h1><h2>Cookies</h2><div data-consentgate-cookie-table>Loading…</div></main>';

  it('gets one table per category, captioned, from config services merged with the registry', () => {
    setup({}, { html: PAGE });
    const slot = document.querySelector('[data-consentgate-cookie-table]')!;
    expect(slot.textContent).not.toContain('Loading…');
    // Light DOM: the privacy page's own styles apply; a class lets it style the tables.
    expect(slot.firstElementChild!.className).toBe('consentgate-cookie-table');
    const captions = [...slot.querySelectorAll('caption')].map((c) => c.textContent);
    expect(captions).toEqual(['Necessary', 'Functional', 'Analytics', 'Advertising', 'Social media']);
    // The SDK declares its own cookie under the required category, with the configured name and lifetime.
    expect(rowsOf(within(slot as HTMLElement).getByRole('table', { name: 'Necessary' }))).toEqual([
      ['consentgate', 'This website', 'Keeps your cookie choices and when you made them.', '365 days', 'Persistent'],
    ]);
    expect(rowsOf(within(slot as HTMLElement).getByRole('table', { name: 'Functional' }))).toEqual([
      ['NID', 'Google LLC', 'Stores preferences.', '6 months', 'Persistent'],
    ]);
    const analytics = within(slot as HTMLElement).getByRole('table', { name: 'Analytics' });
    expect(rowsOf(analytics).map((r) => r[0])).toEqual([
      '_ga', '_ga_*', '_gid', '_gat*', '_gac_*',
      '_hjSessionUser_*', '_hjSession_*', '_hjTLDTest', '_hjLocalStorageTest', '_hjSessionStorageTest',
      '_hjIncludedInSessionSample_*', '_hjAbsoluteSessionInProgress', '_hjFirstSeen', '_hjRecordingEnabled', '_hjViewportId',
    ]);
    const ads = within(slot as HTMLElement).getByRole('table', { name: 'Advertising' });
    expect(rowsOf(ads)).toContainEqual(['acme_id', 'Acme Inc.', 'Ad measurement', '90 days', 'Persistent']);
  });

  it('declares the receipt queue in localStorage too when receipts are on', () => {
    setup({ receipts: { endpoint: '/receipts', maxAgeDays: 14 } }, { html: PAGE });
    const slot = document.querySelector('[data-consentgate-cookie-table]') as HTMLElement;
    expect(rowsOf(within(slot).getByRole('table', { name: 'Necessary' }))).toEqual([
      ['consentgate', 'This website', 'Keeps your cookie choices and when you made them.', '365 days', 'Persistent'],
      ['consentgate:receipts', 'This website', 'Keeps your cookie choices and when you made them.', '14 days', 'Persistent'],
    ]);
  });

  it('fills every marked element, in the page language', () => {
    setup({ language: 'de' }, { html: PAGE + '<aside data-consentgate-cookie-table></aside>' });
    const slots = document.querySelectorAll('[data-consentgate-cookie-table]');
    expect(slots[1]!.querySelectorAll('table')).toHaveLength(5);
    expect(slots[0]!.querySelector('th')!.textContent).toBe('Name');
    expect([...slots[0]!.querySelectorAll('th')].map((th) => th.textContent)).toContain('Speicherdauer');
    expect(slots[0]!.querySelectorAll('caption')[2]!.textContent).toBe('Analyse');
  });

  it('stays in sync: a service held on the page joins its table; slots added later are filled on the next change', async () => {
    const blocking = fakeBlocking();
    const { manager } = setup({}, { html: PAGE + '<iframe id="v"></iframe>', blocking });
    const slot = () => document.querySelector('[data-consentgate-cookie-table]')!;
    expect(slot().textContent).not.toContain('vuid');
    await blocking.emit({ type: 'held', element: document.getElementById('v')!, service: 'vimeo', category: 'social' });
    expect(slot().textContent).toContain('vuid');
    const later = document.createElement('section');
    later.setAttribute('data-consentgate-cookie-table', '');
    document.body.append(later);
    manager.acceptAll('api');
    expect(later.querySelectorAll('table')).toHaveLength(5);
  });

  it('is emptied on unmount', () => {
    const { ui } = setup({}, { html: PAGE });
    ui.unmount();
    expect(document.querySelector('[data-consentgate-cookie-table]')!.innerHTML).toBe('');
  });
});
