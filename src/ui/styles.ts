/**
 * The UI's style sheet, injected as `<style>` elements (with the CSP nonce) into each shadow root:
 * the site's CSS cannot reach in, ours cannot leak out. Themable: `--cg-*` custom properties on
 * `:host` (colours, radius, font, spacing); `ui.theme` overrides them on the host element (its
 * inline declarations beat `:host` rules). Hand-minified: it ships as one string, every byte counts.
 *
 * Colours meet WCAG 2.2 AA in both schemes (text ≥ 4.5:1; switch outlines ≥ 3:1), checked by
 * axe-core in test/browser/ui.test.ts. Logical properties (`inset-inline-*`, `padding-inline`)
 * lay right-to-left languages out by themselves. `medium` is the visitor's default font size,
 * whatever the site did to its root font size.
 *
 * Two parts: `SHELL_CSS` ships in the app (the opt-out links and their shadow hosts, on every
 * page); `PANEL_CSS` ships with the panels (consentgate-ui.js), which add it next to the shell's.
 */
export const SHELL_CSS =
  ':host{all:initial;--cg-bg:#fff;--cg-fg:#1b1c1f;--cg-muted:#4f525a;--cg-accent:#1f4fd1;--cg-on-accent:#fff;--cg-line:#d7d9de;--cg-soft:#f2f3f5;--cg-radius:10px;--cg-font:system-ui,sans-serif;--cg-space:16px}' +
  '@media(prefers-color-scheme:dark){:host{--cg-bg:#1e1f23;--cg-fg:#f0f1f3;--cg-muted:#babcc4;--cg-accent:#9db7ff;--cg-on-accent:#0d1530;--cg-line:#3b3d44;--cg-soft:#2a2c31}}' +
  // Footer links take the site's font and colour. Placeholders take the embed's border box and,
  // like an iframe, sit on the baseline by their bottom edge (inline-block + overflow: hidden).
  ':host(consentgate-link){all:unset}:host(consentgate-placeholder){display:inline-block;overflow:hidden;box-sizing:border-box;max-width:100%}' +
  '*{box-sizing:border-box}.r{font:medium/1.5 var(--cg-font);color:var(--cg-fg)}' +
  '.bn,.pn,.fx{position:fixed;z-index:2147483000;background:var(--cg-bg);box-shadow:0 4px 24px #0005;padding:var(--cg-space);max-height:100vh;overflow:auto;border-radius:var(--cg-radius)}' +
  '.k,.x{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer}.k{text-decoration:underline}' +
  ':focus-visible{outline:3px solid var(--cg-accent);outline-offset:2px}.k:focus-visible{outline-color:currentColor}[tabindex="-1"]{outline:0}' +
  '.fx{bottom:8px;inset-inline-start:8px;padding:4px 10px;font-size:.875em}';

export const PANEL_CSS =
  '.bar{inset:auto 0 0;border-radius:0;display:flex;flex-wrap:wrap;align-items:center;column-gap:32px;padding-inline:max(var(--cg-space),50vw - 36em)}.bar>div{flex:1 1 28em}.bar>.bt{flex:0 1 auto}' +
  '.box{bottom:var(--cg-space);inset-inline-end:var(--cg-space);width:min(27em,100vw - 2*var(--cg-space))}' +
  '.ov{position:fixed;inset:0;z-index:2147483000;background:#0009;display:grid;place-items:center;padding:8px}' +
  '.ov>.pn{position:static;width:min(36em,100%);max-height:calc(100vh - 16px)}' +
  '.pf{display:flex;flex-direction:column;padding:0}.pf>*{padding:var(--cg-space)}.bd{overflow:auto;padding-block:0}.ft{border-top:1px solid var(--cg-line)}' +
  'h2{font-size:1.25em;margin:0 0 8px}h3{font-size:1em;margin:0}p{margin:0 0 8px}.m{color:var(--cg-muted);font-size:.875em}a,summary{color:var(--cg-accent)}' +
  '.bt{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}' +
  // Accept and Reject share `.b.p`: the same size, colour and weight (EDPB Guidelines 03/2022).
  '.b{flex:auto;font:inherit;font-weight:600;padding:10px 18px;border-radius:var(--cg-radius);border:2px solid var(--cg-accent);background:var(--cg-bg);color:var(--cg-accent);cursor:pointer}.p{background:var(--cg-accent);color:var(--cg-on-accent)}' +
  '.x{font-size:1.5em;line-height:1;padding:4px 8px}' +
  '.hd,.rw{display:flex;align-items:start;gap:12px}.hd>:first-child,.rw>:first-child{flex:1}.ct{border-top:1px solid var(--cg-line);padding:12px 0}' +
  '.s{appearance:none;flex:none;position:relative;width:46px;height:26px;margin:0;border-radius:13px;border:2px solid var(--cg-muted);cursor:pointer}' +
  '.s:before{content:"";position:absolute;top:3px;inset-inline-start:3px;width:16px;height:16px;border-radius:50%;background:var(--cg-muted)}' +
  '.s:checked{background:var(--cg-accent);border-color:var(--cg-accent)}.s:checked:before{inset-inline-start:23px;background:var(--cg-on-accent)}.s:disabled{opacity:.7}' +
  'summary{cursor:pointer;font-weight:600}ul{list-style:none;margin:0;padding:0}li{border-inline-start:3px solid var(--cg-line);padding-inline-start:12px;margin-top:12px}' +
  'table{width:100%;border-collapse:collapse;font-size:.8125em;margin-top:6px}th,td{text-align:start;vertical-align:top;padding:4px;border-bottom:1px solid var(--cg-line);overflow-wrap:anywhere}' +
  '.nt{background:var(--cg-soft);border-radius:var(--cg-radius);padding:8px 12px;margin-top:12px}' +
  '.ph{min-height:inherit;display:grid;place-content:center;justify-items:center;gap:4px;text-align:center;padding:var(--cg-space);background:var(--cg-soft);border:1px solid var(--cg-line);border-radius:var(--cg-radius)}' +
  // No motion when the visitor asks for less (WCAG 2.3.3); opacity only, never layout.
  '@media(prefers-reduced-motion:no-preference){.bn,.pn{animation:cg .2s}}@keyframes cg{from{opacity:0}}';
