// @vitest-environment node
// `node harness/site.mjs --port 0 --json-ready` as the benchmark starts it (bench/servers.mjs): its
// one JSON ready line names both origins, which answer; close() stops the process. Without the
// flag, people still get the friendly lines.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

interface Servers {
  siteOrigin: string
  standInOrigin: string
  close(): Promise<void>
}
interface ServersModule {
  startServers(options?: { timeoutMs?: number }): Promise<Servers>
  startLandingSite(options: {
    standInOrigin: string
    cdnOrigin: string
    timeoutMs?: number
  }): Promise<{ origin: string; close(): Promise<void> }>
  servedEmbedRequests(env: { standInOrigin: string }): Promise<number | null>
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const serversModule: string = new URL('../bench/servers.mjs', import.meta.url).href
const SERVE = fileURLToPath(new URL('../harness/site.mjs', import.meta.url))

test('the ready line gives the site and the stand-in; both answer; close() ends the process', async () => {
  const { startServers, servedEmbedRequests } = (await import(serversModule)) as ServersModule
  const servers = await startServers({ timeoutMs: 10_000 })
  try {
    expect(servers.siteOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(servers.standInOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(servers.standInOrigin).not.toBe(servers.siteOrigin)
    const home = await fetch(`${servers.siteOrigin}/`)
    expect(home.status).toBe(200)
    expect(home.headers.get('content-type')).toContain('text/html')
    expect(await home.text()).toContain('<html')
    const records = await (await fetch(`${servers.standInOrigin}/__standin/records`)).json()
    expect(records.embedRequests).toBe(0)
    expect(await servedEmbedRequests(servers)).toBe(0)
  } finally {
    await servers.close()
  }
  await expect(fetch(`${servers.siteOrigin}/`)).rejects.toThrow()
}, 20_000)

test("the landing site (bench/landing-site.mjs) serves every page, gzip, naming the stand-in and the library's two origins", async () => {
  const { startLandingSite } = (await import(serversModule)) as ServersModule
  const standIn = 'http://127.0.0.1:5001'
  const cdn = 'http://127.0.0.1:5002'
  const site = await startLandingSite({ standInOrigin: standIn, cdnOrigin: cdn, timeoutMs: 10_000 })
  try {
    expect(site.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const get = async (path: string) => {
      const response = await fetch(site.origin + path)
      return {
        status: response.status,
        encoding: response.headers.get('content-encoding'),
        text: await response.text(),
      }
    }
    const stock = await get('/stock.html')
    expect(stock.encoding).toBe('gzip')
    expect(stock.text).toContain(`s.src = "${standIn}/assets/embed.js";`)
    expect((await get('/preload-cdn.html')).text).toContain(
      `<script src="${cdn}/dist/moonclerk-checkout.iife.min.js" async`,
    )
    expect((await get('/one-tag-self.html')).text).toContain(
      `<script src="${site.origin}/dist/moonclerk-checkout.iife.min.js" data-moonclerk-checkout=`,
    )
    expect((await get('/dist/moonclerk-checkout.iife.min.js')).text).toContain('MoonClerkCheckout')
    expect((await get('/none.html')).text).not.toContain('<script')
    expect((await get('/site.css')).status).toBe(200)
    expect((await get('/img/0.svg')).text).toMatch(/^<svg/)
    expect((await get('/stock-cdn.html')).status).toBe(404)
  } finally {
    await site.close()
  }
  await expect(fetch(`${site.origin}/stock.html`)).rejects.toThrow()
}, 20_000)

test('without --json-ready, stdout starts with the friendly lines', async () => {
  const child = spawn(process.execPath, [SERVE, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    const output = await new Promise<string>((resolve, reject) => {
      let text = ''
      child.stdout.setEncoding('utf8')
      child.stdout.on('data', (chunk: string) => {
        text += chunk
        if (text.split('\n').length > 2) resolve(text)
      })
      child.once('exit', (code) => reject(new Error(`harness/site.mjs exited (${code}): ${text}`)))
    })
    const [demo, mode] = output.split('\n')
    expect(demo).toMatch(/^Demo: http:\/\/127\.0\.0\.1:\d+\/ {3}\(MoonClerk stand-in: http:\/\/127\.0\.0\.1:\d+\)$/)
    expect(mode).toMatch(/^Mode: local stand-in/)
    expect(output).not.toContain('"ready"')
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}, 20_000)
