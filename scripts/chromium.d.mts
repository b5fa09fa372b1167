/** Types of scripts/chromium.mjs for the TypeScript test helpers. */
export const DEFAULT_CHROME_PATH: string;
export const CHROMIUM_ARGS: readonly string[];
export function chromeExecutable(): string;
