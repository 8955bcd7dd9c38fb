// @vitest-environment node
// What `npm publish` would ship: the built files and the docs, nothing else.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'

test('npm pack ships dist, README, LICENSE and CHANGELOG only', () => {
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )
  const files: string[] = pack.files.map((file: { path: string }) => file.path).sort()
  expect(files.filter((file) => !file.startsWith('dist/'))).toStrictEqual([
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'package.json',
  ])
  for (const built of [
    'moonclerk-checkout.mjs',
    'auto.mjs',
    'element.mjs',
    'define.mjs',
    'moonclerk-checkout.iife.js',
    'moonclerk-checkout.iife.min.js',
    // The script build's first names, kept for pages that load them.
    'moonclerk-checkout.umd.js',
    'moonclerk-checkout.umd.min.js',
    'types/index.d.ts',
    'types/define.d.ts',
    'types/vue.d.ts',
    'react.mjs',
    'types/react.d.ts',
    'server.mjs',
    'types/server/index.d.ts',
  ])
    expect(files).toContain('dist/' + built)
  expect(files.filter((file) => /test|spec|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toStrictEqual([])
}, 30_000)

// React is the app's, and only `moonclerk-checkout/react` imports it: an app without React can
// use every other entry, and the component uses the app's one React and the package's one loader.
test('only dist/react.mjs imports React; it imports the main entry rather than bundling it, and is a client module', () => {
  const dist = readdirSync('dist').filter((file) => /\.m?js$/.test(file))
  expect(dist).toContain('react.mjs')
  const namesReact = /["']react(-dom)?(\/[\w/-]*)?["']/
  for (const file of dist.filter((file) => file != 'react.mjs'))
    expect(readFileSync(join('dist', file), 'utf8'), file).not.toMatch(namesReact)
  const react = readFileSync('dist/react.mjs', 'utf8')
  expect(react.startsWith("'use client';\n"), 'the directive comes first').toBe(true)
  const imports = Array.from(react.matchAll(/^import .* from '([^']+)';$/gm), (match) => match[1]).sort()
  expect(imports).toStrictEqual(['./moonclerk-checkout.mjs', 'react', 'react/jsx-runtime'])
  // Nothing of mount() itself, nor of React, is in it.
  expect(react).not.toMatch(/data-moonclerk-state|createElement\(|__SECRET_INTERNALS|react\.production/i)
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  expect(pkg.peerDependencies.react).toBe('>=18')
  expect(pkg.peerDependenciesMeta.react).toStrictEqual({ optional: true })
  expect(Object.keys(pkg.dependencies || {})).not.toContain('react')
})

// An app's TypeScript finds every entry's types in the packed package, whichever moduleResolution
// it uses: "exports" for bundler and node16, typesVersions for node10 ("node"), which ignores
// "exports". And `moonclerk-checkout/vue` (types only) costs nothing to an app without Vue.
test('typesVersions maps every subpath of "exports" to its types, for moduleResolution node10', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  const subpaths = Object.entries(pkg.exports as Record<string, { types?: string }>).filter(
    ([subpath]) => subpath != '.' && subpath != './package.json',
  )
  expect(pkg.typesVersions).toStrictEqual({
    '*': Object.fromEntries(subpaths.map(([subpath, entry]) => [subpath.slice(2), [entry.types]])),
  })
})

test('the packed types resolve for an app under moduleResolution node10, node16 and bundler', () => {
  const app = mkdtempSync(join(tmpdir(), 'moonclerk-checkout-app-'))
  try {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    )
    mkdirSync(join(app, 'node_modules'))
    execFileSync('tar', ['-xzf', join(app, pack.filename), '-C', join(app, 'node_modules')])
    renameSync(join(app, 'node_modules/package'), join(app, 'node_modules/moonclerk-checkout'))
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module', private: true }))
    writeFileSync(
      join(app, 'app.ts'),
      [
        "import 'moonclerk-checkout/auto'",
        "import 'moonclerk-checkout/define'",
        "import { mount, readReturn, type CheckoutHandle } from 'moonclerk-checkout'",
        "import { define, MoonClerkCheckoutElement } from 'moonclerk-checkout/element'",
        "import { confirmCheckout, type Confirmed } from 'moonclerk-checkout/server'",
        "import { sqliteLedger } from 'moonclerk-checkout/server/sqlite'",
        "import { postgresLedger } from 'moonclerk-checkout/server/postgres'",
        "import type { MoonClerkCheckoutProps } from 'moonclerk-checkout/vue'",
        "import type { MoonClerkCheckoutProps as ReactProps } from 'moonclerk-checkout/react'",
        "const handle: CheckoutHandle = mount('#checkout', { token: '8h7frjfytj' })",
        'define({ payUrl: "/pay/" })',
        "const element: MoonClerkCheckoutElement | null = document.querySelector('moonclerk-checkout')",
        "const values = readReturn('/thanks?custom_id=1')",
        "const confirmed: Promise<Confirmed | null> | null = values && confirmCheckout(values, { apiKey: 'sk' })",
        "const props: MoonClerkCheckoutProps = { token: 'a1', amountCents: 1000 }",
        "const reactProps: ReactProps = { token: 'a1', cid: () => 5, onError: (detail) => console.warn(detail.reason) }",
        'export { handle, element, confirmed, props, reactProps, sqliteLedger, postgresLedger }',
        // A wrong use: the check would pass on types that resolved to any.
        '// @ts-expect-error the token is a string',
        'mount("#checkout", { token: 1 })',
      ].join('\n'),
    )
    const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc')
    for (const [module, moduleResolution] of [
      ['esnext', 'node10'],
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ]) {
      // No @types, no Vue and no React here; skipLibCheck, as apps have it.
      const compilerOptions = {
        module,
        moduleResolution,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        noUncheckedSideEffectImports: true,
        types: [],
        lib: ['es2022', 'dom'],
      }
      writeFileSync(
        join(app, `tsconfig.${moduleResolution}.json`),
        JSON.stringify({ compilerOptions, files: ['app.ts'] }),
      )
      const run = spawnSync('node', [tsc, '-p', `tsconfig.${moduleResolution}.json`], { cwd: app, encoding: 'utf8' })
      expect(run.stdout + run.stderr, moduleResolution).toBe('')
      expect(run.status, moduleResolution).toBe(0)
    }
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
}, 60_000)
