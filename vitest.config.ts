import { configDefaults, defineConfig } from 'vitest/config'

// `npm run mutate` (stryker.config.mjs) sets MUTATE=1: the mutants are in src/, so the tests of
// built files (dist/: sizes, npm pack contents, the built entries) and of the harness's stand-in and
// the benchmark (harness/, bench/) cannot kill any, and only slow the runs down.
const mutating = process.env.MUTATE === '1'

export default defineConfig({
  test: {
    environment: 'happy-dom',
    // A real-looking page URL: relative pay and embed URLs resolve against it.
    environmentOptions: { happyDOM: { url: 'https://shop.example/checkout/' } },
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup.ts'],
    exclude: [
      ...configDefaults.exclude,
      ...(mutating
        ? ['test/size.test.ts', 'test/package.test.ts', 'test/standin-*.test.ts', 'test/bench-*.test.ts']
        : []),
    ],
    restoreMocks: true,
  },
})
