/** Replaced at build time by rollup with package.json's version. */
declare const __CONSENTGATE_VERSION__: string | undefined;
export const VERSION: string = typeof __CONSENTGATE_VERSION__ === 'string' ? __CONSENTGATE_VERSION__ : '0.0.0-dev';
