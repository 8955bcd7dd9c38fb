// @vitest-environment node
// The stand-in's test controls (harness/standin/controls.mjs), /__standin/*: a reset that brings back a
// fresh start completely, the API fault switch, seeding, and webhooks on demand (their delivery:
// standin-webhooks.test.ts). Over HTTP, plus the request parsing as pure functions.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import * as harness from './standin-harness'
import { type Json, ONE_TIME, PLAN, type StandIn, standInModule } from './standin-harness'

const controls = await standInModule('controls.mjs')
const { controlRoutes, parseApiFault, parseSeed, parseWebhookDrops, parseWebhookRequest, seedId } = controls
const { createStore } = await standInModule('store.mjs')

let standIn: StandIn
let hooks: Awaited<ReturnType<typeof harness.startHookServer>>
beforeAll(async () => {
  hooks = await harness.startHookServer()
  standIn = await harness.startStandIn({ webhookRetryMs: 1 })
})
afterAll(async () => {
  await standIn?.close()
  await hooks?.close()
})

const pay = (token: string, fields: Record<string, string>) => harness.pay(standIn, token, fields)
const api = (path: string) => harness.api(standIn, path)
const control = (path: string, json?: unknown) => harness.control(standIn, path, json)
const records = async () => (await fetch(`${standIn.origin}/__standin/records`)).json()

