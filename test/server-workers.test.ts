// @vitest-environment node
// The server entry in a Workers-style runtime without Node compatibility (issue 19, item 6):
// src/server/index.ts and a tiny worker module (`export default { fetch: handler }`, as the
// Cloudflare Workers recipe of docs/server.md writes it) bundled by esbuild for the browser
// platform with no externals, then run inside edge-runtime's EdgeRuntime (Vercel's Workers-style
// runtime: a fresh V8 context with web primitives only, no `require`, no `process`, no `node:`
// modules, no code generation). Real Requests go through its fetch event; the handler verifies each
// webhook with the MoonClerk stand-in on 127.0.0.1 through the runtime's own fetch.
import { fileURLToPath } from 'node:url'
import { EdgeRuntime } from 'edge-runtime'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { API_KEY, control, startStandIn, type Json, type StandIn } from './standin-harness'

let standIn: StandIn
let runtime: EdgeRuntime
let bundle: string

/** The worker: the server entry's handler with a memory ledger and an onPayment that records its calls. */
const workerSource = (apiBase: string) => `
import { createWebhookHandler, memoryLedgerForTestsOnly } from '../src/server/index.ts'

// What the runtime offers the module itself, looked at while it loads (\`require\` is asked from
// outside: naming it here would make esbuild add a shim for it).
globalThis.__runtime = {
  process: typeof process,
  Buffer: typeof Buffer,
  crypto: typeof crypto?.subtle?.encrypt,
}
globalThis.__calls = []
globalThis.__lines = []

const handler = createWebhookHandler({
  apiKey: ${JSON.stringify(API_KEY)},
  apiBase: ${JSON.stringify(apiBase)},
  retries: 0,
  ledger: memoryLedgerForTestsOnly(),
  onPayment(payment, context) {
    globalThis.__calls.push({ id: payment.id, status: payment.status, customId: context.customId, source: context.source })
  },
  logger: (line) => globalThis.__lines.push(line),
})

export default { fetch: handler }
`

beforeAll(async () => {
  standIn = await startStandIn()
  const result = await build({
    stdin: {
      contents: workerSource(standIn.origin + '/'),
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      sourcefile: 'worker.js',
      loader: 'js',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'worker',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  expect(result.errors).toStrictEqual([])
  bundle = result.outputFiles[0].text
  // A Workers module's default export, served through the service-worker style fetch event the runtime dispatches.
  runtime = new EdgeRuntime({
    initialCode: `${bundle}\naddEventListener('fetch', (event) => event.respondWith(worker.default.fetch(event.request)))`,
  })
})
afterAll(() => standIn?.close())

const evaluate = <T = Json>(code: string): T => JSON.parse(runtime.evaluate(`JSON.stringify(${code})`))

const webhook = (event: string, data: Json) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ event, object: 'payment', data }),
})

describe('the server entry in a Workers-style runtime without Node compatibility', () => {
  test('the bundle has no externals, no node: import, and nothing of Node to lean on', async () => {
    expect(bundle).not.toMatch(/["']node:[a-z_/]+["']/)
    // No require shim (esbuild adds one for a require it cannot resolve) and no dynamic import.
    expect(bundle).not.toContain('__require')
    expect(bundle).not.toMatch(/\bimport\s*\(/)
    // Inside the runtime: no process, no Buffer for the module; Web Crypto is there.
    expect(evaluate('__runtime')).toStrictEqual({ process: 'undefined', Buffer: 'undefined', crypto: 'function' })
    expect(
      evaluate(
        '[typeof process, typeof require, typeof module, typeof Buffer, typeof setImmediate, typeof EdgeRuntime]',
      ),
    ).toStrictEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'string'])
    // A node: module cannot be reached from inside either: no dynamic import, no code generation.
    expect(() => runtime.evaluate(`new Function('return 1')()`)).toThrow(/Code generation from strings disallowed/)
    await expect(runtime.evaluate(`import('node:crypto')`)).rejects.toThrow(/dynamic import callback was not specified/)
  })

  test('a webhook for a payment MoonClerk has: 200, onPayment once; the replay: duplicate; a GET: 405', async () => {
    const seeded = await control(standIn, '/__standin/seed', { payment: { custom_id: 'u-1' } })
    expect(seeded.status).toBe(201)
    const payment = seeded.body.payment
    const url = 'https://shop.example/moonclerk'

    const first = await runtime.dispatchFetch(url, webhook('payment_created', { id: payment.id, custom_id: 'u-1' }))
    expect(first.status).toBe(200)
    expect(await first.json()).toStrictEqual({ ok: true, outcome: 'granted' })
    expect(evaluate('__calls')).toStrictEqual([
      { id: payment.id, status: 'successful', customId: 'u-1', source: 'webhook' },
    ])

    const replay = await runtime.dispatchFetch(url, webhook('payment_succeeded', { id: payment.id, custom_id: 'u-1' }))
    expect(replay.status).toBe(200)
    expect(await replay.json()).toStrictEqual({ ok: true, outcome: 'duplicate' })
    expect(evaluate('__calls.length')).toBe(1)

    const get = await runtime.dispatchFetch(url)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(evaluate('__calls.length')).toBe(1)

    // Forged (an id MoonClerk's API does not have): answered 200, granted nothing.
    const forged = await runtime.dispatchFetch(url, webhook('payment_created', { id: 987_654_321, custom_id: 'u-1' }))
    expect(forged.status).toBe(200)
    expect(await forged.json()).toStrictEqual({ ok: true, outcome: 'forged' })
    expect(evaluate('__calls.length')).toBe(1)
    expect(evaluate<Json[]>('__lines').map((line) => [line.outcome, line.status])).toStrictEqual([
      ['granted', 200],
      ['duplicate', 200],
      ['not-post', 405],
      ['forged', 200],
    ])
  })
})
