import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'

// Only the library's own sources: tsconfig.json also covers tests, which must not reach dist/.
const compile = (declarations) =>
  typescript({
    include: ['src/**/*.ts', 'src/**/*.tsx'],
    filterRoot: '.',
    compilerOptions: declarations
      ? { declaration: true, declarationDir: 'dist/types', rootDir: 'src' }
      : { declaration: false, declarationDir: undefined },
  })

// How the side entries import the main one and each other, once built.
// `/element` is built from registration.ts: the class and define(), which `/define` calls.
const SIBLINGS = { index: './moonclerk-checkout.mjs', registration: './element.mjs' }
const sibling = (id) => SIBLINGS[id.replace(/^.*[\\/]/, '').replace(/\.[jt]s$/, '')]

const DRIVERS = ['better-sqlite3', 'pg']

const minify = terser({ ecma: 2019, module: false, compress: { passes: 3 }, format: { comments: false } })

export default [
  {
    // ESM for bundlers: `moonclerk-checkout`, with no side effects.
    input: { 'moonclerk-checkout': 'src/index.ts' },
    // The lazy load modes are a chunk of their own, imported when a page uses one; the code both
    // need is a chunk too, behind the entry's exports (so the entry exports only the public API).
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'moonclerk-checkout-[name].mjs',
    },
    plugins: [compile(true)],
  },
  {
    // `/auto` and `/define` (side effects), `/element`, and `/server` (Node): each imports the main entry rather than
    // bundling a copy of it, so an app that uses several shares one loader and one set of handles.
    // `/server/sqlite` and `/server/postgres`: the ledger adapters, entries of their own so that `/server`
    // never loads a database driver; the drivers are the merchant's (optional peer dependencies).
    input: {
      auto: 'src/auto.ts',
      element: 'src/registration.ts',
      define: 'src/define.ts',
      server: 'src/server/index.ts',
      'server-sqlite': 'src/server/ledger/sqlite.ts',
      'server-postgres': 'src/server/ledger/postgres.ts',
      // `npx moonclerk-checkout`: Node only, never imported by `/server`.
      cli: 'src/server/bin.ts',
    },
    external: (id) => !!sibling(id) || id.startsWith('node:') || DRIVERS.includes(id),
    // The code the server entries share (the ledger's key and claim ids) is a chunk of its own.
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      chunkFileNames: 'server-[name].mjs',
      banner: (chunk) => (chunk.isEntry && chunk.name == 'cli' ? '#!/usr/bin/env node' : ''),
      paths: (id) => sibling(id) || id,
    },
    plugins: [compile(false)],
  },
  {
    // `/react`: the component. React stays the app's (an optional peer dependency of this entry
    // only), and the main entry is imported, as by the side entries above. Rollup drops a module's
    // own 'use client' (with a warning), so the directive is a banner: Next.js's server components
    // may then render <MoonClerkCheckout>, which mounts in the browser.
    input: { react: 'src/react.tsx' },
    external: (id) => !!sibling(id) || /^react($|\/)/.test(id),
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',
      banner: "'use client';",
      paths: (id) => sibling(id) || id,
    },
    plugins: [compile(false)],
  },
  {
    // The classic <script> build: global `MoonClerkCheckout`, starts by itself. An IIFE, not UMD:
    // UMD's AMD branch hands the code to a page's RequireJS (common in CMS themes), which never runs
    // an anonymous module from a plain script tag; bundlers and Node take the ES module. Also
    // written under its first names, *.umd.js and *.umd.min.js, for pages that load those.
    input: 'src/iife.ts',
    output: [
      // iife.ts sets the global itself: it extends a queue array the page set up before this script
      // arrived, but not an element that clobbers the name.
      // The exports' namespace object only feeds Object.assign(): freezing it would be code for nothing.
      // One file: the lazy modes' chunk is inlined.
      ...['iife', 'umd'].flatMap((name) => [
        { file: `dist/moonclerk-checkout.${name}.js`, format: 'iife', freeze: false, inlineDynamicImports: true },
        {
          file: `dist/moonclerk-checkout.${name}.min.js`,
          format: 'iife',
          freeze: false,
          inlineDynamicImports: true,
          plugins: [minify],
        },
      ]),
    ],
    plugins: [compile(false)],
  },
]
