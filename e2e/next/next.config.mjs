// The app as a user builds it: Next.js's defaults, but two things a test needs.
// - Turbopack's root is the repository: the package is the repository itself (node_modules/
//   moonclerk-checkout links to it), which Turbopack does not follow outside its root.
// - NEXT_CACHE_COMPONENTS=1 builds the same app with `cacheComponents` (into .next-cache-components):
//   visited routes stay in the DOM, hidden, instead of unmounting.
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const cacheComponents = process.env.NEXT_CACHE_COMPONENTS == '1'

export default {
  turbopack: { root: path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..') },
  ...(cacheComponents ? { cacheComponents: true, distDir: '.next-cache-components' } : {}),
}
