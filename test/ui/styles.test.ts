// @vitest-environment node
/**
 * The UI's style sheets (src/ui/styles/*.css) as the build ships them (scripts/css-modules.mjs):
 * the `.css.d.ts` beside each sheet says what its module exports, and the minifier keeps what the
 * UI relies on (theme properties, dark scheme, reduced motion, logical properties for RTL).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileStyle, compileStyles, styleTypings } from '../../scripts/css-modules.mjs';
import panelsCss from '../../src/ui/styles/panels.css';
import shellCss from '../../src/ui/styles/shell.css';

const folder = fileURLToPath(new URL('../../src/ui/styles/', import.meta.url));
const sheets = readdirSync(folder).filter((f) => f.endsWith('.css'));

describe('UI style sheets', () => {
  it.each(sheets)('%s.d.ts lists what the sheet exports (UPDATE_STYLES=1 rewrites it)', (sheet) => {
    const expected = styleTypings(folder + sheet);
    if (process.env.UPDATE_STYLES) writeFileSync(folder + sheet + '.d.ts', expected);
    expect(readFileSync(folder + sheet + '.d.ts', 'utf8'), `run UPDATE_STYLES=1 npx vitest run --project unit test/ui/styles.test.ts`).toBe(expected);
  });

  it('imports as the minified sheet: no comments, no line breaks', () => {
    for (const [sheet, css] of [
      ['shell.css', shellCss],
      ['panels.css', panelsCss],
    ] as const) {
      expect(css).toBe(compileStyle(folder + sheet).css);
      expect(css).not.toMatch(/\/\*|\n/);
      expect(css.length).toBeLessThan(readFileSync(folder + sheet, 'utf8').length / 2);
    }
  });

  it('ships each class under one short name, the same in every sheet, and no sheet under a source name', () => {
    const shipped = new Map<string, string>();
    for (const [file, { css, classes }] of compileStyles()) {
      for (const [name, short] of classes) {
        expect(shipped.get(name) ?? short, `${file}: .${name}`).toBe(short);
        shipped.set(name, short);
        expect(short).toMatch(/^[a-z]+$/); // lower case: quirks-mode pages match classes regardless of case
        expect(css, `${file}: .${name}`).toMatch(new RegExp(`\\.${short}(?![\\w-])`));
        expect(css, `${file}: .${name}`).not.toMatch(new RegExp(`\\.${name}(?![\\w-])`));
      }
    }
    expect(new Set(shipped.values()).size).toBe(shipped.size);
    // The panels style the shell's surfaces too (the fade-in of the banner and the dialog).
    expect(compileStyle(folder + 'panels.css').classes.get('banner')).toBe(compileStyle(folder + 'shell.css').classes.get('banner'));
  });

  it('keeps the theme, the dark scheme, reduced motion and the logical properties', () => {
    expect(shellCss).toContain(':host{all:initial;--cg-bg:#fff;');
    expect(shellCss).toContain('@media (prefers-color-scheme:dark){:host{--cg-bg:#1e1f23;');
    expect(shellCss).toContain('inset-inline-start:8px');
    expect(panelsCss).toContain('@media (prefers-reduced-motion:no-preference)');
    expect(panelsCss).toMatch(/inset-inline-end:var\(--cg-space\)/);
    expect(panelsCss).toContain('padding-inline-start:12px');
    // No browser targets: nothing lowered to physical left/right, nothing prefixed.
    expect(shellCss + panelsCss).not.toMatch(/\b(left|right):|-webkit-|:dir\(/);
  });
});
