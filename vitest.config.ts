import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // As the builds set it (the default Discord image links name the release tag).
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The Electron end-to-end tests run with `npm run test:e2e` (vitest.e2e.config.ts).
    exclude: ['**/node_modules/**', 'test/e2e/**'],
    environment: 'node',
    // The CLI bundle that many tests run, built once (test/globalSetup.ts).
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 30_000,
    // expect.poll waits for a state (a line printed, a file written), never times speed: on a loaded 2-core
    // machine a child's start can take seconds, so the bound is the test's own pace, not vitest's 1 s default.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 60_000,
    // Tests use real sockets, real files and a real browser: keep runs on 2 cores calm.
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-report.json' },
  },
});
