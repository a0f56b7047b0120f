import { defineConfig } from 'vitest/config';

// Integration tests talk to the real Synapse started by scripts/homeserver.sh.
export default defineConfig({
  test: {
    include: ['integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // A real server on a 2-core CI machine: one retry absorbs scheduling hiccups, as Playwright's does.
    retry: process.env.CI ? 1 : 0,
  },
});
