// @vitest-environment node
// createWebhookHandler() against the MoonClerk stand-in's API over real HTTP on 127.0.0.1: every
// answer of the retry contract, once per change through the ledger, and the node:http adapter.
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  createWebhookHandler,
  toNodeListener,
  type GrantContext,
  type WebhookHandlerOptions,
  type WebhookLogLine,
} from '../src/server/index'
import { memoryLedgerForTestsOnly } from '../src/server/ledger/memory'
import { settleChange } from '../src/server/settle'
import type { Ledger } from '../src/server/ledger/ledger'
import { API_KEY, control, startStandIn, type Json, type StandIn } from './standin-harness'

let standIn: StandIn
let ledger: Ledger
let lines: WebhookLogLine[]
const onPayment = vi.fn(async (_payment: Json, _context: GrantContext) => {})
const onPlan = vi.fn(async (_customer: Json, _context: GrantContext) => {})

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn?.close())
beforeEach(async () => {
  await control(standIn, '/__standin/reset')
  ledger = memoryLedgerForTestsOnly()
  lines = []
  onPayment.mockReset()
  onPlan.mockReset()
})

function handler(options: Partial<WebhookHandlerOptions> = {}) {
  return createWebhookHandler({
    apiKey: API_KEY,
    apiBase: standIn.origin + '/',
    retries: 0,
    ledger,
    onPayment,
    onPlan,
    logger: (line) => lines.push(line),
    ...options,
  })
}

async function seed(kind: 'payment' | 'customer', given: Json = {}): Promise<Json> {
  const { status, body } = await control(standIn, '/__standin/seed', { [kind]: { custom_id: 'user-42', ...given } })
  expect(status).toBe(201)
  return body[kind]
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  new Request('https://shop.example/moonclerk', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body == 'string' ? body : JSON.stringify(body),
  })

/** A POST whose body is `stream`, as a server without a buffered body hands it over. */
const streamed = (stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new Request('https://shop.example/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: stream,
    duplex: 'half',
  } as RequestInit)

const hookOf = (event: string, record: Json) => ({
  event,
  object: event.startsWith('plan') ? 'customer' : 'payment',
  data: record,
})

