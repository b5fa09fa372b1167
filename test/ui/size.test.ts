// @vitest-environment node
/**
 * The UI's byte share, measured as the app bundle would pull it in: `mountUi` minified with the
 * shipped terser settings, Preact left out. The target for components + CSS is 4.5 KB
 * gzip; this guard keeps the figure from drifting while that target is not met (see the numbers
 * printed below and the UI report).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';
import configs from '../fixtures/ui/rollup.config.mjs';

async function build(file: string): Promise<number> {
  const { output, ...input } = configs.find((c) => c.output.file === file)!;
  const bundle = await rollup(input);
  try {
    await bundle.write(output);
  } finally {
    await bundle.close();
  }
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

describe('UI byte size (gzip, minified)', () => {
  // Ratchet: +100 B for declaring the SDK's own cookie in the cookie tables, +50 B for keeping the
  // opt-out notice closed for the session.
  it('components + CSS stay under 6.92 KB, with the English texts under 7.94 KB (Preact excluded)', async () => {
    const components = await build('.tmp/ui-size-components.js');
    const withTexts = await build('.tmp/ui-size.js');
    console.info(`UI gzip: components + CSS ${components} B; + English texts ${withTexts} B`);
    // 6200 until the cookie declaration listed the receipt queue (issue 7), +3 B. Then +660 B (+600 B with the
    // texts) when the opt-out link became plain DOM in the shell, so that the script tag's app can
    // show it without Preact and the panels (consentgate-ui.js) load only when one of them shows.
    // Then +20 B when blocking events began to be handled after the page's current script (a frame
    // whose src is set before it is appended gets its placeholder; no forced layout in appendChild).
    expect(components).toBeLessThanOrEqual(6920);
    expect(withTexts).toBeLessThanOrEqual(7940);
  // Two rollup builds: minutes when the machine is shared, so the timeout is generous; the
  // assertion is on bytes, never on time.
  }, 300_000);
});
