/** Types of scripts/css-modules.mjs for vitest.config.ts and the tests. */
import type { Plugin } from 'vite';
export interface CompiledStyle {
  css: string;
  /** Each class the sheet names, as written → the name it ships under. */
  classes: Map<string, string>;
}
export function compileStyles(): Map<string, CompiledStyle>;
export function compileStyle(file: string): CompiledStyle;
export function styleTypings(file: string): string;
export function cssModules(): Plugin;
