/**
 * The regime per visitor: the site tells the SDK where the visitor is (it knows from its CDN's geo
 * header or its own logic) with `data-region="US-CA"` on the script tag or `setRegion()` before the
 * UI shows; `config.regions` maps the code to `opt-in` or `opt-out`.
 */

/** ISO 3166-1 alpha-2 country, optionally with an ISO 3166-2 subdivision (`GB`, `US-CA`). */
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

/** A region code normalised (trimmed, upper case), or undefined when it is not one. */
export function normalizeRegion(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return REGION.test(code) ? code : undefined;
}

/**
 * The `data-region` of the SDK's own script tag (`document.currentScript` in the boot), normalised;
 * undefined when absent or not a region code (the config's `regions.default`, then `mode`, applies).
 */
export function regionFromScript(script: Pick<Element, 'getAttribute'> | null | undefined): string | undefined {
  try {
    return normalizeRegion(script?.getAttribute('data-region'));
  } catch {
    return undefined;
  }
}
