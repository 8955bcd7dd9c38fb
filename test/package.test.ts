// @vitest-environment node
// What `npm publish` would ship: the built files and the docs, nothing else.
import { execFileSync } from 'node:child_process'
import { expect, test } from 'vitest'

test('npm pack ships dist, README, LICENSE and CHANGELOG only', () => {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
  const files: string[] = pack.files.map((file: { path: string }) => file.path).sort()
  expect(files.filter((file) => !file.startsWith('dist/'))).toStrictEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'])
  for (const built of ['moonclerk-checkout.mjs', 'auto.mjs', 'element.mjs', 'define.mjs', 'moonclerk-checkout.umd.js', 'moonclerk-checkout.umd.min.js', 'types/index.d.ts', 'types/define.d.ts', 'server.mjs', 'types/server/index.d.ts'])
    expect(files).toContain('dist/' + built)
  expect(files.filter((file) => /test|spec|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toStrictEqual([])
}, 30_000)