describe('answers, as MoonClerk retries them', () => {
  test('only POST: 405 with Allow', async () => {
    const response = await handler()(new Request('https://shop.example/moonclerk'))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  test('a body that is not declared JSON: 415', async () => {
    const payment = await seed('payment')
    const response = await handler()(post(hookOf('payment_created', payment), { 'Content-Type': 'text/plain' }))
    expect(response.status).toBe(415)
    expect(onPayment).not.toHaveBeenCalled()
  })

  test('application/json with a charset, and +json types, are JSON', async () => {
    const payment = await seed('payment')
    expect(
      (await handler()(post(hookOf('payment_created', payment), { 'Content-Type': 'application/json; charset=utf-8' })))
        .status,
    ).toBe(200)
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('a body over the limit: 413, declared or streamed, and nothing is asked of the API', async () => {
    const big = JSON.stringify({
      event: 'payment_created',
      object: 'payment',
      data: { id: 1, pad: 'x'.repeat(70_000) },
    })
    expect((await handler()(post(big))).status).toBe(413)
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)))
        controller.close()
      },
    })
    expect((await handler({ maxBodyBytes: 5000 })(streamed(stream))).status).toBe(413)
    expect(lines.map((line) => line.outcome)).toStrictEqual(['too-large', 'too-large'])
  })

  test('malformed: 400', async () => {
    for (const body of ['{', '[]', { event: 'payment_created', object: 'payment' }]) {
      expect((await handler()(post(body))).status).toBe(400)
    }
    expect(onPayment).not.toHaveBeenCalled()
  })

  test('a well-formed webhook about an object this library does not know: 200, ignored (a 400 would get the endpoint switched off)', async () => {
    const response = await handler()(post({ event: 'invoice_created', object: 'invoice', data: { id: 1 } }))
    expect([response.status, await response.json()]).toStrictEqual([200, { ok: true, outcome: 'ignored' }])
    const inferred = await handler()(
      post({ event: 'plan_payment_failed', object: 'payment', data: await seed('payment') }),
    )
    expect(inferred.status).toBe(200)
  })

  test('forged (an id MoonClerk does not have, or a body that contradicts its record): 200, nothing granted, logged', async () => {
    const payment = await seed('payment')
    const unknown = await handler()(post(hookOf('payment_created', { ...payment, id: 999_999 })))
    const mismatch = await handler()(post(hookOf('payment_created', { ...payment, custom_id: 'attacker' })))
    expect([unknown.status, mismatch.status]).toStrictEqual([200, 200])
    expect(await unknown.json()).toStrictEqual({ ok: true, outcome: 'forged' })
    expect(onPayment).not.toHaveBeenCalled()
    expect(lines.map((line) => line.outcome)).toStrictEqual(['forged', 'forged'])
  })

  test("MoonClerk's API failing: 503, and MoonClerk's retry grants", async () => {
    const payment = await seed('payment')
    await control(standIn, '/__standin/api-faults', { status: 502, times: 1 })
    const first = await handler()(post(hookOf('payment_created', payment)))
    expect(first.status).toBe(503)
    expect(onPayment).not.toHaveBeenCalled()
    const retry = await handler()(post(hookOf('payment_created', payment)))
    expect(retry.status).toBe(200)
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('an API that hangs is given up within deadlineMs: 503', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))
    const started = Date.now()
    const response = await handler({ fetch: hanging, deadlineMs: 300, retries: 5 })(
      post(hookOf('payment_created', { id: 5, custom_id: 'x' })),
    )
    expect(response.status).toBe(503)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  test('the callback threw: 500, nothing claimed, and the retry grants once', async () => {
    const payment = await seed('payment')
    onPayment.mockRejectedValueOnce(new Error('database locked'))
    const first = await handler()(post(hookOf('payment_created', payment)))
    expect(first.status).toBe(500)
    const retry = await handler()(post(hookOf('payment_created', payment)))
    expect(retry.status).toBe(200)
    const again = await handler()(post(hookOf('payment_created', payment)))
    expect(await again.json()).toStrictEqual({ ok: true, outcome: 'duplicate' })
    expect(onPayment).toHaveBeenCalledTimes(2)
    expect(lines.map((line) => line.outcome)).toStrictEqual(['callback-error', 'granted', 'duplicate'])
  })

  test('the ledger failing: 500, so MoonClerk retries', async () => {
    const payment = await seed('payment')
    const broken = { ...memoryLedgerForTestsOnly(), claim: () => Promise.reject(new Error('connection refused')) }
    expect((await handler({ ledger: broken })(post(hookOf('payment_created', payment)))).status).toBe(500)
    expect(lines[0]).toMatchObject({ outcome: 'internal-error', status: 500 })
  })
})

