import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the real Electron app driven by Playwright (test/e2e/).
// Kept out of the default run: it needs the Electron binary and a display
// (xvfb-run on Linux). Without the binary each file skips, saying so in one line.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // One Electron app at a time: they share the single-instance lock.
    fileParallelism: false,
    maxWorkers: 1,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-e2e-report.json' },
  },
});
