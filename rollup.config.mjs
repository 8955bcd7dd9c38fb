import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'

// Only the library's own sources: tsconfig.json also covers tests, which must not reach dist/.
const compile = (declarations) =>
  typescript({
    include: ['src/**/*.ts'],
    filterRoot: '.',
    compilerOptions: declarations
      ? { declaration: true, declarationDir: 'dist/types', rootDir: 'src' }
      : { declaration: false, declarationDir: undefined },
  })

const minify = terser({ ecma: 2019, module: false, compress: { passes: 3 }, format: { comments: false } })

export default [
  {
    // ESM for bundlers: `moonclerk-checkout` (no side effects) and `moonclerk-checkout/auto`.
    input: { 'moonclerk-checkout': 'src/index.ts', auto: 'src/auto.ts' },
    output: {
      dir: 'dist',
      format: 'es',
      entryFileNames: '[name].mjs',


    },
    plugins: [compile(true)],
  },
  {
    // The classic <script> build: global `MoonClerkCheckout`, starts by itself.
    input: 'src/umd.ts',
    output: [
      { file: 'dist/moonclerk-checkout.umd.js', format: 'umd', name: 'MoonClerkCheckout' },
      { file: 'dist/moonclerk-checkout.umd.min.js', format: 'umd', name: 'MoonClerkCheckout', plugins: [minify] },
    ],
    plugins: [compile(false)],
  },
]
