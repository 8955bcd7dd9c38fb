// The site server of the harness: a static server for the demo pages (demo/), the built library
// (dist/) and the e2e fixtures, beside the MoonClerk stand-in (harness/standin.mjs) on its own port
// (a different origin, as on the real hosts) and the demo merchant's server side (harness/merchant.mjs).
// `npm run demo`, Playwright (playwright.config.ts) and the benchmark (bench/servers.mjs) start it.
// Text responses go gzip-compressed to browsers that accept it, as from any real host or CDN.
// CLI: node harness/site.mjs [--port N] [--real] [--json-ready]
//   --port N (or PORT=N; 0 picks a free port); default 4321.
//   --json-ready: for programs (bench/servers.mjs). Once both servers listen, stdout gets exactly
//   one line, JSON: {"ready":true,"site":"http://127.0.0.1:…","standIn":"http://127.0.0.1:…","real":false},
//   in place of the friendly "Demo: …" and "Mode: …" lines; other notices go to stderr.
//   --real (or MOONCLERK=real): the demo pages load MoonClerk's real embed.js and hosted checkout
//   (needs the internet and real form tokens); by default they use the local stand-in. The fault
//   pages and the e2e fixtures always use the stand-in, whose fault switches they need.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { startMerchant } from './merchant.mjs'
import { startStandIn } from './standin.mjs'

// The stand-in's REST API key: what the demo merchant's server side is configured with.
const DEMO_API_KEY = 'demo-standin-api-key'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const BUNDLE = path.join(ROOT, 'dist', 'moonclerk-checkout.iife.min.js')

