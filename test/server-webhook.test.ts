// @vitest-environment node
// Webhooks against the project's MoonClerk stand-in, over real HTTP on 127.0.0.1: verifyWebhook()
// on its own, then docs/server.md's complete handler, taken from the doc as it is, receiving what
// the stand-in delivers (and what anyone else could post).
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import * as server from '../src/server/index'
import { MoonClerkApiError, parseWebhook, verifyWebhook, WebhookError, type ApiOptions } from '../src/server/index'
import { payOnStandIn } from './standin-harness'

interface StandIn {
  origin: string
  close(): Promise<void>
}
interface Delivery {
  event: string
  dataId: number
  state: string
  responses: Array<number | string>
}
const API_KEY = 'server-webhook-test-key-7d1e'
// Forms from harness/forms.json: $10.00 once, and $15.00 a month.
const ONE_TIME = '8h7frjfytj'
const PLAN = 'k2m9q4zr7x'

let standIn: StandIn
let hooks: http.Server
let hookUrl: string
// What the doc's handler calls: your application.
const grantPurchase = vi.fn(async (_customId: string, _payment: Record<string, unknown>) => {})
const setSubscriber = vi.fn(async (_customId: string, _active: boolean) => {})

/** docs/server.md's handler: the ```js block under "## Doing it yourself", its imports given from here. */
function readmeHandler(options: Partial<ApiOptions>): http.RequestListener {
  const readme = readFileSync(new URL('../docs/server.md', import.meta.url), 'utf8')
  const at = readme.indexOf('\n## Doing it yourself')
  expect(at, 'docs/server.md\'s "## Doing it yourself" heading').toBeGreaterThan(0)
  const section = readme.slice(at)
  const code = /```js\n([\s\S]*?)```/.exec(section)![1]
  const imports = [...code.matchAll(/^import (.+) from '(.+)'$/gm)]
  expect(imports.map(([, , from]) => from)).toStrictEqual(['node:http', 'moonclerk-checkout/server'])
  const names = imports[1][1].replace(/[{}\s]/g, '').split(',')
  let listener: http.RequestListener | undefined
  const fakeHttp = { createServer: (handler: http.RequestListener) => ({ listen: () => void (listener = handler) }) }
  // The API's address is the stand-in's; no retries within a request, so a 5xx answer comes at once.
  const library: Record<string, unknown> = {
    ...server,
    verifyWebhook: (body: unknown, given: ApiOptions) => verifyWebhook(body, { ...given, ...options }),
  }
  const values = names.map((name) => {
    expect(server, `the doc's handler imports ${name}`).toHaveProperty(name)
    return library[name]
  })
  const run = new Function(
    'http',
    'process',
    'grantPurchase',
    'setSubscriber',
    ...names,
    code.replace(/^import .*$/gm, ''),
  )
  run(fakeHttp, { env: { MOONCLERK_API_KEY: API_KEY } }, grantPurchase, setSubscriber, ...values)
  return listener!
}

