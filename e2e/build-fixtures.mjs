// Playwright's global set-up: bundles the React fixture (e2e/fixtures/react-owned.jsx) once with
// React 19 (the project's) and once with React 18 (the e2e/react18 workspace), in development mode
// for StrictMode's checks and React's warnings, into e2e/fixtures/.built/. The library stays
// external: the page loads the built /dist/moonclerk-checkout.mjs, as an app would.
import { build } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REACT_18 = path.join(HERE, 'react18', 'node_modules')

export default async function buildFixtures() {
  for (const [version, alias] of [
    ['19', {}],
    ['18', { react: path.join(REACT_18, 'react'), 'react-dom': path.join(REACT_18, 'react-dom') }],
  ])
    await build({
      entryPoints: [path.join(HERE, 'fixtures', 'react-owned.jsx')],
      outfile: path.join(HERE, 'fixtures', '.built', `react-owned-${version}.js`),
      bundle: true,
      format: 'esm',
      jsx: 'automatic',
      alias,
      external: ['/dist/*'],
      define: { 'process.env.NODE_ENV': '"development"' },
      logLevel: 'warning',
    })
}
