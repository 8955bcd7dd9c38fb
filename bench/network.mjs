// The connection-cost network profile: what Chromium's own emulation leaves out. CDP's latency
// emulation charges one round trip per request and nothing for DNS, TCP and TLS, which is where a
// preload in <head> gains and where a script from another origin pays. Here every origin of the
// realistic page has its own host name (Chromium maps *.test to 127.0.0.1 with
// --host-resolver-rules), and every connection goes through a relay in this process that
//   - holds a new connection for a DNS look-up (once per host name and run) and a round trip (TCP's
//     handshake) before it forwards the first byte,
//   - delays every piece of data by half a round trip each way,
//   - and sends all of it over one shared link of the profile's bandwidth, each way;
// behind the relay, a TLS 1.3 and HTTP/2 front (a self-signed certificate per host, made at start)
// answers for the merchant's page and its "CDN" (bench/landing-site.mjs) and for MoonClerk's two
// hosts, embed.js's and the checkout's (the stand-in, harness/standin.mjs), so TLS's handshake costs
// its real round trip through the relay. A fresh origin so costs DNS + 3 round trips to its first
// byte (TCP, TLS, the request), a warm one 1.
//
// CLI: node bench/network.mjs (BENCH_BASELINE=<file>: another build of the library, for `preload-baseline`)
//   Prints one JSON line once it listens: {"ready":true,"origins":{page,cdn,embed,pay},"control":…,
//   "standIn":…,"spki":[…]}. The control origin takes POST /profile {rttMs,dnsMs,downMbps,upMbps}
//   (which also forgets every DNS look-up: call it before each run) and GET /stats.
import { createHash, createPublicKey } from 'node:crypto'
import { existsSync } from 'node:fs'
import http from 'node:http'
import http2 from 'node:http2'
import net from 'node:net'
import path from 'node:path'
import tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import selfsigned from 'selfsigned'
import { startStandIn } from '../harness/standin.mjs'
import { serveLandingSite } from './landing-site.mjs'

/** The realistic page's hosts: the merchant's page, the library's CDN, MoonClerk's embed.js and checkout. */
export const NET_HOSTS = { page: 'shop.test', cdn: 'cdn.test', embed: 'js.moonclerk.test', pay: 'app.moonclerk.test' }
/** What Chromium needs to be launched with to reach them: every *.test name is this machine. */
export const HOST_RULES = 'MAP *.test 127.0.0.1'
/** Data is sent in pieces of at most this many bytes, so connections share the link fairly. */
const PIECE_BYTES = 16_384

/**
 * One self-signed certificate per host, each naming only its host: Chromium pools HTTP/2
 * connections across host names that share an address and a certificate, which would spare the
 * library's and MoonClerk's origins their connection set-up. `spki`: what
 * --ignore-certificate-errors-spki-list takes to trust it.
 */
async function certificateFor(host) {
  const pems = await selfsigned.generate([{ name: 'commonName', value: host }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: host }] }],
  })
  const spkiDer = createPublicKey(pems.cert).export({ type: 'spki', format: 'der' })
  return { key: pems.private, cert: pems.cert, spki: createHash('sha256').update(spkiDer).digest('base64') }
}

/** The server name a TLS ClientHello asks for (its SNI extension), or null if `data` does not hold it whole. */
export function serverNameOf(data) {
  // Record header (5), handshake header (4), version (2), random (32), then the variable parts.
  if (data.length < 43 || data[0] !== 0x16 || data[5] !== 0x01) return null
  let at = 43
  const skip = (lengthBytes) => {
    if (at + lengthBytes > data.length) return false
    at += lengthBytes + data.readUIntBE(at, lengthBytes)
    return at <= data.length
  }
  if (!skip(1) || !skip(2) || !skip(1) || at + 2 > data.length) return null // session id, ciphers, compression
  const end = Math.min(data.length, at + 2 + data.readUInt16BE(at))
  for (at += 2; at + 4 <= end;) {
    const type = data.readUInt16BE(at)
    const length = data.readUInt16BE(at + 2)
    // server_name: list length (2), name type (1, 0 = host name), name length (2), name.
    if (type === 0 && at + 9 <= end)
      return data.toString('latin1', at + 9, Math.min(end, at + 9 + data.readUInt16BE(at + 7)))
    at += 4 + length
  }
  return null
}

/** A one-way link, shared by every connection: a piece leaves once the pieces before it have. */
const link = (mbps) => ({ bytesPerMs: (mbps * 1000) / 8, freeAt: 0 })

