/**
 * Starts the machine's own Chromium (`$CHROME_PATH`, else `/usr/bin/chromium`) through
 * playwright-core, with the repo's flags (scripts/chromium.mjs, bundled in). Never downloads one.
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromeExecutable } from '../../../scripts/chromium.mjs';

/** No usable Chromium: the CLI says how to get one and exits 2. */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

const HOW_TO_INSTALL =
  'Install Chromium (Debian/Ubuntu: `sudo apt-get install -y chromium`; macOS: install Google Chrome), ' +
  'or set CHROME_PATH to a Chromium or Chrome executable ' +
  '(e.g. CHROME_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"). ' +
  'consentgate-scan never downloads a browser.';

/** The executable to use, checked before anything starts: a missing browser is a setup problem, said at once. */
export function findChromium(): string {
  const path = chromeExecutable();
  const where = process.env.CHROME_PATH ? `${path} (from CHROME_PATH)` : `${path} (the default; CHROME_PATH is not set)`;
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new ChromiumMissingError(`No Chromium at ${where}. ${HOW_TO_INSTALL}`);
  }
  try {
    if (!isFile) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch {
    throw new ChromiumMissingError(`${where} is not an executable file. ${HOW_TO_INSTALL}`);
  }
  return path;
}

const NO_SANDBOX = '--no-sandbox';
const firstLine = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0]! : String(error));

/**
 * The repo's flags switch Chromium's sandbox off: its tests run as root in containers, where
 * Chromium will not start with it. A scan opens pages of any site, so here the sandbox stays on
 * wherever it runs: off for root (Chromium's own rule), or when it cannot start (a container
 * without user namespaces), which `warn` says.
 */
export async function launchChromium(warn: (message: string) => void): Promise<Browser> {
  const path = findChromium();
  // Loaded here, not at start: --help and usage errors answer at once.
  const { chromium } = await import('playwright-core');
  // `chromiumSandbox`: Playwright adds --no-sandbox itself unless told otherwise.
  const launch = (sandbox: boolean) =>
    chromium.launch({ executablePath: path, headless: true, chromiumSandbox: sandbox, args: [...CHROMIUM_ARGS.filter((a) => a !== NO_SANDBOX), ...(sandbox ? [] : [NO_SANDBOX])] });
  if (process.getuid?.() !== 0) {
    try {
      return await launch(true);
    } catch (error) {
      warn(`Chromium's sandbox did not start (${firstLine(error)}): the pages are opened without it`);
    }
  }
  try {
    return await launch(false);
  } catch (error) {
    throw new ChromiumMissingError(`Chromium at ${path} did not start (${firstLine(error)}). ${HOW_TO_INSTALL}`);
  }
}
