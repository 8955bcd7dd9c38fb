// @vitest-environment node
// bench/network.mjs, the connection-cost profile, checked the way the benchmark relies on it: a
// fresh origin costs a DNS look-up and 3 round trips to its first byte (TCP, TLS 1.3, the request),
// a warm connection 1, a host name is looked up once per profile, and bytes wait for the link.
import https from 'node:https'
import net from 'node:net'
import tls from 'node:tls'
import { afterAll, beforeAll, expect, test } from 'vitest'

interface Network {
  origins: Record<'page' | 'cdn' | 'embed' | 'pay', string>
  control: string
  close(): Promise<void>
}
interface NetworkModule {
  startNetwork(): Promise<Network>
  setNetworkProfile(
    control: string,
    profile: { rttMs: number; dnsMs: number; downMbps: number; upMbps: number },
  ): Promise<void>
  networkStats(control: string): Promise<{ connections: Record<string, number>; lookUps: string[] }>
  serverNameOf(data: Buffer): string | null
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const network = (await import(new URL('../bench/network.mjs', import.meta.url).href)) as NetworkModule

let net0: Network
beforeAll(async () => {
  net0 = await network.startNetwork()
}, 30_000)
afterAll(() => net0?.close())

/** GET `path` from `host` through the relay: the time to the answer's head and to its last byte. */
function get(agent: https.Agent, host: string, path: string) {
  const { port } = new URL(net0.origins.page)
  const started = performance.now()
  return new Promise<{ headMs: number; endMs: number; bytes: number; status: number }>((resolve, reject) => {
    const request = https.get(
      {
        host: '127.0.0.1',
        port,
        servername: host,
        path,
        agent,
        rejectUnauthorized: false,
        headers: { host: `${host}:${port}` },
      },
      (response) => {
        const headMs = performance.now() - started
        let bytes = 0
        response.on('data', (chunk: Buffer) => (bytes += chunk.length))
        response.on('end', () =>
          resolve({ headMs, endMs: performance.now() - started, bytes, status: response.statusCode! }),
        )
      },
    )
    request.on('error', reject)
  })
}

test('a ClientHello names its host; anything else, or a piece of one, names none', async () => {
  const hello = await new Promise<Buffer>((resolve) => {
    const server = net.createServer((socket) =>
      socket.once('data', (data) => (resolve(data), socket.destroy(), server.close())),
    )
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      tls.connect({ host: '127.0.0.1', port, servername: 'js.moonclerk.test' }).on('error', () => {})
    })
  })
  expect(network.serverNameOf(hello)).toBe('js.moonclerk.test')
  expect(network.serverNameOf(hello.subarray(0, 60))).toBeNull()
  expect(network.serverNameOf(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toBeNull()
})

test('a fresh origin: DNS + 3 round trips to the first byte; then 1 on the same connection; DNS once per host', async () => {
  const profile = { rttMs: 80, dnsMs: 40, downMbps: 100, upMbps: 100 }
  await network.setNetworkProfile(net0.control, profile)
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 })
  const first = await get(agent, 'shop.test', '/site.css')
  const second = await get(agent, 'shop.test', '/site.css')
  const other = await get(new https.Agent(), 'shop.test', '/site.css')
  agent.destroy()
  expect([first.status, second.status, other.status]).toStrictEqual([200, 200, 200])
  const fresh = profile.dnsMs + 3 * profile.rttMs
  expect(first.headMs).toBeGreaterThanOrEqual(0.95 * fresh)
  expect(first.headMs).toBeLessThan(fresh + 150)
  expect(second.headMs).toBeGreaterThanOrEqual(0.95 * profile.rttMs)
  expect(second.headMs).toBeLessThan(profile.rttMs + 100)
  // A second connection to a host already looked up: TCP and TLS, no DNS.
  expect(other.headMs).toBeGreaterThanOrEqual(0.95 * 3 * profile.rttMs)
  expect(other.headMs).toBeLessThan(fresh)
  expect(await network.networkStats(net0.control)).toStrictEqual({
    connections: { 'shop.test': 2 },
    lookUps: ['shop.test'],
  })
})

test('every host answers for its server, and the bytes take the time the link needs', async () => {
  await network.setNetworkProfile(net0.control, { rttMs: 10, dnsMs: 0, downMbps: 2, upMbps: 2 })
  const agent = new https.Agent({ keepAlive: true })
  const page = await get(agent, 'shop.test', '/none.html')
  expect(page.status).toBe(200)
  // All of its gzip bytes cross a 2 Mbit/s link (4 ms per KB), and no slower than that.
  const linkMs = (page.bytes * 8) / 2_000
  expect(page.endMs).toBeGreaterThanOrEqual(0.95 * linkMs)
  expect(page.endMs).toBeLessThan(linkMs + 200)
  expect((await get(agent, 'js.moonclerk.test', '/assets/embed.js')).status).toBe(200)
  expect((await get(agent, 'app.moonclerk.test', '/pay/8h7frjfytj')).status).toBe(200)
  expect((await get(agent, 'cdn.test', '/dist/moonclerk-checkout.iife.min.js')).status).toBe(200)
  agent.destroy()
})

test("a connection still being set up holds up no other connection's data", async () => {
  // A long look-up: on a shared link that the waiting handshake had reserved, the warm
  // connection's request would wait for it (the page's CSS behind the head's new connections).
  const profile = { rttMs: 60, dnsMs: 400, downMbps: 100, upMbps: 100 }
  await network.setNetworkProfile(net0.control, profile)
  const warm = new https.Agent({ keepAlive: true, maxSockets: 1 })
  await get(warm, 'shop.test', '/site.css')
  const fresh = get(new https.Agent(), 'cdn.test', '/dist/moonclerk-checkout.iife.min.js')
  // Once the fresh connection's ClientHello has reached the relay, which counts it then.
  await expect
    .poll(async () => (await network.networkStats(net0.control)).connections['cdn.test'], { interval: 5 })
    .toBe(1)
  const css = await get(warm, 'shop.test', '/site.css')
  warm.destroy()
  expect(css.status).toBe(200)
  expect(css.headMs).toBeGreaterThanOrEqual(0.95 * profile.rttMs)
  expect(css.headMs).toBeLessThan(profile.rttMs + 100)
  const library = await fresh
  expect(library.status).toBe(200)
  expect(library.headMs).toBeGreaterThanOrEqual(0.95 * (profile.dnsMs + 3 * profile.rttMs))
})
