// `npm run size`: what each feature adds to the script build, by building it again with the
// feature's module replaced by a do-nothing stub. The issues ask for 5,400 B gzip; this shows what
// each feature costs, and so what a build of that size would have to leave out. Not a test: a measurement to read.
import typescript from '@rollup/plugin-typescript'
import terser from '@rollup/plugin-terser'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { rollup } from 'rollup'
import { fileURLToPath } from 'node:url'

// Each stub keeps the exports the modules built with it import (test/size.test.ts builds every row), and does nothing.
export const STUBS = {
  element: `export class MoonClerkCheckoutElement {}`,
  registration: `export const define = () => {}`,
  intent: `export const whenWanted = () => Promise.resolve()`,
  return: `export const takeReturn = () => null; export const reportReturn = () => null
    export const handleReturn = () => null; export const onReturn = () => () => {}; export const onPaid = () => () => {}; export const onUnconfirmed = () => () => {}`,
  // The success page's confirmation (confirmUrl): the return without it.
  confirm: `export const confirmPayment = () => {}`,
  'return-url': `export const readReturn = () => null`,
  fields: `export const FIELDS = ''; export const fieldParams = () => []`,
  // Keeps the values on the placeholder's own fallback link; drops <a data-moonclerk-link>.
  links: `import { withParams } from './opts.js'
    export const decorateAndRemember = (link, values) => { link.href = withParams(link.href, values) }
    export const decorateLinks = () => {}`,
  // iife.ts without the queue of calls made before the script loaded.
  iife: `import { define } from './registration.js'; import { start } from './start.js'
    export * from './index.js'; export { MoonClerkCheckoutElement } from './element.js'
    start(); define()`,
}

/** The script build with the `stubbed` modules replaced, as rollup.config.mjs builds it (minified unless asked not to). */
export async function build(stubbed, { minify = true } = {}) {
  const stubs = {
    name: 'stubs',
    load: (id) => STUBS[stubbed.find((name) => path.basename(id) == name + '.ts')] || null,
  }
  const compile = typescript({
    include: ['src/**/*.ts'],
    filterRoot: '.',
    compilerOptions: { declaration: false, declarationDir: undefined },
  })
  const bundle = await rollup({ input: 'src/iife.ts', plugins: [stubs, compile] })
  // As rollup.config.mjs builds dist/moonclerk-checkout.iife.min.js.
  const plugins = minify
    ? [terser({ ecma: 2019, module: false, compress: { passes: 3 }, format: { comments: false } })]
    : []
  const { output } = await bundle.generate({
    format: 'iife',
    name: 'MoonClerkCheckout',
    extend: true,
    freeze: false,
    inlineDynamicImports: true,
    plugins,
  })
  return output[0].code
}

const gzipSize = async (stubbed) => gzipSync(await build(stubbed), { level: 9 }).length

// Cumulative: each row leaves out one more feature, the least central first.
export const ROWS = [
  ['the script build as shipped', []],
  ['without custom fields (fields)', ['fields']],
  ['… and without <moonclerk-checkout>', ['fields', 'element', 'registration']],
  ['… and without the queue of early calls', ['fields', 'element', 'registration', 'iife']],
  ['… and without the load modes visible and click', ['fields', 'element', 'registration', 'iife', 'intent']],
  [
    '… and without returns (moonclerk:return, cidMatches)',
    ['fields', 'element', 'registration', 'iife', 'intent', 'return', 'return-url'],
  ],
  [
    '… and without <a data-moonclerk-link>',
    ['fields', 'element', 'registration', 'iife', 'intent', 'return', 'return-url', 'links'],
  ],
]

// Run as `npm run size`; imported by the size test, it measures nothing.
if (process.argv[1] && path.resolve(process.argv[1]) == fileURLToPath(import.meta.url)) {
  let previous
  console.log('gzip -9 bytes  change  script build')
  for (const [what, stubbed] of ROWS) {
    const size = await gzipSize(stubbed)
    console.log(`${String(size).padStart(13)}  ${previous ? String(size - previous).padStart(6) : '      '}  ${what}`)
    previous = size
  }
}
