import { str } from './rules';

/**
 * `ui.theme`: the style sheet's custom properties, each with the only kind of value it takes
 * (issue 16, item 5: a value like `url(https://tracker/)` would make the page fetch it). Colours are
 * a hex code, a name, or a colour function of numbers; lengths a number with a unit; the font a
 * family list. No value can hold `(` beyond a colour function's numbers, `;`, `{`, `}`, `\` or a
 * comment, so none can name a URL or end the declaration.
 */
const colour = str({
  re: /^(#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{1,40}|(rgba?|hsla?|hwb|lab|lch|oklab|oklch)\([-+0-9a-z.,%/ ]{0,80}\))$/,
});
const length = str({ re: /^(0|(\d{1,4}(\.\d{1,4})?|\.\d{1,4})(px|r?em|%|ch|ex|vw|vh|vmin|vmax|pt))$/ });
/** Its own module: `resolveConfig` filters the theme with these, and must not pull in the whole tree. */
export const themeRules = {
  '--cg-bg': colour,
  '--cg-fg': colour,
  '--cg-muted': colour,
  '--cg-accent': colour,
  '--cg-on-accent': colour,
  '--cg-line': colour,
  '--cg-soft': colour,
  '--cg-radius': length,
  '--cg-space': length,
  '--cg-font': str({ re: /^[-\w ,.'"\u00a0-\uffff]{1,200}$/ }),
};