/**
 * Forwards `from` to `to`, each piece delayed by `oneWayMs()` after it has crossed `shared()` (the
 * profile's link of that direction), never before `openAt()`. One queue and one timer per direction keep the pieces in order: a
 * timer each could overtake one another (Node starts timers from the event loop's cached time).
 */
function relayOneWay(from, to, { shared, oneWayMs, openAt }) {
  const queue = [] // { at, piece }; piece null: the end
  let timer = null
  const drain = () => {
    timer = null
    while (queue.length && queue[0].at <= performance.now()) {
      const { piece } = queue.shift()
      if (to.destroyed) return
      if (piece) to.write(piece)
      else to.end()
    }
    if (queue.length) timer = setTimeout(drain, Math.max(0, queue[0].at - performance.now()))
  }
  const send = (at, piece) => {
    queue.push({ at: Math.max(at, queue.length ? queue[queue.length - 1].at : 0), piece })
    if (!timer) timer = setTimeout(drain, Math.max(0, queue[0].at - performance.now()))
  }
  // A connection still waiting for its DNS look-up and TCP handshake holds its pieces back here:
  // they take the shared link only once it is open, or they would hold every other connection's
  // data up for the wait (a page's CSS behind the head's new connections).
  const waiting = []
  const cross = (piece) => {
    if (!piece) return send(performance.now(), null)
    const link = shared()
    const leaves = Math.max(performance.now(), link.freeAt)
    link.freeAt = leaves + piece.length / link.bytesPerMs
    send(link.freeAt + oneWayMs(), piece)
  }
  const crossWhenOpen = () => {
    const waitMs = openAt() - performance.now()
    if (waitMs > 0) return void setTimeout(crossWhenOpen, waitMs)
    waiting.splice(0).forEach(cross)
  }
  from.on('data', (chunk) => {
    for (let offset = 0; offset < chunk.length; offset += PIECE_BYTES) {
      const piece = chunk.subarray(offset, offset + PIECE_BYTES)
      if (waiting.length || openAt() > performance.now()) {
        if (waiting.push(piece) == 1) crossWhenOpen()
      } else cross(piece)
    }
  })
  // The end follows the data, also data still waiting for the connection to open.
  const end = () => (waiting.length ? waiting.push(null) : send(performance.now(), null))
  from.on('end', end)
  from.on('error', () => to.destroy())
  // A reset goes through at once; an orderly close waits for the data still on its way.
  from.on('close', () => (queue.length || waiting.length ? end() : to.end()))
}

/** The relay in front of `frontPort`, with its profile and its record of connections and look-ups. */
function startRelay(frontPort) {
  const state = { rttMs: 0, dnsMs: 0, up: link(Infinity), down: link(Infinity), resolved: new Set(), connections: {} }
  const sockets = new Set()
  const server = net.createServer((client) => {
    client.setNoDelay(true)
    const upstream = net.connect(frontPort, '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    }
    upstream.setNoDelay(true)
    let openAt = Infinity
    // The first bytes are the ClientHello: its server name says whether this host was looked up yet.
    client.once('data', (hello) => {
      const host = serverNameOf(hello) ?? '(unknown)'
      state.connections[host] = (state.connections[host] || 0) + 1
      const lookUp = state.resolved.has(host) ? 0 : state.dnsMs
      state.resolved.add(host)
      openAt = performance.now() + lookUp + state.rttMs
    })
    const oneWayMs = () => state.rttMs / 2
    relayOneWay(client, upstream, { shared: () => state.up, oneWayMs, openAt: () => openAt })
    relayOneWay(upstream, client, { shared: () => state.down, oneWayMs, openAt: () => openAt })
  })
  const setProfile = ({ rttMs, dnsMs, downMbps, upMbps }) => {
    Object.assign(state, { rttMs, dnsMs, resolved: new Set(), connections: {} })
    state.down = link(downMbps)
    state.up = link(upMbps)
  }
  const stats = () => ({ connections: state.connections, lookUps: [...state.resolved] })
  return { server, setProfile, stats, closeAll: () => sockets.forEach((socket) => socket.destroy()) }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'host'])
const forwardable = (headers) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(':') && !HOP_BY_HOP.has(name)))

