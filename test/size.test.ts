// Size is a feature: every build output has a gzip budget, checked on each `npm test` (after the build).
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { expect, test } from 'vitest'

const BUDGETS: Record<string, number> = {
  // Everything a script-tag user downloads; the stock snippet is ~430 B per checkout, inline.
  'dist/moonclerk-checkout.umd.min.js': 3000,
  // Unminified ESM, before the app's own bundler minifies it.
  'dist/moonclerk-checkout.mjs': 6000,
  'dist/auto.mjs': 200,
}

test.each(Object.entries(BUDGETS))('%s stays within %i bytes gzip', (file, budget) => {
  const size = gzipSync(readFileSync(file), { level: 9 }).length
  console.log(`${file}: ${size} B gzip (budget ${budget})`)
  expect(size).toBeLessThanOrEqual(budget)
})
