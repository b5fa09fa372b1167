// Written from shell.css by scripts/css-modules.mjs (UPDATE_STYLES=1 npx vitest run test/ui/styles.test.ts).
/** The style sheet, minified. */
declare const css: string;
export default css;
export declare const r: string;
export declare const bn: string;
export declare const pn: string;
export declare const fx: string;
export declare const k: string;
export declare const x: string;
