import { defineConfig } from 'vitest/config';
import { cssModules } from './scripts/css-modules.mjs';

// Four projects: fast unit tests in happy-dom, browser tests that drive real headless Chromium
// through playwright-core against the built dist/ files, the scanner (scan/: its built CLI, driving
// Chromium against the demo site) and the receipt collector (server/) against real SQLite files and
// a real PostgreSQL server (started by server/test/postgres-setup.ts).
export default defineConfig({
  // The UI's style sheets (src/ui/styles/*.css) as the build makes them: minified string + classes.
  plugins: [cssModules()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/browser/**'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'scan',
          environment: 'node',
          include: ['scan/test/**/*.test.ts'],
          // A scan of the demo takes 20-40 s on two shared cores; the CLI runs as a child process.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['server/test/**/*.test.ts'],
          globalSetup: ['server/test/postgres-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
