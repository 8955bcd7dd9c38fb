// The demo site: a static server for the demo pages, the built library and the e2e fixtures,
// beside the MoonClerk stand-in on its own port (a different origin, as on the real hosts).
// CLI: node demo/serve.mjs [--port N]   (or PORT=N; 0 picks a free port)
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startStandIn } from './standin.mjs'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const BUNDLE = path.join(ROOT, 'dist', 'moonclerk-checkout.umd.min.js')

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

/** The file a URL path names, or null when it is outside every mount (traversal included). */
function resolveFile(pathname) {
  if (pathname === '/') return path.join(ROOT, 'demo', 'index.html')
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!pathname.startsWith(prefix)) continue
    const file = path.resolve(dir, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)))
    // normalize() against "/" drops every "..", even decoded ones; the prefix check is a second guard.
    return file.startsWith(dir + path.sep) ? file : null
  }
  return null
}

/**
 * Starts the static server. Demo pages (not e2e fixtures, which reproduce MoonClerk's inline
 * snippet) get a strict CSP, so an inline script or style attribute in them fails visibly.
 * `standInOrigin` may be a promise: the stand-in needs the site's origin for its redirects, so
 * it can start after the site, and requests wait for it.
 */
export async function startSite({ host = '127.0.0.1', port = 0, standInOrigin: standInOriginReady }) {
  const server = http.createServer(async (req, res) => {
    const standInOrigin = await standInOriginReady
    const notFound = () => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Not found\n')
    }
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
    const file = pathname.includes('\0') ? null : resolveFile(pathname)
    if (!file || !(await stat(file).catch(() => null))?.isFile()) return notFound()

    const ext = path.extname(file).toLowerCase()
    const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' }
    let body = await readFile(file)
    if (ext === '.html') {
      // Pages name the stand-in by placeholder, since its port is only known at start-up.
      body = Buffer.from(body.toString('utf8').replaceAll('%MOONCLERK_ORIGIN%', standInOrigin))
      if (!file.startsWith(MOUNTS['/e2e/'] + path.sep)) {
        headers['Content-Security-Policy'] = [
          "default-src 'self'",
          `script-src 'self' ${standInOrigin}`,
          `frame-src ${standInOrigin}`,
          "style-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
        ].join('; ')
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

function readPort(argv, env) {
  const i = argv.indexOf('--port')
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length)
  const raw = flag ?? env.PORT ?? '4321'
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${raw}`)
  return port
}

async function main() {
  const port = readPort(process.argv.slice(2), process.env)
  if (!existsSync(BUNDLE)) {
    console.warn(`Warning: ${path.relative(ROOT, BUNDLE)} is missing; run \`npm run build\` first, or the pages show only their fallback links.`)
  }
  // Each needs the other's origin: the site's pages name the stand-in, the stand-in's redirects
  // name the site. The site listens first (its port may be 0) and waits for the stand-in.
  let standInStarted
  const standInOrigin = new Promise((resolve) => (standInStarted = resolve))
  const site = await startSite({ host: '127.0.0.1', port, standInOrigin })
  const standIn = await startStandIn({ host: '127.0.0.1', siteOrigin: site.origin })
  standInStarted(standIn.origin)
  console.log(`Demo: ${site.origin}/   (MoonClerk stand-in: ${standIn.origin})`)

  const stop = async () => {
    // close() ends hanging embed.js requests, so the process can exit.
    await Promise.all([standIn.close(), site.close()])
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
