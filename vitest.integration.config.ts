import { defineConfig } from 'vitest/config';

// Integration tests talk to the real Synapse started by scripts/homeserver.sh.
export default defineConfig({
  test: {
    include: ['integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
