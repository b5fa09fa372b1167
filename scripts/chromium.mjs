/**
 * How this repo launches Chromium, in one place for the browser tests (test/_util/chromium.ts),
 * the benchmarks and the screenshots: `$CHROME_PATH`, else Debian's `/usr/bin/chromium` (never a
 * downloaded browser), with flags that keep it from phoning home or using QUIC.
 */
export const DEFAULT_CHROME_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** `$CHROME_PATH`, else the default path. */
export const chromeExecutable = () => process.env.CHROME_PATH || DEFAULT_CHROME_PATH;