describe('once per change', () => {
  test('payment_created, payment_succeeded, a retry and a replay grant once, with MoonClerk’s record', async () => {
    const payment = await seed('payment', { name: 'Leon Bridges', amount: 1000 })
    const handle = handler()
    for (const event of ['payment_created', 'payment_succeeded', 'payment_created', 'payment_created']) {
      expect((await handle(post(hookOf(event, payment)))).status).toBe(200)
    }
    expect(onPayment).toHaveBeenCalledTimes(1)
    const [record, context] = onPayment.mock.calls[0]
    expect(record).toMatchObject({ id: payment.id, custom_id: 'user-42', amount: 1000 })
    expect(context).toStrictEqual({
      kind: 'payment',
      source: 'webhook',
      event: 'payment_created',
      customId: 'user-42',
      paid: true,
      state: 'paid',
      previousState: null,
      idempotencyKey: `payment:${payment.id}:paid`,
    })
  })

  test('a payment is granted once, ever: paid → refunded → a stale copy saying paid grants nothing', async () => {
    const payment = await seed('payment', { amount: 1000 })
    const settle = (record: Json) =>
      settleChange({ kind: 'payment', record }, { ledger, onPayment }, { source: 'webhook', event: 'x' })
    expect((await settle(payment)).outcome).toBe('granted')
    expect((await settle({ ...payment, status: 'refunded', amount_refunded: 1000 })).outcome).toBe('recorded')
    expect((await settle(payment)).outcome).toBe('recorded')
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('an event string never seen before is decided from its object', async () => {
    const payment = await seed('payment')
    expect((await handler()(post({ event: 'payment_settled_v2', object: 'payment', data: payment }))).status).toBe(200)
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('twenty deliveries of one webhook at the same moment grant once', async () => {
    const payment = await seed('payment')
    const handle = handler()
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => handle(post(hookOf('payment_created', payment)))),
    )
    expect(onPayment).toHaveBeenCalledTimes(1)
    // The others found it done, or being settled (503: be retried; the retry finds it done).
    for (const answer of answers) expect([200, 503]).toContain(answer.status)
    expect(answers.filter((answer) => answer.status == 200).length).toBeGreaterThanOrEqual(1)
  })

  test('a payment that is not paid grants nothing, and a body that says "successful" changes nothing', async () => {
    const failed = await seed('payment', { status: 'failed' })
    const response = await handler()(post(hookOf('payment_created', { ...failed, status: 'successful' })))
    expect(response.status).toBe(200)
    expect(onPayment).not.toHaveBeenCalled()
    expect(lines[0].outcome).toBe('recorded')
  })

  test('a paid payment without a cid is recorded, and no callback runs: nothing to attribute it to', async () => {
    const payment = await seed('payment', { custom_id: null })
    expect((await handler()(post(hookOf('payment_created', payment)))).status).toBe(200)
    expect(onPayment).not.toHaveBeenCalled()
    expect(lines[0]).toMatchObject({ outcome: 'recorded', customId: null })
  })

  test("a plan's change of status calls onPlan again; a replay does not", async () => {
    const customer = await seed('customer')
    const handle = handler()
    await handle(post(hookOf('plan_created', customer)))
    const { status } = await control(standIn, '/__standin/webhooks', {
      url: 'http://127.0.0.1:9/unused',
      event: 'plan_payment_failed',
      id: customer.id,
    })
    expect(status).toBe(202)
    await handle(post(hookOf('plan_payment_failed', customer)))
    await handle(post(hookOf('plan_created', customer))) // replayed: the plan is past_due now
    expect(onPlan.mock.calls.map(([, context]) => [context.state, context.paid, context.previousState])).toStrictEqual([
      ['active', true, null],
      ['past_due', false, 'active'],
    ])
    expect(onPayment).not.toHaveBeenCalled()
  })
})

describe('logging', () => {
  test('one structured line per webhook, never the API key', async () => {
    const payment = await seed('payment', { email: 'leon@example.com', name: 'Leon Bridges' })
    await handler()(post(hookOf('payment_created', payment)))
    await handler()(post('{'))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({
      outcome: 'granted',
      status: 200,
      event: 'payment_created',
      kind: 'payment',
      id: String(payment.id),
      customId: 'user-42',
    })
    expect(typeof lines[0].ms).toBe('number')
    const text = JSON.stringify(lines)
    for (const secret of [API_KEY, 'leon@example.com', 'Leon Bridges']) expect(text).not.toContain(secret)
  })
})

describe('options', () => {
  test('a handler without a ledger or without callbacks is a TypeError that says what to pass', () => {
    expect(() => createWebhookHandler({ apiKey: API_KEY, onPayment } as unknown as WebhookHandlerOptions)).toThrow(
      /needs a ledger, e\.g\. sqliteLedger/,
    )
    expect(() => createWebhookHandler({ apiKey: API_KEY, ledger })).toThrow(/onPayment and\/or onPlan/)
  })
})

describe('toNodeListener()', () => {
  let server: http.Server
  let url: string
  beforeAll(async () => {
    server = http.createServer((req, res) => void toNodeListener(handler())(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/moonclerk`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  test('node:http: the same answers, headers and body', async () => {
    const payment = await seed('payment')
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(hookOf('payment_created', payment)),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toStrictEqual({ ok: true, outcome: 'granted' })
    expect(onPayment).toHaveBeenCalledTimes(1)
    const get = await fetch(url)
    expect([get.status, get.headers.get('allow')]).toStrictEqual([405, 'POST'])
  })

  test('a TRACE request or a Host that is no URL is answered 400, and the server lives on', async () => {
    const { port } = new URL(url)
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(text))
        let answer = ''
        socket.on('data', (chunk) => (answer += chunk))
        socket.on('close', () => resolve(answer))
      })
    expect(await raw('TRACE /moonclerk HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)
    expect(
      await raw('POST /moonclerk HTTP/1.1\r\nHost: a b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 (415|400)/)
    expect((await fetch(url)).status).toBe(405)
  })

  test('a body an Express parser already read is used as it is', async () => {
    const payment = await seed('payment')
    let status = 0
    const res = { writeHead: (code: number) => void (status = code), end: () => {} }
    const body = JSON.stringify(hookOf('payment_created', payment))
    const empty = (async function* () {})()
    const req = Object.assign(empty, {
      method: 'POST',
      url: '/moonclerk',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(body),
      readableEnded: true,
    })
    await toNodeListener(handler())(req, res)
    expect(status).toBe(200)
    expect(onPayment).toHaveBeenCalledTimes(1)
  })
})

describe('each answer exactly: status, body, headers and its log line', () => {
  /** The answer's status, JSON body and two headers, and the log line it wrote. */
  async function answered(response: Response) {
    const head = { type: response.headers.get('content-type'), cache: response.headers.get('cache-control') }
    return { status: response.status, body: await response.json(), head, line: lines.at(-1) }
  }
  const asJson = { type: 'application/json', cache: 'no-store' }

  test('not POST: 405, ok false, and Allow says GET too once the handler answers the success page', async () => {
    const get = new Request('https://shop.example/moonclerk', { method: 'PUT' })
    expect(await answered(await handler()(get))).toMatchObject({
      status: 405,
      body: { ok: false, outcome: 'not-post' },
      head: asJson,
      line: { outcome: 'not-post', status: 405 },
    })
    const withStatus = await handler({ authorize: () => true })(get)
    expect(withStatus.headers.get('allow')).toBe('GET, POST')
  })

  test('what counts as JSON: the type, +json suffixes, parameters; not a longer name or a prefix', async () => {
    const payment = await seed('payment')
    const statusFor = async (type: string) =>
      (await handler()(post(hookOf('payment_created', payment), { 'Content-Type': type }))).status
    for (const type of ['application/json', 'Application/JSON ; charset=utf-8', 'application/vnd.moonclerk.v1+json'])
      expect([type, await statusFor(type)]).toStrictEqual([type, 200])
    for (const type of ['application/json5', 'text/application/json', 'application/+json', 'application/x y+json'])
      expect([type, await statusFor(type)]).toStrictEqual([type, 415])
    expect(lines.at(-1)).toMatchObject({
      outcome: 'not-json',
      status: 415,
      reason: 'Content-Type must be application/json',
    })
  })

  test('the limit is inclusive: a body of exactly maxBodyBytes is read; an empty POST is malformed, not a crash', async () => {
    const payment = await seed('payment')
    const body = JSON.stringify(hookOf('payment_created', payment))
    const bytes = new TextEncoder().encode(body).length
    expect((await handler({ maxBodyBytes: bytes })(post(body))).status).toBe(200)
    expect((await handler({ maxBodyBytes: bytes - 1 })(post(body))).status).toBe(413)
    const empty = new Request('https://shop.example/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(await answered(await handler()(empty))).toMatchObject({
      status: 400,
      body: { ok: false, outcome: 'malformed' },
    })
  })

  test('a declared Content-Length over the limit is refused before the body is read', async () => {
    let pulled = false
    const stream = new ReadableStream({ pull: (c) => ((pulled = true), c.close()) }, { highWaterMark: 0 })
    expect((await handler()(streamed(stream, { 'Content-Length': '70000' }))).status).toBe(413)
    expect(pulled).toBe(false)
  })

  test('a body that arrives in pieces is put together in order', async () => {
    const payment = await seed('payment')
    const text = JSON.stringify(hookOf('payment_created', payment))
    const pieces = [text.slice(0, 10), text.slice(10, 40), text.slice(40)].map((p) => new TextEncoder().encode(p))
    const stream = new ReadableStream({ start: (c) => (pieces.forEach((p) => c.enqueue(p)), c.close()) })
    expect((await handler()(streamed(stream))).status).toBe(200)
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('malformed and API failures log their reason', async () => {
    await handler()(post('{'))
    expect(lines.at(-1)).toMatchObject({ outcome: 'malformed', status: 400, reason: expect.stringMatching(/\S/) })
    const payment = await seed('payment')
    await control(standIn, '/__standin/api-faults', { status: 502, times: 1 })
    const failed = await answered(await handler()(post(hookOf('payment_created', payment))))
    expect(failed).toMatchObject({ status: 503, body: { ok: false, outcome: 'api-error' } })
    expect(failed.line).toMatchObject({ outcome: 'api-error', reason: expect.stringMatching(/MoonClerk API .*502/) })
  })

  test('another instance settling the same change: 503 with Retry-After, logged as busy with what it was about', async () => {
    const payment = await seed('payment')
    const busy: Ledger = { ...memoryLedgerForTestsOnly(), claim: async () => ({ outcome: 'busy' }) }
    const response = await handler({ ledger: busy })(post(hookOf('payment_created', payment)))
    expect(response.headers.get('retry-after')).toBe('10')
    expect(await answered(response)).toMatchObject({
      status: 503,
      body: { ok: false, outcome: 'busy' },
      line: {
        outcome: 'busy',
        status: 503,
        event: 'payment_created',
        kind: 'payment',
        id: String(payment.id),
        customId: 'user-42',
      },
    })
  })

  test('a failing ledger is logged with its message; every line says how long it took', async () => {
    const payment = await seed('payment')
    const broken = { ...memoryLedgerForTestsOnly(), claim: () => Promise.reject(new Error('connection refused')) }
    const started = Date.now()
    await handler({ ledger: broken })(post(hookOf('payment_created', payment)))
    expect(lines[0].reason).toBe('internal: connection refused')
    expect(lines[0].ms).toBeGreaterThanOrEqual(0)
    expect(lines[0].ms).toBeLessThanOrEqual(Date.now() - started)
  })

  test("the success page's question while the ledger is down: 503, try again, never cached", async () => {
    const down = { ...memoryLedgerForTestsOnly(), paidFor: () => Promise.reject(new Error('down')) }
    const response = await handler({ ledger: down, authorize: () => true })(
      new Request('https://shop.example/moonclerk?cid=user-42'),
    )
    expect(await answered(response)).toMatchObject({
      status: 503,
      body: { paid: false, error: 'try again' },
      head: asJson,
    })
  })

  test('options: each refusal names what is missing', () => {
    const base = { apiKey: API_KEY, ledger, onPayment }
    expect(() => createWebhookHandler(null as unknown as WebhookHandlerOptions)).toThrow(
      'createWebhookHandler needs options: { apiKey, ledger, onPayment, onPlan }',
    )
    expect(() => createWebhookHandler({ ...base, ledger: {} as Ledger })).toThrow(
      "createWebhookHandler needs a ledger, e.g. sqliteLedger('moonclerk.db') from 'moonclerk-checkout/server/sqlite': it is what makes each payment count once",
    )
    expect(() => createWebhookHandler({ ...base, cidSecret: 'x'.repeat(31) })).toThrow(/at least 32 characters/)
    expect(() => createWebhookHandler({ ...base, cidSecret: 42 as unknown as string })).toThrow(/at least 32/)
    expect(() => createWebhookHandler({ ...base, cidSecret: 'x'.repeat(32) })).not.toThrow()
    expect(() => createWebhookHandler({ ...base, onPayment: undefined, onPlan })).not.toThrow()
  })
})
