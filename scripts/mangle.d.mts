/** Types of scripts/mangle.mjs for the tests. */
import type { OutputPlugin, Plugin } from 'rollup';
import type { Options } from '@rollup/plugin-terser';
export const MANGLE_LIST: string;
export function readMangleList(): { props: Map<string, string>; reserved: Map<string, string> };
export function propertyNames(ast: unknown): Set<string>;
export function checkMangleList(): Plugin;
export function pinnedMangling(options: Options): OutputPlugin[];
