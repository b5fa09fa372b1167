// happy-dom refuses to load even about:blank in iframes by default and logs it: let it, nothing leaves the machine.
// @vitest-environment-options {"settings":{"enableIframePageLoading":true}}
import { fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBlocking, inShadow, setup, teardown } from '../fixtures/ui/setup';

afterEach(teardown);

const EMBED =
  '<main><p>Before</p><iframe id="yt" class="video-frame" width="560" height="315" data-src="https://www.youtube.com/embed/abc" data-category="social"></iframe><p>After</p></main>';

async function withEmbed(overrides: Parameters<typeof setup>[0] = {}, service: string | null = 'youtube') {
  const blocking = fakeBlocking();
  const env = setup(overrides, { html: EMBED, blocking });
  const iframe = document.getElementById('yt')!;
  await blocking.emit({ type: 'held', element: iframe, service: service ?? undefined, category: 'social' });
  const host = document.querySelector<HTMLElement>('[data-consentgate-placeholder]');
  return { ...env, blocking, iframe, host, ph: () => inShadow(host) };
}

describe('placeholders for held embeds', () => {
  it('stands in the embed\'s place and box, and hides the embed', async () => {
    const { iframe, host } = await withEmbed();
    expect(host).not.toBeNull();
    expect(host!.tagName).toBe('CONSENTGATE-PLACEHOLDER');
    expect(host!.nextElementSibling).toBe(iframe);
    expect(host!.getAttribute('data-consentgate-placeholder')).toBe('youtube');
    expect(host!.style.getPropertyValue('width')).toBe('560px');
    expect(host!.style.getPropertyValue('min-height')).toBe('315px');
    expect(host!.getAttribute('class')).toBe('video-frame');
    expect(iframe.style.getPropertyValue('display')).toBe('none');
    expect(iframe.style.getPropertyPriority('display')).toBe('important');
  });

  it('keeps percentages as they are', async () => {
    const blocking = fakeBlocking();
    setup({}, { html: '<iframe id="m" width="100%" height="450"></iframe>', blocking });
    await blocking.emit({ type: 'held', element: document.getElementById('m')!, service: 'google-maps', category: 'functional' });
    const host = document.querySelector<HTMLElement>('[data-consentgate-placeholder]')!;
    expect(host.style.getPropertyValue('width')).toBe('100%');
    expect(host.style.getPropertyValue('min-height')).toBe('450px');
  });

  it('names the provider and the category, with a load button and a settings button', async () => {
    const { ph } = await withEmbed();
    expect(ph().getByText('YouTube content is blocked')).toBeTruthy();
    expect(
      ph().getByText('This content from YouTube (Google LLC) belongs to the Social media category. Loading it connects you to YouTube (Google LLC), which may set cookies.'),
    ).toBeTruthy();
    expect(ph().getByRole('button', { name: 'Load content' })).toBeTruthy();
    expect(ph().getByRole('button', { name: 'Cookie settings' })).toBeTruthy();
  });

  it('falls back to the category title when the service is unknown', async () => {
    const { ph, host } = await withEmbed({}, null);
    expect(host!.getAttribute('data-consentgate-placeholder')).toBe('social');
    expect(ph().getByText('Social media content is blocked')).toBeTruthy();
  });

  it('"Load content" grants that service only, with method placeholder', async () => {
    const { ph, manager } = await withEmbed();
    fireEvent.click(ph().getByRole('button', { name: 'Load content' }));
    await waitFor(() => expect(manager.get()?.method).toBe('placeholder'));
    expect(manager.isGranted('social', 'youtube')).toBe(true);
    expect(manager.isGranted('social', 'x-widgets')).toBe(false);
    expect(manager.isGranted('social')).toBe(false);
  });

  it("grants the whole category with ui.placeholderGrants 'category'", async () => {
    const { ph, manager } = await withEmbed({ ui: { placeholderGrants: 'category' } });
    fireEvent.click(ph().getByRole('button', { name: 'Load content' }));
    await waitFor(() => expect(manager.get()?.method).toBe('placeholder'));
    expect(manager.isGranted('social')).toBe(true);
    expect(manager.isGranted('social', 'x-widgets')).toBe(true);
  });

  it('grants a service the config does not list (registry only), recorded by category.service', async () => {
    const blocking = fakeBlocking();
    const { manager, $ } = setup({}, { html: '<iframe id="v"></iframe>', blocking });
    await blocking.emit({ type: 'held', element: document.getElementById('v')!, service: 'vimeo', category: 'social' });
    const host = document.querySelector('[data-consentgate-placeholder]')!;
    expect(host.shadowRoot!.textContent).toContain('Vimeo content is blocked');
    fireEvent.click(inShadow(host).getByRole('button', { name: 'Load content' }));
    await waitFor(() => expect(manager.get()?.method).toBe('placeholder'));
    expect(manager.isGranted('social', 'vimeo')).toBe(true);
    // The held service is listed in the preferences too.
    fireEvent.click(inShadow(document.querySelector('[data-consentgate-placeholder]')).getByRole('button', { name: 'Cookie settings' }));
    expect($('[data-consentgate-preferences]')!.textContent).toContain('Vimeo');
  });

  it('"Cookie settings" opens the preferences; focus returns to it', async () => {
    const { ph, host, $ } = await withEmbed();
    const settings = ph().getByRole('button', { name: 'Cookie settings' });
    settings.focus();
    fireEvent.click(settings);
    expect($('[data-consentgate-preferences]')).not.toBeNull();
    fireEvent.keyDown($('[data-consentgate-preferences]')!, { key: 'Escape' });
    expect(host!.shadowRoot!.activeElement).toBe(settings);
  });

  it('on release: the placeholder goes, the embed shows again and takes the focus the button had', async () => {
    const { ph, host, iframe, blocking } = await withEmbed();
    iframe.style.setProperty('display', 'block');
    // (the embed's own display was empty when held; set here only to see it is replaced back)
    const button = ph().getByRole('button', { name: 'Load content' });
    button.focus();
    await blocking.emit({ type: 'released', element: iframe });
    expect(host!.isConnected).toBe(false);
    expect(document.querySelector('[data-consentgate-placeholder]')).toBeNull();
    expect(iframe.style.getPropertyValue('display')).toBe('');
    expect(document.activeElement).toBe(iframe);
  });

  it("restores the embed's own inline display", async () => {
    const blocking = fakeBlocking();
    setup({}, { html: '<iframe id="f" style="display: inline-block"></iframe>', blocking });
    const iframe = document.getElementById('f')!;
    await blocking.emit({ type: 'held', element: iframe, category: 'social' });
    expect(iframe.style.display).toBe('none');
    await blocking.emit({ type: 'released', element: iframe });
    expect(iframe.style.display).toBe('inline-block');
  });

  it('gets placeholders for embeds held before the UI mounted; ignores detached or repeated ones', async () => {
    document.body.innerHTML = '';
    const blocking = fakeBlocking();
    setup({}, { html: EMBED, blocking: { ...blocking, held: () => [{ element: document.getElementById('yt')!, service: 'youtube', category: 'social' }] } });
    expect(document.querySelectorAll('[data-consentgate-placeholder]')).toHaveLength(1);
    await blocking.emit({ type: 'held', element: document.getElementById('yt')!, service: 'youtube', category: 'social' });
    await blocking.emit({ type: 'held', element: document.createElement('iframe'), category: 'social' });
    expect(document.querySelectorAll('[data-consentgate-placeholder]')).toHaveLength(1);
  });

  it('only for embeds a visitor would see: not scripts, pixels, hidden or 1×1 tracking frames', async () => {
    const blocking = fakeBlocking();
    setup(
      {},
      {
        html:
          '<script id="s" type="text/plain" data-src="https://www.googletagmanager.com/gtag/js"></script><img id="p" width="1" height="1">' +
          '<iframe id="f" width="1" height="1"></iframe><iframe id="n" style="display:none" width="300" height="200"></iframe><video id="v" width="320" height="180"></video>',
        blocking,
      },
    );
    for (const id of ['s', 'p', 'f', 'n', 'v']) await blocking.emit({ type: 'held', element: document.getElementById(id)!, category: 'analytics' });
    const hosts = [...document.querySelectorAll('[data-consentgate-placeholder]')];
    expect(hosts.map((h) => h.nextElementSibling!.id)).toEqual(['v']);
    await blocking.emit({ type: 'released', element: document.getElementById('s')! }); // never held by the UI: ignored
    expect(document.querySelectorAll('[data-consentgate-placeholder]')).toHaveLength(1);
  });

  it('speaks the page language and direction', async () => {
    const blocking = fakeBlocking();
    setup({}, { html: EMBED, blocking, htmlLang: 'ar' });
    await blocking.emit({ type: 'held', element: document.getElementById('yt')!, service: 'youtube', category: 'social' });
    const box = document.querySelector('[data-consentgate-placeholder]')!.shadowRoot!.querySelector('div')!;
    expect(box.getAttribute('dir')).toBe('rtl');
    expect(box.getAttribute('lang')).toBe('ar');
    expect(box.textContent).toContain('Google LLC');
  });
});
