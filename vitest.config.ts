import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite 8 transforms with oxc (its esbuild options are ignored): JSX is Preact's, as in the build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    // Reserves the tests' fixed ports against the kernel's ephemeral ports for the run (test/ports.ts).
    globalSetup: ['test/reserve-ports.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Many unit tests run a real relay and sleep through its retransmissions (3.5 s and more); on a
          // loaded machine one took 5.3 s against the 5 s default and failed with nothing wrong. This is a
          // hang guard, not a time limit on the product.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // expect.poll waits for what the user would see (a re-rendered page, a stored tick after a reload);
          // its 1 s default timed out on the busy CI machine before the page had loaded, with nothing wrong.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
