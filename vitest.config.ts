import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure logic in Node, fast, run on every change) and `e2e` (the built
 * extension in real Chromium, and the Firefox build in Firefox ESR). Run one with `npx vitest run --project unit`.
 * This file takes precedence over vite.config.ts, so the extension's build plugins stay out of tests.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          // test/unit runs real models (and the training smoke test): seconds, not milliseconds.
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Each file starts a browser and builds on one shared dist/; runs can take minutes on WASM.
          testTimeout: 300_000,
          hookTimeout: 300_000,
          pool: 'forks',
          fileParallelism: false,
          // Node 20's WebSocket, for the WebDriver BiDi client that drives Firefox (test/e2e/bidi.ts).
          execArgv: ['--experimental-websocket'],
        },
      },
    ],
  },
});
