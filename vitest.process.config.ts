import { defineConfig } from 'vitest/config';

/**
 * `npm run test:process`: real gateway processes killed, stopped and loaded (kill -9 and the ledger, SIGTERM with
 * requests in flight, webhook crash recovery and fairness). One file at a time: each loads the machine on its own, and
 * their verdicts must not depend on what else runs beside them.
 */
export default defineConfig({
  test: {
    include: ['tests/process/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