/** Pays an unknown token: its generic form takes a payment, and so an API id and a place in GET /forms. */
async function payStray(token: string) {
  const response = await fetch(`${standIn.origin}/pay/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'name=S&email=s%40example.com&amount=3',
  })
  expect(response.status).toBe(200)
  return Number(/data-field="payment_id">(\d+)</.exec(await response.text())![1])
}

describe('POST /__standin/reset', () => {
  test('brings back a fresh start: records, id series, paid generic forms, API faults, disabled endpoints', async () => {
    const fresh = await records()
    const firstPayment = Number(
      (await pay(ONE_TIME.token, { cid: 'r1', name: 'R', email: 'r@example.com' })).get('payment_id'),
    )
    const firstPlan = Number(
      (await pay(PLAN.token, { cid: 'r2', name: 'R', email: 'r@example.com' })).get('customer_id'),
    )
    await payStray('resetstray')
    const strayForm = (await api('/forms?count=100')).body.forms.find(
      (form: Json) => form.access_token === 'resetstray',
    )
    expect(strayForm).toBeDefined()
    await fetch(`${standIn.origin}/assets/embed.js`)
    const down = `${hooks.origin}/down`
    const sent = await control('/__standin/webhooks', { url: down, event: 'payment_created', id: firstPayment })
    await vi.waitFor(
      () => expect(standIn.records.webhooks.find((d) => d.id === sent.body.delivery.id)?.state).toBe('failed'),
      { interval: 5 },
    )
    expect((await control('/__standin/api-faults', { status: 503, times: 5 })).status).toBe(200)
    expect((await control('/__standin/webhook-drops', { times: 5, payments: 5 })).status).toBe(200)

    expect(await control('/__standin/reset')).toEqual({ status: 204, body: null })

    expect(await records()).toEqual(fresh)
    expect((await api('/payments')).status).toBe(200) // The faults are gone.
    expect((await api('/forms?count=100')).body.forms.map((form: Json) => form.access_token)).not.toContain(
      'resetstray',
    )
    // The id series start again from their first ids.
    expect(
      Number((await pay(ONE_TIME.token, { cid: 'r3', name: 'R', email: 'r@example.com' })).get('payment_id')),
    ).toBe(firstPayment)
    expect(Number((await pay(PLAN.token, { cid: 'r4', name: 'R', email: 'r@example.com' })).get('customer_id'))).toBe(
      firstPlan,
    )
    const again = await control('/__standin/webhooks', { url: down, event: 'payment_created', id: firstPayment })
    // Neither skipped (no longer disabled) nor dropped (the drops are gone).
    expect(again.body.delivery).toMatchObject({ id: sent.body.delivery.id, state: 'pending' })
    // A generic form paid again is numbered afresh, and listed again only now.
    await payStray('resetstray')
    expect(
      (await api('/forms?count=100')).body.forms.find((form: Json) => form.access_token === 'resetstray'),
    ).toMatchObject({ id: strayForm.id })
  })

  test('stops the webhook deliveries in flight before it resets the store', () => {
    const calls: string[] = []
    const store = createStore()
    store.takeId('payment')
    const reset = store.reset
    store.reset = () => void (calls.push('store.reset'), reset())
    const ctx = { store, webhooks: { cancelAll: () => calls.push('webhooks.cancelAll') } }
    const res = { writeHead: vi.fn(), end: vi.fn() }
    controlRoutes['POST /__standin/reset'](ctx, {}, res)
    expect(calls).toEqual(['webhooks.cancelAll', 'store.reset'])
    expect(store.nextId.payment).toBe(100001)
    expect(res.writeHead).toHaveBeenCalledWith(204, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' })
  })
})

describe('the other controls', () => {
  test('GET /__standin/records shows the records as JSON', async () => {
    const response = await fetch(`${standIn.origin}/__standin/records`)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(Object.keys(await response.json())).toEqual([
      'embedRequests',
      'payQueries',
      'payments',
      'api',
      'webhooks',
      'disabledWebhookEndpoints',
    ])
  })

  test('api-faults answers the fault it set; times: 0 clears it; a body that is not an object is a 400', async () => {
    expect(await control('/__standin/api-faults', { status: 502 })).toEqual({
      status: 200,
      body: { status: 502, times: 1 },
    })
    expect(await control('/__standin/api-faults', { status: 502, times: 0 })).toEqual({
      status: 200,
      body: { status: 502, times: 0 },
    })
    expect((await api('/payments')).status).toBe(200)
    const notObject = await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: '[1]' })
    expect(notObject.status).toBe(400)
    expect(await notObject.json()).toEqual({ error: 'stand-in: send a JSON object' })
    const tooBig = await fetch(`${standIn.origin}/__standin/seed`, {
      method: 'POST',
      body: JSON.stringify({ payment: { name: 'x'.repeat(20_000) } }),
    })
    expect(tooBig.status).toBe(413)
  })

  test('seed: given fields replace the defaults, a partial checkout is completed, a plan payment keeps its customer', async () => {
    const customer = await control('/__standin/seed', { customer: { name: 'C', checkout: { token: 'TOK' } } })
    expect(customer.status).toBe(201)
    expect(customer.body.customer).toMatchObject({
      name: 'C',
      checkout: { token: 'TOK', amount_due: 1000 },
      management_url: expect.stringMatching(`^${standIn.origin}/manage/`),
    })
    const payment = await control('/__standin/seed', {
      payment: { customer_id: customer.body.customer.id, amount: 2500, status: 'failed' },
    })
    expect(payment.body.payment).toMatchObject({
      customer_id: customer.body.customer.id,
      customer_reference: customer.body.customer.customer_reference,
      amount: 2500,
      fee: 103,
      status: 'failed',
      checkout: null,
    })
    expect((await control('/__standin/seed', { payment: { id: -1 } })).body).toEqual({
      error: 'stand-in: "id" must be a positive integer',
    })
  })
})

describe('request parsing, without a server', () => {
  test('parseApiFault: a status 400–599 and a count, times defaulting to 1', () => {
    expect(parseApiFault({ status: 503 })).toEqual({ status: 503, times: 1 })
    expect(parseApiFault({ status: 400, times: 0 })).toEqual({ status: 400, times: 0 })
    for (const bad of [
      {},
      { status: 200 },
      { status: 600 },
      { status: '503' },
      { status: 503, times: -1 },
      { status: 503, times: 1.5 },
    ])
      expect(parseApiFault(bad), JSON.stringify(bad)).toBeNull()
  })

  test('parseSeed: a payment or a customer object, with a date that parses', () => {
    expect(parseSeed({ payment: { id: 3 } })).toEqual({ kind: 'payment', given: { id: 3 } })
    expect(parseSeed({ customer: {} })).toEqual({ kind: 'customer', given: {} })
    for (const bad of [{}, { payment: [] }, { payment: 'x' }, { payment: null, customer: null }])
      expect(parseSeed(bad).error, JSON.stringify(bad)).toMatch(/send/)
    expect(parseSeed({ payment: { date: 'soon' } }).error).toMatch(/"date"/)
  })

  test('seedId: a new given id, or the next of the series; taken or invalid ids are refused', () => {
    const store = createStore()
    expect(seedId(store, undefined, [], 'payment')).toBe(100001)
    expect(seedId(store, undefined, [], 'payment')).toBe(100002)
    expect(seedId(store, 7, [{ id: 8 }], 'payment')).toBe(7)
    expect(seedId(store, 7, [{ id: 7 }], 'payment')).toBe('is already taken')
    for (const bad of [0, -1, 1.5, '7', Number.MAX_SAFE_INTEGER + 2])
      expect(seedId(store, bad, [], 'payment'), String(bad)).toBe('must be a positive integer')
  })

  test('parseWebhookDrops: times, payments or both, counts from 0; a key left out is 0; anything else is null', () => {
    expect(parseWebhookDrops({ times: 3 })).toEqual({ times: 3, payments: 0 })
    expect(parseWebhookDrops({ payments: 3 })).toEqual({ times: 0, payments: 3 })
    expect(parseWebhookDrops({ times: 0, payments: 2 })).toEqual({ times: 0, payments: 2 })
    const bad: Json[] = [{}, { times: -1 }, { times: 2.5 }, { payments: '1' }, { times: 1, payment: 1 }, { drop: true }]
    for (const body of bad) expect(parseWebhookDrops(body), JSON.stringify(body)).toBeNull()
  })

  test('parseWebhookRequest: an http(s) URL and a documented topic', () => {
    const parsed = parseWebhookRequest({ url: 'https://hooks.example/x', event: 'plan_ended' })
    expect(parsed.object).toBe('customer')
    expect(parsed.target.href).toBe('https://hooks.example/x')
    expect(parseWebhookRequest({ url: 'ftp://hooks.example/x', event: 'plan_ended' }).error).toMatch(/"url"/)
    expect(parseWebhookRequest({ url: 'not a url', event: 'plan_ended' }).error).toMatch(/"url"/)
    expect(parseWebhookRequest({ url: 'http://hooks.example/x', event: 'toString' }).error).toMatch(
      /"event" must be one of payment_created/,
    )
    expect(parseWebhookRequest({ url: 'http://hooks.example/x', event: 'payment_succeeded' }).object).toBe('payment')
  })
})
