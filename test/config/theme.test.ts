/**
 * `ui.theme` takes colours, lengths and a font list only (issue 16, item 5): a value such as
 * `url(https://www.facebook.com/tr)` is refused with its path, and whatever reaches resolveConfig
 * unvalidated is dropped there, so the UI never applies it.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, validateConfig } from '../../src/config';
import type { ThemeConfig } from '../../src/types';
import { minimalConfig } from '../fixtures/configs';

const withTheme = (theme: Record<string, string>) => ({ ...minimalConfig, ui: { theme: theme as ThemeConfig } });
const errors = (theme: Record<string, string>) => validateConfig(withTheme(theme)).problems.filter((p) => p.severity === 'error');

const COLOURS = ['#0a5', '#0a5c', '#0a5c36', '#0a5c36cc', 'rebeccapurple', 'transparent', 'currentColor', 'rgb(0 90 54)', 'rgba(0, 90, 54, .5)', 'hsl(150deg 80% 20% / 50%)', 'oklch(52% 0.1 160)'];
const LENGTHS = ['0', '10px', '0.75rem', '.5em', '100%', '2ch', '4vw'];
const FONTS = ['system-ui,sans-serif', '"Inter", Helvetica Neue, Arial, sans-serif', "'Noto Sans JP', sans-serif", 'ヒラギノ角ゴ, 微软雅黑'];
/** Values that fetch, escape the declaration, or hide something in a comment or an escape. */
const HOSTILE = [
  'url(https://www.facebook.com/tr)',
  'URL(https://www.facebook.com/tr)',
  'image-set("https://tracker.example/p.png" 1x)',
  'var(--x, url(https://tracker.example/))',
  'red;background:url(https://tracker.example/)',
  'red} body{display:none',
  'red{',
  '\\75 rl(https://tracker.example/)',
  'red/**/',
  'rgb(0 0 0) url(https://tracker.example/)',
  'rgb(url(https://tracker.example/))',
  '',
  '#12345',
];

describe('ui.theme validation', () => {
  it('accepts colours, lengths and font families where each belongs', () => {
    for (const value of COLOURS) expect(errors({ '--cg-accent': value, '--cg-bg': value }), value).toEqual([]);
    for (const value of LENGTHS) expect(errors({ '--cg-radius': value, '--cg-space': value }), value).toEqual([]);
    for (const value of FONTS) expect(errors({ '--cg-font': value }), value).toEqual([]);
  });

  it('refuses every other value with its JSON path and the kind expected', () => {
    for (const value of HOSTILE) {
      for (const key of ['--cg-accent', '--cg-radius', '--cg-font']) {
        expect(errors({ [key]: value }), `${key}: ${value}`).toEqual([{ path: `ui.theme.${key}`, message: expect.stringMatching(/^expected (a colour|a length|font families)/), severity: 'error' }]);
      }
    }
    // A colour is not a length, a length is not a colour; a unit alone is no length.
    expect(errors({ '--cg-radius': '#fff', '--cg-accent': '10px', '--cg-space': 'px' }).map((p) => p.path)).toEqual(['ui.theme.--cg-radius', 'ui.theme.--cg-accent', 'ui.theme.--cg-space']);
  });

  it('warns about a property the style sheet does not have, with the one that was meant', () => {
    const problems = validateConfig(withTheme({ '--cg-acent': '#0a5' })).problems;
    expect(problems).toEqual([{ path: 'ui.theme.--cg-acent', message: 'unknown key, ignored (did you mean "--cg-accent"?)', severity: 'warning' }]);
  });
});

describe('ui.theme after resolveConfig', () => {
  it('keeps the known properties with valid values', () => {
    const theme = { '--cg-accent': '#0a5c36', '--cg-radius': '4px', '--cg-font': 'Inter, sans-serif' };
    expect({ ...resolveConfig(withTheme(theme)).ui.theme }).toEqual(theme);
  });

  it('drops unknown properties and values of the wrong kind, even from a config that skipped validation', () => {
    const theme = { '--cg-accent': 'url(https://www.facebook.com/tr)', '--cg-radius': 'red', '--cg-x': '#fff', color: 'red', '--cg-fg': '#111' };
    expect({ ...resolveConfig(withTheme(theme)).ui.theme }).toEqual({ '--cg-fg': '#111' });
  });
});
