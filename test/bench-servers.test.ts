// @vitest-environment node
// `node demo/serve.mjs --port 0 --json-ready` as the benchmark starts it (bench/servers.mjs): its
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
  servedEmbedRequests(env: { standInOrigin: string }): Promise<number | null>
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const serversModule: string = new URL('../bench/servers.mjs', import.meta.url).href
const SERVE = fileURLToPath(new URL('../demo/serve.mjs', import.meta.url))

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
      child.once('exit', (code) => reject(new Error(`demo/serve.mjs exited (${code}): ${text}`)))
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
