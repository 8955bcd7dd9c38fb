// Mutation testing: `npm run mutate` (see docs/development.md and test/MUTATION.md).
// The vitest config reads MUTATE=1 and leaves out the tests of dist/, harness/ and bench/, which no
// mutant of src/ can change; the workers Stryker starts inherit this environment.
process.env.MUTATE = '1'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/**/*.ts'],
  coverageAnalysis: 'perTest',
  // Two cores on the project's machine; more workers only queue.
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 85, break: null },
}