/** TLS 1.3 and HTTP/2 in front of plain HTTP/1.1 servers, by host name (`routes`: host → port). */
function startFront(certificates, routes) {
  const contexts = new Map(Object.entries(certificates).map(([host, c]) => [host, tls.createSecureContext(c)]))
  const [first] = Object.values(certificates)
  const agent = new http.Agent({ keepAlive: true })
  return http2.createSecureServer(
    {
      key: first.key,
      cert: first.cert,
      minVersion: 'TLSv1.3',
      allowHTTP1: true,
      SNICallback: (name, done) => done(null, contexts.get(name)),
    },
    (req, res) => {
      const host = (req.headers[':authority'] || req.headers.host || '').replace(/:\d+$/, '')
      const port = routes.get(host)
      if (!port) {
        res.writeHead(421, { 'content-type': 'text/plain' })
        return res.end(`bench network: no route for ${host}\n`)
      }
      const headers = { ...forwardable(req.headers), host: req.headers[':authority'] || req.headers.host }
      const forward = http.request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          res.writeHead(answer.statusCode, forwardable(answer.headers))
          answer.pipe(res)
        },
      )
      forward.on('error', () => {
        if (!res.headersSent) res.writeHead(502)
        res.end()
      })
      req.pipe(forward)
    },
  )
}

const listen = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server.address().port))
  })

/** Everything above, started; resolves with the origins the pages use, the control origin and the SPKI hashes. */
export async function startNetwork() {
  const hosts = Object.values(NET_HOSTS)
  const certificates = Object.fromEntries(await Promise.all(hosts.map(async (h) => [h, await certificateFor(h)])))
  const routes = new Map()
  const front = startFront(certificates, routes)
  const relay = startRelay(await listen(front))
  const port = await listen(relay.server)
  const origins = Object.fromEntries(Object.entries(NET_HOSTS).map(([role, host]) => [role, `https://${host}:${port}`]))
  // MoonClerk's checkout frame comes from its own host; embed.js from another (a CDN), as on the web.
  const standIn = await startStandIn({ publicOrigin: origins.pay, siteOrigin: origins.page })
  const landing = await serveLandingSite({
    standInOrigin: origins.embed,
    payOrigin: origins.pay,
    cdnOrigin: origins.cdn,
    publicOrigin: origins.page,
    baseline: process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined,
  })
  const portOf = (origin) => Number(new URL(origin).port)
  routes.set(NET_HOSTS.page, portOf(landing.origin)).set(NET_HOSTS.cdn, portOf(landing.origin))
  routes.set(NET_HOSTS.embed, portOf(standIn.origin)).set(NET_HOSTS.pay, portOf(standIn.origin))
  const control = http.createServer(async (req, res) => {
    if (req.method === 'POST' && req.url === '/profile') {
      let body = ''
      for await (const chunk of req) body += chunk
      relay.setProfile(JSON.parse(body))
      return res.end('{}')
    }
    res.writeHead(req.url === '/stats' ? 200 : 404, { 'content-type': 'application/json' })
    res.end(JSON.stringify(relay.stats()))
  })
  const controlOrigin = `http://127.0.0.1:${await listen(control)}`
  const close = async () => {
    control.closeAllConnections()
    relay.closeAll() // the front's connections are the relay's upstream sockets
    await Promise.all([standIn.close(), landing.close(), ...[control, relay.server, front].map(closed)])
  }
  return {
    origins,
    control: controlOrigin,
    standIn: standIn.origin,
    spki: Object.values(certificates).map((c) => c.spki),
    close, // not in the CLI's ready line: JSON leaves functions out
  }
}

const closed = (server) => new Promise((resolve) => server.close(() => resolve()))

/** Chromium's launch arguments for the hosts above, trusted by their keys' hashes. */
export const chromiumArgs = (spki) => [
  `--host-resolver-rules=${HOST_RULES}`,
  `--ignore-certificate-errors-spki-list=${spki.join(',')}`,
]

/** Debian's Chromium, where it is installed: Playwright cannot download its own on these machines. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium'

/** Playwright's launch options: that Chromium if there, with chromiumArgs() when the relay runs (`spki`). */
export const launchOptions = (spki) => ({
  ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
  args: spki ? chromiumArgs(spki) : [],
})

/** Sets the relay's profile (and forgets every DNS look-up): before each run. */
export async function setNetworkProfile(control, { rttMs, dnsMs, downMbps, upMbps }) {
  const response = await fetch(`${control}/profile`, {
    method: 'POST',
    body: JSON.stringify({ rttMs, dnsMs, downMbps, upMbps }),
  })
  if (!response.ok) throw new Error(`bench: the network's control answered ${response.status}`)
}

/** The relay's connections per host name since the profile was last set. */
export const networkStats = async (control) => (await fetch(`${control}/stats`)).json()

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  startNetwork().then(
    (ready) => {
      console.log(JSON.stringify({ ready: true, ...ready }))
      process.once('SIGTERM', () => process.exit(0))
    },
    (error) => {
      console.error(error.stack || error.message)
      process.exit(1)
    },
  )
}
