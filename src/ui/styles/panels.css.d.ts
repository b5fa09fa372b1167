// Written from panels.css by scripts/css-modules.mjs (UPDATE_STYLES=1 npx vitest run test/ui/styles.test.ts).
/** The style sheet, minified. */
declare const css: string;
export default css;
export declare const bar: string;
export declare const bt: string;
export declare const box: string;
export declare const ov: string;
export declare const pn: string;
export declare const pf: string;
export declare const bd: string;
export declare const ft: string;
export declare const m: string;
export declare const b: string;
export declare const p: string;
export declare const x: string;
export declare const hd: string;
export declare const rw: string;
export declare const ct: string;
export declare const s: string;
export declare const nt: string;
export declare const ph: string;
export declare const bn: string;
