/** Types of scripts/css-modules.mjs for vitest.config.ts and the tests. */
import type { Plugin } from 'vite';
export function compileStyle(file: string): { css: string; classes: string[] };
export function styleTypings(file: string): string;
export function cssModules(): Plugin;
