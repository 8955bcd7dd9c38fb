// Playwright's global set-up: bundles the React fixtures once with React 19 (the project's) and
// once with React 18 (the e2e/react18 workspace), in development mode for StrictMode's checks and
// React's warnings, into e2e/fixtures/.built/.
// - e2e/fixtures/react-owned.jsx: a container React owns, mount() in an effect. The library stays
//   external: the page loads the built /dist/moonclerk-checkout.mjs.
// - e2e/fixtures/react-component.jsx: `moonclerk-checkout/react` from the built dist/react.mjs,
//   hydrated over the HTML that the same app (react-component-app.jsx), rendered here in Node,
//   wrote into react-component.template.html.
import { build } from 'esbuild'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const FIXTURES = path.join(HERE, 'fixtures')
const BUILT = path.join(FIXTURES, '.built')
const REACT_18 = path.join(HERE, 'react18', 'node_modules')

/** `/dist/…`, the built library as a page gets it, from the repository's dist/. */
const dist = {
  name: 'dist',
  setup: (b) => b.onResolve({ filter: /^\/dist\// }, ({ path: id }) => ({ path: path.join(HERE, '..', id) })),
}

const common = {
  bundle: true,
  format: 'esm',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"development"' },
  logLevel: 'warning',
}

export default async function buildFixtures() {
  for (const [version, alias] of [
    ['19', {}],
    ['18', { react: path.join(REACT_18, 'react'), 'react-dom': path.join(REACT_18, 'react-dom') }],
  ]) {
    await build({
      ...common,
      entryPoints: [path.join(FIXTURES, 'react-owned.jsx')],
      outfile: path.join(BUILT, `react-owned-${version}.js`),
      alias,
      external: ['/dist/*'],
    })
    // dist/react.mjs imports React by its bare name, which a page cannot: bundled, as an app's bundler does.
    await build({
      ...common,
      entryPoints: [path.join(FIXTURES, 'react-component.jsx')],
      outfile: path.join(BUILT, `react-component-${version}.js`),
      alias,
      plugins: [dist],
    })
    await renderOnServer(version, alias)
  }
}

/** The server's HTML of the component fixture, with this React, its URLs left as the demo server's placeholders. */
async function renderOnServer(version, alias) {
  const outfile = path.join(BUILT, `react-component-server-${version}.mjs`)
  await build({
    ...common,
    stdin: {
      contents: [
        "import { renderToString } from 'react-dom/server'",
        "import { App } from './react-component-app.jsx'",
        "export const html = renderToString(<App payUrl='%MOONCLERK_PAY_URL%' embedSrc='%MOONCLERK_EMBED_SRC%' />)",
      ].join('\n'),
      resolveDir: FIXTURES,
      loader: 'jsx',
    },
    outfile,
    platform: 'node',
    // React's CommonJS asks for Node's modules with require(), which an ES module lacks.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    alias,
    plugins: [dist],
  })
  const { html } = await import(pathToFileURL(outfile).href + '?' + Date.now())
  const template = await readFile(path.join(FIXTURES, 'react-component.template.html'), 'utf8')
  await writeFile(
    path.join(BUILT, `react-component-${version}.html`),
    template.replaceAll('%REACT%', version).replace('<!--app-->', html),
  )
}
