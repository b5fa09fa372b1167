/**
 * The SDK's only console output. Everything is prefixed with the SDK's name so a site owner can
 * tell our messages from the page's, and nothing here may throw (a console can be replaced).
 */
const PREFIX = '[ConsentGate]';

export function logError(message: string, error?: unknown): void {
  try {
    if (error === undefined) console.error(PREFIX, message);
    else console.error(PREFIX, message, error);
  } catch {
    // a page that broke its console still gets a working SDK
  }
}

export function logWarning(message: string): void {
  try {
    console.warn(PREFIX, message);
  } catch {
    // see logError
  }
}

/** Debug lines (what was blocked, released, cleaned), shown only with `debug: true`. */
export function logDebug(enabled: boolean, message: string, detail?: unknown): void {
  if (!enabled) return;
  try {
    console.info(PREFIX, message, ...(detail === undefined ? [] : [detail]));
  } catch {
    // see logError
  }
}

/** Runs a callback of the site's; reports what it throws instead of throwing into our caller. */
export function guarded<A extends unknown[]>(where: string, fn: (...args: A) => unknown, ...args: A): void {
  try {
    fn(...args);
  } catch (error) {
    logError(`${where} threw; the others still ran.`, error);
  }
}
