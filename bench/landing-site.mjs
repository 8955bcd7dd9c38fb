// The merchant's site for the realistic-page runs: the landing page in every markup, its
// stylesheet and images, and the library for the markups that host it themselves. Runs in its own
// process (bench/servers.mjs starts it), like harness/site.mjs, so its answers never wait behind the
// benchmark's work with the browser. Pages are generated and compressed once, at start-up.
// CLI: node bench/landing-site.mjs --stand-in <origin> --cdn <origin>
//   Prints one JSON line once it listens: {"ready":true,"origin":"http://127.0.0.1:…"}.
//   Pages: /<markup>-cdn.html (the library from the CDN origin, harness/site.mjs's /dist/),
//   /<markup>-self.html (from this origin), /stock.html, /none.html; markups as in landing-page.mjs.
import { readFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { MARKUPS, SITE_CSS, imageSvg, landingContent, landingPage } from './landing-page.mjs'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
export const LIBRARY_PATH = '/dist/moonclerk-checkout.iife.min.js'
/** Where a baseline build (BENCH_BASELINE: the library before a change) is served, from the CDN origin. */
export const BASELINE_PATH = '/dist/baseline/moonclerk-checkout.iife.min.js'
export const LIBRARY_ORIGINS = ['cdn', 'self']

/** Markups without the library: one page each. */
const WITHOUT_LIBRARY = ['stock', 'stock-preload', 'none']
/** The path of a variant's page: /stock.html, /stock-preload.html, /none.html, or /<markup>-<cdn|self>.html. */
export const pagePath = (markup, libraryOrigin) =>
  WITHOUT_LIBRARY.includes(markup) ? `/${markup}.html` : `/${markup}-${libraryOrigin}.html`

/** Every file the site serves, by path: { type, body (gzip) }. */
function buildFiles({ origin, standInOrigin, payOrigin, cdnOrigin, baseline }) {
  const files = new Map()
  const add = (pathname, type, text) => files.set(pathname, { type, body: gzipSync(text, { level: 6 }) })
  const content = landingContent()
  const urls = { embedSrc: `${standInOrigin}/assets/embed.js`, payUrl: `${payOrigin}/pay/` }
  for (const markup of WITHOUT_LIBRARY)
    add(pagePath(markup), 'text/html; charset=utf-8', landingPage(markup, urls, content))
  for (const markup of MARKUPS.filter((m) => !WITHOUT_LIBRARY.includes(m))) {
    for (const libraryOrigin of LIBRARY_ORIGINS) {
      const library = (libraryOrigin === 'cdn' ? cdnOrigin : origin) + LIBRARY_PATH
      add(
        pagePath(markup, libraryOrigin),
        'text/html; charset=utf-8',
        landingPage(markup, { ...urls, library }, content),
      )
    }
  }
  if (baseline) {
    // Same markup as preload-cdn, the baseline build in place of dist/'s: an A/B within one run.
    add(
      pagePath('preload', 'baseline'),
      'text/html; charset=utf-8',
      landingPage('preload', { ...urls, library: cdnOrigin + BASELINE_PATH }, content),
    )
    add(BASELINE_PATH, 'application/javascript; charset=utf-8', readFileSync(baseline))
  }
  add('/site.css', 'text/css; charset=utf-8', SITE_CSS)
  for (let n = 0; n < content.images; n++) add(`/img/${n}.svg`, 'image/svg+xml', imageSvg(n))
  add(LIBRARY_PATH, 'application/javascript; charset=utf-8', readFileSync(path.join(ROOT, LIBRARY_PATH)))
  return files
}

/**
 * Listens on a free port of 127.0.0.1; resolves with the origin. Every answer is gzip, uncached.
 * `payOrigin`: the checkout's, when not embed.js's (`standInOrigin`); `publicOrigin`: the origin the
 * self-hosted pages name, when the site sits behind a proxy (bench/network.mjs); `baseline`: a file of
 * another build of the library, served at BASELINE_PATH for the `preload-baseline` page.
 */
export async function serveLandingSite({
  standInOrigin,
  payOrigin = standInOrigin,
  cdnOrigin,
  publicOrigin,
  baseline,
}) {
  let files
  const server = http.createServer((req, res) => {
    const file = files.get(new URL(req.url || '/', 'http://site.invalid').pathname)
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      return res.end('Not found\n')
    }
    // Browsers always accept gzip; the benchmark only talks to Chromium.
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Encoding': 'gzip',
      Vary: 'Accept-Encoding',
      'Cache-Control': 'no-store',
    })
    res.end(req.method === 'HEAD' ? undefined : file.body)
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const origin = `http://127.0.0.1:${server.address().port}`
  // The self-hosted pages name this origin, known only once listening.
  files = buildFiles({ origin: publicOrigin ?? origin, standInOrigin, payOrigin, cdnOrigin, baseline })
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) }
}

const argument = (name) => {
  const i = process.argv.indexOf(name)
  if (i < 0 || !process.argv[i + 1]) throw new Error(`bench/landing-site.mjs: ${name} <origin> is required`)
  return process.argv[i + 1]
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  serveLandingSite({ standInOrigin: argument('--stand-in'), cdnOrigin: argument('--cdn') }).then(
    ({ origin }) => {
      console.log(JSON.stringify({ ready: true, origin }))
      process.once('SIGTERM', () => process.exit(0))
    },
    (error) => {
      console.error(error.message)
      process.exit(1)
    },
  )
}
