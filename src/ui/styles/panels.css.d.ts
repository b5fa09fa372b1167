// Written from panels.css by scripts/css-modules.mjs (UPDATE_STYLES=1 npx vitest run test/ui/styles.test.ts).
/** The style sheet, minified, its classes renamed. */
declare const css: string;
export default css;
/** Each class of the sheet: the name it ships under. */
export declare const bar: string;
export declare const buttons: string;
export declare const box: string;
export declare const overlay: string;
export declare const panel: string;
export declare const preferences: string;
export declare const dialogBody: string;
export declare const dialogFooter: string;
export declare const muted: string;
export declare const button: string;
export declare const primary: string;
export declare const closeButton: string;
export declare const dialogHeader: string;
export declare const row: string;
export declare const category: string;
export declare const toggle: string;
export declare const notes: string;
export declare const placeholder: string;
export declare const banner: string;
