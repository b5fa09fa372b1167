// Written from shell.css by scripts/css-modules.mjs (UPDATE_STYLES=1 npx vitest run test/ui/styles.test.ts).
/** The style sheet, minified, its classes renamed. */
declare const css: string;
export default css;
/** Each class of the sheet: the name it ships under. */
export declare const root: string;
export declare const banner: string;
export declare const panel: string;
export declare const fixedLink: string;
export declare const linkButton: string;
export declare const closeButton: string;