beforeAll(async () => {
  hooks = http.createServer((req, res) => handler(req, res))
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/moonclerk`
  const { startStandIn } = (await import(new URL('../harness/standin.mjs', import.meta.url).href)) as {
    startStandIn(options: object): Promise<StandIn>
  }
  standIn = await startStandIn({
    siteOrigin: 'http://127.0.0.1:1',
    apiKey: API_KEY,
    webhookRetryMs: 5,
    webhookUrl: hookUrl,
  })
  handler = readmeHandler({ apiBase: standIn.origin + '/', retries: 0 })
})
let handler: http.RequestListener = (_req, res) => void res.writeHead(503).end()

afterAll(async () => {
  await standIn?.close()
  hooks?.closeAllConnections()
  await new Promise((resolve) => hooks?.close(resolve))
})

beforeEach(async () => {
  await settled()
  grantPurchase.mockClear()
  setSubscriber.mockClear()
})

const options = () => ({ apiKey: API_KEY, apiBase: standIn.origin + '/', retries: 0 })

async function standInPost(path: string, body: object) {
  return fetch(`${standIn.origin}/__standin/${path}`, { method: 'POST', body: JSON.stringify(body) })
}

/** Pays as the hosted checkout's form does; the stand-in then sends its webhooks to the handler. */
async function pay(token: string, cid: string) {
  const back = await payOnStandIn(standIn.origin, token, cid)
  return {
    paymentId: Number(back.get('payment_id')),
    customerId: Number(back.get('customer_id')),
    checkoutToken: back.get('checkout_token')!,
  }
}

/** Adds a payment or a plan to the stand-in's API, as if MoonClerk had made it; returns it. */
async function seed(kind: 'payment' | 'customer', fields: Record<string, unknown>) {
  const response = await standInPost('seed', { [kind]: fields })
  expect(response.status).toBe(201)
  return ((await response.json()) as Record<string, Record<string, unknown> & { id: number }>)[kind]
}

/** Every delivery the stand-in has made, once none is still being tried. */
async function settled(): Promise<Delivery[]> {
  const deliveries = async () =>
    ((await (await fetch(`${standIn.origin}/__standin/records`)).json()) as { webhooks: Delivery[] }).webhooks
  await expect
    .poll(async () => (await deliveries()).filter((delivery) => delivery.state == 'pending'))
    .toStrictEqual([])
  return deliveries()
}

/** The stand-in sends this event about this object now, and waits for the handler's answers. */
async function send(event: string, id: number) {
  expect((await standInPost('webhooks', { url: hookUrl, event, id })).status).toBe(202)
  return (await settled()).filter((delivery) => delivery.dataId == id && delivery.event == event).at(-1)!.responses
}

/** Someone else POSTs to the endpoint: the handler's status. */
async function forge(body: unknown) {
  return (await fetch(hookUrl, { method: 'POST', body: typeof body == 'string' ? body : JSON.stringify(body) })).status
}

describe('verifyWebhook', () => {
  test("returns MoonClerk's copy, not the body's", async () => {
    const payment = await seed('payment', { custom_id: 'v-1', status: 'refunded', amount: 1000, amount_refunded: 1000 })
    const body = {
      event: 'payment_created',
      object: 'payment',
      data: { ...payment, status: 'successful', amount_refunded: 0, amount: 99 },
    }
    const hook = await verifyWebhook(JSON.stringify(body), options())
    expect(hook).toMatchObject({ event: 'payment_created', object: 'payment', id: payment.id, customId: 'v-1' })
    expect(hook.data).toStrictEqual(payment)
    expect(server.isPaid(hook)).toBe(false)
    expect(server.isPaid(parseWebhook(body))).toBe(true) // what the body alone would have granted
  })

  test("an id MoonClerk's API does not know is a WebhookError 'unknown-object'", async () => {
    const plan = await seed('customer', { custom_id: 'v-plan' })
    for (const body of [
      { event: 'payment_created', object: 'payment', data: { id: 987_654_321, custom_id: 'v-1' } },
      { event: 'payment_created', object: 'payment', data: { id: plan.id, custom_id: 'v-plan' } }, // a customer's id, as a payment
      { event: 'payment_created', object: 'payment', data: { id: '../customers', custom_id: 'v-1' } },
    ]) {
      await expect(verifyWebhook(body, options())).rejects.toMatchObject({
        name: 'WebhookError',
        code: 'unknown-object',
      })
    }
  })

  test.each([
    ['custom_id', { custom_id: 'attacker' }],
    ['custom_id', { custom_id: null }],
    ['checkout.token', { checkout: { token: 'someone-elses' } }],
    ['form_id', { form_id: 1 }],
    ['customer_id', { customer_id: 500_001 }],
  ])("a body whose %s differs from MoonClerk's record is a WebhookError 'mismatch'", async (field, change) => {
    const { paymentId } = await pay(ONE_TIME, 'v-mismatch')
    const body = {
      event: 'payment_created',
      object: 'payment',
      data: { id: paymentId, custom_id: 'v-mismatch', ...change },
    }
    const error = await verifyWebhook(body, options()).catch((e) => e)
    expect(error).toBeInstanceOf(WebhookError)
    expect(error).toMatchObject({ code: 'mismatch', message: expect.stringContaining(`"${field}"`) })
  })

  test("a body that is not MoonClerk's shape is a WebhookError 'malformed', as from parseWebhook, before any request", async () => {
    const fetchSpy = vi.fn(fetch)
    for (const body of [
      '{oops',
      { event: 'plan_created', object: 'payment', data: { id: 1 } },
      { event: 'payment_created', object: 'payment' },
    ]) {
      await expect(verifyWebhook(body, { ...options(), fetch: fetchSpy })).rejects.toMatchObject({
        name: 'WebhookError',
        code: 'malformed',
      })
      expect(() => parseWebhook(body)).toThrow(expect.objectContaining({ code: 'malformed' }))
    }
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  test('API trouble is a MoonClerkApiError: 5xx, a bad key, no answer', async () => {
    const { paymentId } = await pay(ONE_TIME, 'v-trouble')
    const body = { event: 'payment_created', object: 'payment', data: { id: paymentId, custom_id: 'v-trouble' } }
    await settled()
    await standInPost('api-faults', { status: 503, times: 1 })
    await expect(verifyWebhook(body, options())).rejects.toMatchObject({
      name: 'MoonClerkApiError',
      message: expect.stringMatching(/503/),
    })
    await expect(verifyWebhook(body, { ...options(), apiKey: 'not-the-key' })).rejects.toMatchObject({
      name: 'MoonClerkApiError',
      status: 401,
    })
    const unreachable = await verifyWebhook(body, { ...options(), apiBase: 'http://127.0.0.1:1/' }).catch((e) => e)
    expect(unreachable).toBeInstanceOf(MoonClerkApiError)
    expect((await verifyWebhook(body, options())).customId).toBe('v-trouble')
  })

  test('a plan event is checked against the plan, whatever its state: plan_ended for an active plan returns it active', async () => {
    const { customerId } = await pay(PLAN, 'v-plan-active')
    const hook = await verifyWebhook(
      { event: 'plan_ended', object: 'customer', data: { id: customerId, custom_id: 'v-plan-active' } },
      options(),
    )
    expect(hook).toMatchObject({
      event: 'plan_ended',
      customId: 'v-plan-active',
      data: { subscription: { status: 'active' } },
    })
    expect(server.isPaid(hook)).toBe(true)
  })

  test.each(['http://api.moonclerk.com/', 'http://192.168.1.5/'])(
    'apiBase %s is a TypeError naming apiBase, before any request',
    async (apiBase) => {
      const fetchSpy = vi.fn(fetch)
      await expect(verifyWebhook({}, { apiKey: API_KEY, apiBase, fetch: fetchSpy })).rejects.toThrow(
        /^apiBase must be an https: URL/,
      )
      await expect(verifyWebhook({}, { apiKey: API_KEY, apiBase, fetch: fetchSpy })).rejects.toBeInstanceOf(TypeError)
      expect(fetchSpy).not.toHaveBeenCalled()
    },
  )
})

describe("docs/server.md's webhook handler", () => {
  test("grants a paid one-time payment once, for MoonClerk's webhook and every replay of it", async () => {
    const { paymentId } = await pay(ONE_TIME, 'hooked-user')
    const delivered = (await settled()).find((delivery) => delivery.dataId == paymentId)
    expect(delivered).toMatchObject({ event: 'payment_created', state: 'delivered', responses: [200] })
    expect(grantPurchase.mock.calls).toStrictEqual([
      ['hooked-user', expect.objectContaining({ id: paymentId, status: 'successful' })],
    ])
    expect(await send('payment_created', paymentId)).toStrictEqual([200])
    const replay = { event: 'payment_created', object: 'payment', data: { id: paymentId, custom_id: 'hooked-user' } }
    expect(await forge(replay)).toBe(200)
    expect(grantPurchase).toHaveBeenCalledTimes(1)
  })

  test("grants nothing for what anyone else posts: unknown ids, cids that are not the payment's, bad shapes", async () => {
    const { paymentId } = await pay(ONE_TIME, 'real-payer')
    await settled()
    grantPurchase.mockClear()
    expect(
      await forge({
        event: 'payment_created',
        object: 'payment',
        data: { id: 424_242_424, custom_id: 'attacker', status: 'successful' },
      }),
    ).toBe(200)
    expect(
      await forge({ event: 'payment_created', object: 'payment', data: { id: paymentId, custom_id: 'attacker' } }),
    ).toBe(200)
    expect(await forge('{"event": "payment_created"')).toBe(400)
    expect(await forge({ event: 'payment_created', object: 'customer', data: { id: paymentId } })).toBe(400)
    expect(grantPurchase).not.toHaveBeenCalled()
  })

  test.each([
    ['failed', { status: 'failed', amount: 1000, amount_refunded: 0 }],
    ['fully refunded', { status: 'successful', amount: 1000, amount_refunded: 1000 }],
  ])('grants nothing for a %s payment', async (_, fields) => {
    const payment = await seed('payment', { ...fields, custom_id: 'unpaid-user' })
    expect(await send('payment_created', payment.id)).toStrictEqual([200])
    expect(grantPurchase).not.toHaveBeenCalled()
  })

  test("a plan: access follows its subscription as MoonClerk's API has it, whichever event says what", async () => {
    const { customerId } = await pay(PLAN, 'plan-hook-user')
    await settled()
    expect(setSubscriber.mock.calls).toStrictEqual([['plan-hook-user', true]])
    expect(grantPurchase).not.toHaveBeenCalled() // the plan's first payment is the plan's business
    expect(
      await forge({ event: 'plan_ended', object: 'customer', data: { id: customerId, custom_id: 'plan-hook-user' } }),
    ).toBe(200)
    expect(setSubscriber.mock.calls.at(-1)).toStrictEqual(['plan-hook-user', true])
    expect(await send('plan_ended', customerId)).toStrictEqual([200])
    expect(setSubscriber.mock.calls.at(-1)).toStrictEqual(['plan-hook-user', false])
  })

  test("answers 5xx while MoonClerk's API is down, so MoonClerk retries, and grants on the retry", async () => {
    await standInPost('api-faults', { status: 503, times: 1 })
    const { paymentId } = await pay(ONE_TIME, 'retried-user')
    const delivered = (await settled()).find((delivery) => delivery.dataId == paymentId)
    expect(delivered).toMatchObject({ state: 'delivered', responses: [503, 200] })
    expect(grantPurchase.mock.calls).toStrictEqual([['retried-user', expect.objectContaining({ id: paymentId })]])
  })
})

describe('parseWebhook and verifyWebhook, without the stand-in', () => {
  const body = (fields: Record<string, unknown>) => ({
    event: 'payment_created',
    object: 'payment',
    data: { id: 5, custom_id: 'u1' },
    ...fields,
  })
  // MoonClerk's API as a function of the path: the record it holds, or a 404.
  const api = (record: Record<string, unknown> | null): ApiOptions => ({
    apiKey: API_KEY,
    fetch: (async () =>
      record ? new Response(JSON.stringify({ payment: record })) : new Response('', { status: 404 })) as typeof fetch,
  })

  test.each([
    ['null', 'the body is not a JSON object'],
    ['5', 'the body is not a JSON object'],
    [JSON.stringify(body({ event: '' })), 'no "event" in the body'],
    [JSON.stringify(body({ data: null })), 'no "data" object in the body'],
    [JSON.stringify(body({ event: 'plan_created' })), '"plan_created" comes with a customer, not a payment'],
  ])('%s is malformed: %s', (raw, message) => {
    expect(() => parseWebhook(raw)).toThrow(new WebhookError('malformed', message))
    try {
      parseWebhook(raw)
    } catch (error) {
      expect(error).toMatchObject({ code: 'malformed', message })
    }
  })

  test('a checkout token that is no string, and an absent custom id, are null', () => {
    expect(parseWebhook(body({ data: { id: 5, checkout: { token: 7 } } }))).toMatchObject({
      customId: null,
      checkoutToken: null,
    })
  })

  test('the message names the call and the object; a long id is cut at 80 characters', async () => {
    await expect(verifyWebhook(body({}), { apiKey: '' })).rejects.toThrow(/^verifyWebhook needs the MoonClerk API key/)
    await expect(verifyWebhook(body({}), api(null))).rejects.toMatchObject({
      code: 'unknown-object',
      message: 'MoonClerk has no payment 5',
    })
    const id = 'x'.repeat(100)
    await expect(verifyWebhook(body({ data: { id } }), api(null))).rejects.toMatchObject({
      message: `MoonClerk has no payment ${JSON.stringify(id).slice(0, 80)}`,
    })
  })

  test.each(['07', ' 5', '5.0', '+5', '05', '5 '])(
    "an id MoonClerk's API would read as another (%j) is 'unknown-object', not an API outage: nothing is fetched",
    async (id) => {
      const fetchSpy = vi.fn(
        async () => new Response(JSON.stringify({ payment: { id: 5, custom_id: 'u1', status: 'successful' } })),
      )
      const error = await verifyWebhook(body({ data: { id, custom_id: 'u1' } }), {
        apiKey: API_KEY,
        fetch: fetchSpy,
      }).catch((e) => e)
      expect(error).toBeInstanceOf(WebhookError)
      expect(error).toMatchObject({ code: 'unknown-object', message: `MoonClerk has no payment ${JSON.stringify(id)}` })
      expect(fetchSpy).not.toHaveBeenCalled()
    },
  )

  test("an API answer about another record is 'unknown-object', not an API outage", async () => {
    await expect(verifyWebhook(body({}), api({ id: 6, custom_id: 'u1' }))).rejects.toMatchObject({
      name: 'WebhookError',
      code: 'unknown-object',
    })
  })

  test('a hanging API is given up by deadlineMs', { timeout: 3_000 }, async () => {
    const hanging = ((_url: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as typeof fetch
    const started = Date.now()
    const error = await verifyWebhook(body({}), { apiKey: API_KEY, fetch: hanging, deadlineMs: 250 }).catch((e) => e)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(error).toMatchObject({
      name: 'MoonClerkApiError',
      status: 0,
      retryable: true,
      message: expect.stringMatching(/gave up after 1 attempt in \d+ ms/),
    })
  })

  test('payment_succeeded comes with a payment; unknown event strings are decided from the object', async () => {
    expect(parseWebhook(body({ event: 'payment_succeeded' }))).toMatchObject({
      event: 'payment_succeeded',
      kind: 'payment',
      object: 'payment',
    })
    // Inferred pairings are not enforced: a 400 for MoonClerk's own webhook would get the endpoint switched off.
    expect(parseWebhook(body({ event: 'payment_succeeded', object: 'customer' }))).toMatchObject({ kind: 'plan' })
    expect(parseWebhook(body({ event: 'plan_payment_failed', object: 'payment' }))).toMatchObject({ kind: 'payment' })
    expect(() => parseWebhook(body({ event: 'payment_created', object: 'customer' }))).toThrow(
      '"payment_created" comes with a payment, not a customer',
    )
    expect(parseWebhook(body({ event: 'plan_renewed', object: 'customer' }))).toMatchObject({
      kind: 'plan',
      object: 'customer',
    })
    expect(parseWebhook(body({ event: 'payment_disputed' }))).toMatchObject({ kind: 'payment', object: 'payment' })
    const hook = await verifyWebhook(
      body({ event: 'payment_succeeded' }),
      api({ id: 5, custom_id: 'u1', status: 'successful', amount: 1000 }),
    )
    expect(hook).toMatchObject({ event: 'payment_succeeded', kind: 'payment', id: 5 })
    expect(server.isPaid(hook)).toBe(true)
  })

  test("a body without a cid agrees with MoonClerk's record without one", async () => {
    const hook = await verifyWebhook(body({ data: { id: 5 } }), api({ id: 5, status: 'successful' }))
    expect(hook).toMatchObject({ id: 5, customId: null })
  })
})