// URL prefix → folder it serves. `/` alone is the demo's index page.
const MOUNTS = {
  '/demo/': path.join(ROOT, 'demo'),
  '/dist/': path.join(ROOT, 'dist'),
  '/e2e/': path.join(ROOT, 'e2e', 'fixtures'),
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

// Text that any real host or CDN sends compressed; images are compressed already.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt'])
const gzipAsync = promisify(gzip)

/** Whether the request's Accept-Encoding allows gzip (and does not refuse it with q=0). */
function acceptsGzip(req) {
  return String(req.headers['accept-encoding'] || '')
    .split(',')
    .some((part) => {
      const [coding, ...params] = part
        .trim()
        .toLowerCase()
        .split(/\s*;\s*/)
      return coding == 'gzip' && !params.some((param) => /^q=0(\.0*)?$/.test(param))
    })
}

// Gzipped static files by path, kept while their mtime and size stay: a CDN compresses once too,
// so the library's response (the benchmark times it) does not wait for a fresh compression.
const gzipped = new Map()
async function gzipFile(file, info, body) {
  const known = gzipped.get(file)
  if (known && known.mtimeMs == info.mtimeMs && known.size == info.size) return known.body
  const compressed = await gzipAsync(body)
  gzipped.set(file, { mtimeMs: info.mtimeMs, size: info.size, body: compressed })
  return compressed
}

// MoonClerk's own URLs (docs/attributes.md, "Attributes"): what `--real` puts into the demo pages.
export const REAL_MOONCLERK = {
  origin: 'https://app.moonclerk.com',
  embedSrc: 'https://d2l7e0y6ygya2s.cloudfront.net/assets/embed.js',
  payUrl: 'https://app.moonclerk.com/pay/',
}

/**
 * What a page's placeholders become. Pages write MoonClerk's URLs as %MOONCLERK_EMBED_SRC% and
 * %MOONCLERK_PAY_URL% (and %MOONCLERK_ORIGIN% in prose), which follow the mode; %STANDIN_ORIGIN%
 * is always the stand-in (fault switches). `real` never applies to e2e fixtures.
 */
function placeholders(standInOrigin, real) {
  const moonclerk = real
    ? REAL_MOONCLERK
    : { origin: standInOrigin, embedSrc: `${standInOrigin}/assets/embed.js`, payUrl: `${standInOrigin}/pay/` }
  return {
    '%MOONCLERK_EMBED_SRC%': moonclerk.embedSrc,
    '%MOONCLERK_PAY_URL%': moonclerk.payUrl,
    '%MOONCLERK_ORIGIN%': moonclerk.origin,
    '%MOONCLERK_MODE%': real ? 'real MoonClerk' : 'local MoonClerk stand-in',
    '%STANDIN_ORIGIN%': standInOrigin,
  }
}

const fill = (text, values) => Object.entries(values).reduce((out, [key, value]) => out.replaceAll(key, value), text)

/** The demo's strict policy: no inline script or style; MoonClerk's hosts only where it needs them. */
function demoPolicy(standInOrigin, real) {
  const scripts = real ? `${standInOrigin} ${new URL(REAL_MOONCLERK.embedSrc).origin}` : standInOrigin
  const frames = real ? `${standInOrigin} ${REAL_MOONCLERK.origin}` : standInOrigin
  return [
    "default-src 'self'",
    `script-src 'self' ${scripts}`,
    `frame-src ${frames}`,
    // The real embed.js may talk to its own host; the stand-in's does not.
    ...(real ? [`connect-src 'self' ${REAL_MOONCLERK.origin}`] : []),
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ')
}

/**
 * The policy of e2e/fixtures/csp-*.html: scripts only from this site, the stand-in, or with this
 * response's nonce (the library's tag carries it and hands it on to embed.js). No unsafe-inline,
 * no unsafe-eval.
 */
function fixturePolicy(standInOrigin, nonce, trustedTypes) {
  return [
    `script-src 'self' 'nonce-${nonce}' ${standInOrigin}`,
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-src ${standInOrigin}`,
    // csp-trusted-types-*.html: script URLs must come through a Trusted Types policy, and only
    // the library's (named in docs/security.md) may exist.
    ...(trustedTypes ? ["require-trusted-types-for 'script'", 'trusted-types moonclerk-checkout'] : []),
  ].join('; ')
}

/**
 * The demo's stand-in for a site's "hashed id of the signed-in user" endpoint (see
 * demo/cms-config.js): a SHA-256 of a user id and today's date, as MoonClerk suggests for ids
 * that should not appear in URLs.
 */
function fakeCheckoutId() {
  const day = new Date().toISOString().slice(0, 10)
  return createHash('sha256').update(`demo-user-234:${day}`).digest('hex').slice(0, 20)
}

/** The file a URL path names, or null when it is outside every mount (traversal included). */
function resolveFile(pathname) {
  if (pathname === '/') return path.join(ROOT, 'demo', 'index.html')
  // The single-page app's client-side routes: a reload of any of them serves the app again.
  if (pathname === '/demo/spa' || pathname.startsWith('/demo/spa/')) return path.join(ROOT, 'demo', 'spa.html')
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!pathname.startsWith(prefix)) continue
    const file = path.resolve(dir, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)))
    // normalize() against "/" drops every "..", even decoded ones; the prefix check is a second guard.
    return file.startsWith(dir + path.sep) ? file : null
  }
  return null
}

// e2e fixtures that hold the rest of the page back at each `<!-- %HOLD% -->` (a page still
// streaming) until the test asks for /e2e/__release: the test decides when the parser may go on,
// without guessing a delay.
const HOLD = '<!-- %HOLD% -->'
const held = []

/**
 * Starts the static server. Demo pages (not e2e fixtures, which reproduce MoonClerk's inline
 * snippet) get a strict CSP, so an inline script or style attribute in them fails visibly.
 * `standInOrigin` may be a promise: the stand-in needs the site's origin for its redirects, so
 * it can start after the site, and requests wait for it.
 */
export async function startSite({
  host = '127.0.0.1',
  port = 0,
  standInOrigin: standInOriginReady,
  real = false,
  merchant,
}) {
  const server = http.createServer(async (req, res) => {
    const standInOrigin = await standInOriginReady
    const notFound = () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Not found\n')
    }
    // The merchant's own server routes (harness/merchant.mjs): the webhook endpoint and its friends.
    const apiPath = (req.url || '').split('?')[0]
    if (merchant && apiPath.startsWith('/demo/api/') && (await (await merchant).handle(req, res, apiPath))) return
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' })
      return res.end('Method not allowed\n')
    }
    let pathname
    try {
      pathname = decodeURIComponent(new URL(req.url || '/', 'http://site.invalid').pathname)
    } catch {
      return notFound()
    }
    // Browsers ask for it on every page; an empty answer keeps the console free of a 404.
    if (pathname === '/favicon.ico') {
      res.writeHead(204)
      return res.end()
    }
    if (pathname === '/e2e/__release') {
      const count = held.length
      held.splice(0).forEach((release) => release())
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      return res.end(`released ${count}\n`)
    }
    if (pathname === '/demo/api/checkout-id') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
      return res.end(req.method === 'HEAD' ? undefined : fakeCheckoutId())
    }
    const file = pathname.includes('\0') ? null : resolveFile(pathname)
    const info = file && (await stat(file).catch(() => null))
    if (!info?.isFile()) return notFound()

    const ext = path.extname(file).toLowerCase()
    const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' }
    let body = await readFile(file)
    if (ext === '.html') {
      const fixture = file.startsWith(MOUNTS['/e2e/'] + path.sep)
      const values = placeholders(standInOrigin, real && !fixture)
      if (!fixture) {
        headers['Content-Security-Policy'] = demoPolicy(standInOrigin, real)
      } else if (path.basename(file).startsWith('csp-')) {
        // A fresh nonce per response, as a server that uses nonces must send.
        const nonce = randomBytes(16).toString('base64')
        values['%NONCE%'] = nonce
        headers['Content-Security-Policy'] = fixturePolicy(
          standInOrigin,
          nonce,
          path.basename(file).startsWith('csp-trusted-types'),
        )
      }
      // A page template renders the signed-in user's sealed cid, a new one per response.
      if (body.includes('%SEALED_CID%')) values['%SEALED_CID%'] = merchant ? await (await merchant).sealedCid() : ''
      // Pages name the stand-in by placeholder, since its port is only known at start-up.
      const text = fill(body.toString('utf8'), values)
      if (fixture && text.includes(HOLD) && req.method === 'GET') {
        // Sent as it is (no gzip), so that the browser parses each part as it arrives; each
        // release sends the next part.
        const [first, ...parts] = text.split(HOLD)
        res.writeHead(200, headers)
        res.write(first)
        const next = () => (parts.length > 1 ? (res.write(parts.shift()), held.push(next)) : res.end(parts.shift()))
        held.push(next)
        return
      }
      body = Buffer.from(text)
    }
    if (COMPRESSIBLE.has(ext)) {
      headers.Vary = 'Accept-Encoding'
      if (acceptsGzip(req)) {
        headers['Content-Encoding'] = 'gzip'
        // Filled pages differ per response (a nonce, the stand-in's port): compressed each time.
        body = ext === '.html' ? await gzipAsync(body) : await gzipFile(file, info, body)
      }
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const { port: actualPort } = server.address()
  const origin = `http://${host}:${actualPort}`
  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections() // Keep-alive browser connections would hold close() open.
    })
  return { origin, server, close }
}

/** `--real` or MOONCLERK=real: the demo pages use MoonClerk's real URLs. */
const readReal = (argv, env) => argv.includes('--real') || env.MOONCLERK === 'real'

const DEFAULT_PORT = 4321

/** The port asked for with --port or PORT, or null for the default. */
function readPort(argv, env) {
  const i = argv.indexOf('--port')
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length)
  const raw = flag ?? env.PORT
  if (raw == null) return null
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${raw}`)
  return port
}

async function main() {
  const port = readPort(process.argv.slice(2), process.env)
  const real = readReal(process.argv.slice(2), process.env)
  const jsonReady = process.argv.slice(2).includes('--json-ready')
  // With --json-ready, stdout is for the one ready line only: a program reads it whole.
  const notice = jsonReady ? console.error : console.log
  if (!existsSync(BUNDLE)) {
    console.warn(
      `Warning: ${path.relative(ROOT, BUNDLE)} is missing; run \`npm run build\` first, or the pages show only their fallback links.`,
    )
  }
  // Each needs the other's origin: the site's pages name the stand-in, the stand-in's redirects
  // name the site. The site listens first (its port may be 0) and waits for the stand-in.
  let standInStarted, merchantStarted
  const standInOrigin = new Promise((resolve) => (standInStarted = resolve))
  const merchant = new Promise((resolve) => (merchantStarted = resolve))
  const start = (at) => startSite({ host: '127.0.0.1', port: at, standInOrigin, real, merchant })
  let site
  try {
    site = await start(port ?? DEFAULT_PORT)
  } catch (error) {
    if (error.code != 'EADDRINUSE') throw error
    // A second demo, or another program, has the port. The default gives way; a chosen one does not.
    if (port != null)
      throw new Error(`port ${port} is in use; choose another with --port N, or --port 0 for any free one`)
    notice(`Port ${DEFAULT_PORT} is in use; serving on a free port instead.`)
    site = await start(0)
  }
  // MoonClerk's webhooks for the demo's payments go to the demo merchant's endpoint.
  const webhookUrl = `${site.origin}/demo/api/moonclerk`
  const standIn = await startStandIn({ host: '127.0.0.1', siteOrigin: site.origin, apiKey: DEMO_API_KEY, webhookUrl })
  standInStarted(standIn.origin)
  const merchantSide = await startMerchant({ root: ROOT, standInOrigin: standIn.origin, apiKey: DEMO_API_KEY })
  merchantStarted(merchantSide)
  if (jsonReady) {
    console.log(JSON.stringify({ ready: true, site: site.origin, standIn: standIn.origin, real }))
  } else {
    console.log(`Demo: ${site.origin}/   (MoonClerk stand-in: ${standIn.origin})`)
    console.log(
      real
        ? `Mode: REAL MoonClerk. Demo pages load ${REAL_MOONCLERK.embedSrc} and link to ${REAL_MOONCLERK.payUrl} (needs the internet and real form tokens; fault pages still use the stand-in).`
        : 'Mode: local stand-in (offline). Start with --real (or MOONCLERK=real) to use the real MoonClerk URLs.',
    )
  }

  const stop = async () => {
    // close() ends hanging embed.js requests, so the process can exit.
    await Promise.all([standIn.close(), site.close(), merchantSide.close()])
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

// Run as a CLI only, not when imported (tests or other scripts may call startSite()).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error.message)
    process.exit(1)
  })
}
