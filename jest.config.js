/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking is `npm run typecheck`; ts-jest only transpiles here.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // Each test file opens its own database (an in-memory PGlite, or a fresh PostgreSQL
  // database when DATABASE_URL is set), so files run in parallel safely.
  maxWorkers: 2,
  testTimeout: 60_000,
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // the second fails the run on any skipped test when SHUTTER_FORBID_SKIPS=1 (CI's PostgreSQL run)
  reporters: ['default', '<rootDir>/test/support/forbid-skips-reporter.mjs'],
};
