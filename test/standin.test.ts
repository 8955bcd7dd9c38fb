// @vitest-environment node
// The MoonClerk stand-in's server side (demo/standin.mjs): its read-only REST API and its webhooks,
// as MoonClerk documents them. Records are made the documented way, by paying through the hosted
// checkout over HTTP; a tiny local server receives the webhooks.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

interface Delivery {
  id: number
  url: string
  event: string
  object: string
  dataId: number
  attempts: number
  responses: Array<number | string>
  state: 'pending' | 'delivered' | 'failed' | 'skipped'
  status: number | null
}
interface StandIn {
  origin: string
  records: { webhooks: Delivery[]; disabledWebhookEndpoints: string[] }
  close(): Promise<void>
}
interface StandInOptions {
  siteOrigin?: string
  apiKey?: string
  webhookRetryMs?: number
  webhookUrl?: string
}
// The stand-in is plain JavaScript without declarations: imported by URL, typed here.
const standInModule: string = new URL('../demo/standin.mjs', import.meta.url).href
type Json = any

const API_KEY = 'test-key-7f3a'
const GOOD_HEADERS = { Authorization: `Token token=${API_KEY}`, Accept: 'application/vnd.moonclerk+json;version=1' }
// Form ids and tokens from demo/forms.json.
const ONE_TIME = { token: '8h7frjfytj', id: 234101 }
const PLAN = { token: 'k2m9q4zr7x', id: 234102 }
const PAGED = { token: 'e2eonetime', id: 234105 }

let standIn: StandIn
let hookServer: http.Server
let hookOrigin = ''
// What the receiving server got, by path; `/down…` paths always answer 503, others follow `script`.
const hits: Record<string, Array<{ headers: http.IncomingHttpHeaders; body: Json }>> = {}
const script: Record<string, number[]> = {}
const hitsOf = (path: string) => hits[path] ?? []

beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? '/'
      ;(hits[path] ??= []).push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
      res.statusCode = path.startsWith('/down') ? 503 : (script[path]?.shift() ?? 200)
      res.end()
    })
  })
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve))
  hookOrigin = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}`
  const { startStandIn } = (await import(standInModule)) as { startStandIn(options: StandInOptions): Promise<StandIn> }
  standIn = await startStandIn({ siteOrigin: 'http://127.0.0.1:1', apiKey: API_KEY, webhookRetryMs: 5, webhookUrl: `${hookOrigin}/auto` })
})

afterAll(async () => {
  await standIn?.close()
  hookServer?.closeAllConnections()
  await new Promise((resolve) => hookServer?.close(resolve))
})

/** Pays through the hosted checkout as a browser form would; returns the redirect's query. */
async function pay(token: string, fields: Record<string, string>): Promise<URLSearchParams> {
  const response = await fetch(`${standIn.origin}/pay/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
  expect(response.status).toBe(303)
  return new URL(response.headers.get('location')!).searchParams
}

async function api(path: string, headers: Record<string, string> = GOOD_HEADERS): Promise<{ status: number; type: string | null; body: Json }> {
  const response = await fetch(standIn.origin + path, { headers })
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() }
}

async function control(path: string, json: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(standIn.origin + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) })
  return { status: response.status, body: await response.json() }
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

const delivery = (id: number) => standIn.records.webhooks.find((d) => d.id === id)!

describe('REST API', () => {
  test('a one-time checkout is a payment whose custom_id and checkout.token match the redirect', async () => {
    const back = await pay(ONE_TIME.token, { cid: 'user-42', name: 'Leon Bridges', email: 'leon@example.com' })
    const id = back.get('payment_id')!
    expect(back.get('custom_id')).toBe('user-42')
    expect(back.get('checkout_token')).toMatch(/^[A-Za-z0-9]{24}$/)

    const { status, type, body } = await api(`/payments/${id}`)
    expect(status).toBe(200)
    expect(type).toMatch(/^application\/json/)
    expect(Object.keys(body)).toEqual(['payment'])
    expect(body.payment).toMatchObject({
      id: Number(id),
      status: 'successful',
      currency: 'USD',
      amount: 1000,
      amount_refunded: 0,
      name: 'Leon Bridges',
      email: 'leon@example.com',
      custom_id: 'user-42',
      customer_id: null,
      form_id: ONE_TIME.id,
      checkout: { token: back.get('checkout_token') },
    })
    expect(body.payment.fee).toBe(59) // Stripe's 2.9% + 30¢ of $10, as in MoonClerk's example.
    expect(body.payment.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(Math.abs(Date.parse(body.payment.date) - Date.now())).toBeLessThan(60_000)

    const list = await api('/payments')
    expect(Object.keys(list.body)).toEqual(['payments'])
    expect(list.body.payments[0]).toEqual(body.payment) // Newest first.
  })

  test('a recurring checkout is a customer (the plan) plus its first payment, tied by customer_id', async () => {
    const back = await pay(PLAN.token, { cid: 'member-7', name: 'Ada', email: 'ada@example.com' })
    const customerId = Number(back.get('customer_id'))

    const { status, body } = await api(`/customers/${customerId}`)
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['customer'])
    expect(body.customer).toMatchObject({
      id: customerId,
      name: 'Ada',
      email: 'ada@example.com',
      custom_id: 'member-7',
      form_id: PLAN.id,
      status: 'active',
      checkout: { token: back.get('checkout_token'), amount_due: 1500 },
      subscription: { status: 'active', plan: { amount: 1500, currency: 'USD', interval: 'month' } },
    })

    const payments = await api(`/payments?customer_id=${customerId}`)
    expect(payments.body.payments).toHaveLength(1)
    expect(payments.body.payments[0]).toMatchObject({ customer_id: customerId, custom_id: 'member-7', amount: 1500, form_id: PLAN.id })
    expect(payments.body.payments[0].id).not.toBe(customerId)
    // The checkout token is on the plan's customer; its payments come from invoices (moonclerk-facts.md).
    expect(payments.body.payments[0].checkout).toBeNull()

    const customers = await api('/customers')
    expect(Object.keys(customers.body)).toEqual(['customers'])
    expect(customers.body.customers[0]).toEqual(body.customer)
  })

  test('GET /forms lists the forms with their ids and checkout tokens', async () => {
    const { status, body } = await api('/forms?count=100')
    expect(status).toBe(200)
    expect(body.forms).toHaveLength(10) // demo/forms.json
    const form = body.forms.find((f: Json) => f.id === ONE_TIME.id)
    expect(form).toMatchObject({ title: 'My Payment Form', access_token: ONE_TIME.token, currency: 'USD' })
    expect(form.successful_checkout_count).toBeGreaterThanOrEqual(1)
    expect((await api(`/forms/${PLAN.id}`)).body.form).toMatchObject({ id: PLAN.id, access_token: PLAN.token })
  })

  test('lists: 10 rows by default, count and offset page them, newest first; count outside 1–100 is a 400', async () => {
    const made: number[] = []
    for (let i = 0; i < 12; i++) made.push(Number((await pay(PAGED.token, { cid: `p${i}`, name: 'P', email: 'p@example.com' })).get('payment_id')))
    const newestFirst = [...made].reverse()

    const first = await api(`/payments?form_id=${PAGED.id}`)
    expect(first.body.payments.map((p: Json) => p.id)).toEqual(newestFirst.slice(0, 10))
    const rest = await api(`/payments?form_id=${PAGED.id}&count=5&offset=10`)
    expect(rest.body.payments.map((p: Json) => p.id)).toEqual(newestFirst.slice(10))
    const all = await api(`/payments?form_id=${PAGED.id}&count=100`)
    expect(all.body.payments).toHaveLength(12)
    expect((await api(`/payments?form_id=${PAGED.id}&count=1&offset=3`)).body.payments.map((p: Json) => p.id)).toEqual([newestFirst[3]])

    for (const bad of ['count=0', 'count=101', 'count=ten', 'offset=-1']) {
      const answer = await api(`/payments?${bad}`)
      expect(answer.status, bad).toBe(400)
      expect(answer.body.error, bad).toEqual(expect.any(String))
    }
    expect((await api('/payments?count=100')).status).toBe(200)
    expect((await api('/payments?count=1')).body.payments).toHaveLength(1)
  })

  test('payment filters: date_from/date_to are whole UTC days, status, form_id; combined', async () => {
    const formId = 880001
    const seeded: Record<string, number> = {}
    const dates = {
      before: '2014-04-08T23:59:59Z',
      dayStart: '2014-04-09T00:00:00Z',
      dayEnd: '2014-04-09T23:59:59Z',
      after: '2014-04-10T00:00:00Z',
    }
    for (const [name, date] of Object.entries(dates)) {
      const { status, body } = await control('/__standin/seed', { payment: { date, form_id: formId, custom_id: name } })
      expect(status).toBe(201)
      expect(body.payment).toMatchObject({ date, form_id: formId, custom_id: name, status: 'successful', currency: 'USD' })
      seeded[name] = body.payment.id
    }
    const refunded = await control('/__standin/seed', { payment: { date: dates.dayEnd, form_id: formId, status: 'refunded', amount_refunded: 1000 } })
    const ids = async (query: string) => (await api(`/payments?form_id=${formId}&${query}`)).body.payments.map((p: Json) => p.id)

    expect(await ids('date_from=2014-04-09&date_to=2014-04-09&status=successful')).toEqual([seeded.dayEnd, seeded.dayStart])
    expect(await ids('date_from=2014-04-09&status=successful')).toEqual([seeded.after, seeded.dayEnd, seeded.dayStart])
    expect(await ids('date_to=2014-04-08')).toEqual([seeded.before])
    expect(await ids('status=refunded')).toEqual([refunded.body.payment.id])

    // A payment made now falls within its own UTC day (read back, so midnight cannot flake this).
    const paidId = Number((await pay(ONE_TIME.token, { cid: 'today', name: 'T', email: 't@example.com' })).get('payment_id'))
    const day = (await api(`/payments/${paidId}`)).body.payment.date.slice(0, 10)
    expect(Math.abs(Date.parse(day) - Date.now())).toBeLessThan(2 * 24 * 60 * 60 * 1000)
    const sameDay = (await api(`/payments?form_id=${ONE_TIME.id}&date_from=${day}&date_to=${day}&count=100`)).body.payments
    expect(sameDay.map((p: Json) => p.id)).toContain(paidId)
    expect((await api(`/payments?form_id=${ONE_TIME.id}&date_to=2014-04-10`)).body.payments).toEqual([])

    for (const bad of ['date_from=2014-4-9', 'date_to=2014-02-30', 'customer_id=abc']) expect((await api(`/payments?${bad}`)).status, bad).toBe(400)
  })

  test('the seed refuses an id already taken', async () => {
    const first = await control('/__standin/seed', { customer: { custom_id: 'seeded', form_id: PLAN.id } })
    expect(first.status).toBe(201)
    expect(first.body.customer).toMatchObject({ custom_id: 'seeded', subscription: { status: 'active' } })
    expect((await api(`/customers/${first.body.customer.id}`)).body.customer).toEqual(first.body.customer)
    expect((await control('/__standin/seed', { customer: { id: first.body.customer.id } })).status).toBe(400)
  })

  test('no key or a wrong key is a 401 with a JSON error; the key may be quoted', async () => {
    for (const authorization of [undefined, 'Token token=wrong', `Bearer ${API_KEY}`, `Token token=${API_KEY}x`]) {
      const headers: Record<string, string> = { Accept: GOOD_HEADERS.Accept }
      if (authorization) headers.Authorization = authorization
      const answer = await api('/payments', headers)
      expect(answer.status, authorization).toBe(401)
      expect(answer.type).toMatch(/^application\/json/)
      expect(answer.body.error).toEqual(expect.any(String))
    }
    expect((await api('/customers/1', { ...GOOD_HEADERS, Authorization: 'Token token=wrong' })).status).toBe(401)
    expect((await api('/forms', { ...GOOD_HEADERS, Authorization: `Token token="${API_KEY}"` })).status).toBe(200)
  })

  test('no Accept header, or not the versioned MoonClerk type, is a 406', async () => {
    const auth = { Authorization: GOOD_HEADERS.Authorization }
    for (const accept of [undefined, 'application/json', 'application/vnd.moonclerk+json', 'application/vnd.moonclerk+json;version=2']) {
      const answer = await api('/payments', accept ? { ...auth, Accept: accept } : auth)
      expect(answer.status, accept).toBe(406)
      expect(answer.body.error).toEqual(expect.any(String))
    }
    expect((await api('/payments', { ...auth, Accept: 'text/html, application/vnd.moonclerk+json; version=1' })).status).toBe(200)
  })

  test('an unknown id is a 404 with a JSON error', async () => {
    for (const path of ['/payments/99999999', '/customers/99999999', '/forms/99999999', '/payments/abc']) {
      const answer = await api(path)
      expect(answer.status, path).toBe(404)
      expect(answer.body.error).toEqual(expect.any(String))
    }
  })

  test('the fault switch makes the next N calls fail, so a client can retry through them', async () => {
    expect((await control('/__standin/api-faults', { status: 503, times: 2 })).status).toBe(200)
    const statuses: number[] = []
    // A caller that retries 5xx, as MoonClerk asks.
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await api('/payments?count=1')
      statuses.push(answer.status)
      if (answer.status < 500) break
    }
    expect(statuses).toEqual([503, 503, 200])
    expect((await control('/__standin/api-faults', { status: 200 })).status).toBe(400)
  })
})

describe('webhooks', () => {
  test('payment_created POSTs { event, object, data } with the API payment as data', async () => {
    const back = await pay(ONE_TIME.token, { cid: 'hook-1', name: 'H', email: 'h@example.com' })
    const id = Number(back.get('payment_id'))
    const sent = await control('/__standin/webhooks', { url: `${hookOrigin}/ok`, event: 'payment_created', id })
    expect(sent.status).toBe(202)
    await waitFor(() => hitsOf('/ok').length === 1, 'the webhook')

    const [hit] = hitsOf('/ok')
    expect(hit.headers['content-type']).toBe('application/json')
    expect(hit.body).toEqual({ event: 'payment_created', object: 'payment', data: (await api(`/payments/${id}`)).body.payment })
    expect(hit.body.data).toMatchObject({ id, custom_id: 'hook-1', checkout: { token: back.get('checkout_token') } })
    await waitFor(() => delivery(sent.body.delivery.id).state === 'delivered', 'the delivery record')
    expect(delivery(sent.body.delivery.id)).toMatchObject({ attempts: 1, responses: [200], status: 200 })
  })

  test('plan_ended sends the customer, ended, and the API agrees', async () => {
    const customerId = Number((await pay(PLAN.token, { cid: 'hook-2', name: 'H', email: 'h@example.com' })).get('customer_id'))
    expect((await control('/__standin/webhooks', { url: `${hookOrigin}/ended`, event: 'plan_ended', id: customerId })).status).toBe(202)
    await waitFor(() => hitsOf('/ended').length === 1, 'the webhook')

    const { body } = hitsOf('/ended')[0]
    expect(body).toMatchObject({ event: 'plan_ended', object: 'customer', data: { id: customerId, custom_id: 'hook-2' } })
    expect(body.data.subscription).toMatchObject({ status: 'canceled', ended_at: expect.any(String) })
    expect(body.data).toEqual((await api(`/customers/${customerId}`)).body.customer)
  })

  test('the pay flow delivers plan_created and payment_created to webhookUrl by itself', async () => {
    const customerId = Number((await pay(PLAN.token, { cid: 'auto-1', name: 'A', email: 'a@example.com' })).get('customer_id'))
    const mine = () => hitsOf('/auto').filter((hit) => hit.body.data.custom_id === 'auto-1')
    await waitFor(() => mine().length === 2, 'both webhooks')
    const byEvent = Object.fromEntries(mine().map((hit) => [hit.body.event, hit.body]))
    expect(byEvent.plan_created).toMatchObject({ object: 'customer', data: { id: customerId } })
    expect(byEvent.payment_created).toMatchObject({ object: 'payment', data: { customer_id: customerId, amount: 1500 } })
  })

  test('anything but 200–204 is retried, with the same payload, until it succeeds', async () => {
    script['/flaky'] = [500, 205, 302]
    const id = Number((await pay(ONE_TIME.token, { cid: 'hook-3', name: 'H', email: 'h@example.com' })).get('payment_id'))
    const sent = await control('/__standin/webhooks', { url: `${hookOrigin}/flaky`, event: 'payment_created', id })
    await waitFor(() => delivery(sent.body.delivery.id).state !== 'pending', 'the delivery')

    expect(delivery(sent.body.delivery.id)).toMatchObject({ state: 'delivered', attempts: 4, responses: [500, 205, 302, 200], status: 200 })
    expect(hitsOf('/flaky')).toHaveLength(4)
    for (const hit of hitsOf('/flaky')) expect(hit.body).toEqual(hitsOf('/flaky')[0].body)
    expect(standIn.records.disabledWebhookEndpoints).not.toContain(`${hookOrigin}/flaky`)
  })

  test('after 10 failed attempts the endpoint is disabled, and later events to it are skipped', async () => {
    const id = Number((await pay(ONE_TIME.token, { cid: 'hook-4', name: 'H', email: 'h@example.com' })).get('payment_id'))
    const url = `${hookOrigin}/down`
    const sent = await control('/__standin/webhooks', { url, event: 'payment_created', id })
    await waitFor(() => delivery(sent.body.delivery.id).state !== 'pending', 'the delivery')

    expect(delivery(sent.body.delivery.id)).toMatchObject({ state: 'failed', attempts: 10, status: 503 })
    expect(hitsOf('/down')).toHaveLength(10)
    expect(standIn.records.disabledWebhookEndpoints).toContain(url)

    const again = await control('/__standin/webhooks', { url, event: 'payment_created', id })
    expect(again.body.delivery.state).toBe('skipped')
    // Retries here come 5 ms apart: 100 ms is ample time for one to arrive if any were made.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(hitsOf('/down')).toHaveLength(10)
  })

  test('a bad event, url or id is refused', async () => {
    const id = Number((await pay(ONE_TIME.token, { cid: 'hook-5', name: 'H', email: 'h@example.com' })).get('payment_id'))
    expect((await control('/__standin/webhooks', { url: `${hookOrigin}/x`, event: 'payment_refunded', id })).status).toBe(400)
    expect((await control('/__standin/webhooks', { url: 'ftp://127.0.0.1/x', event: 'payment_created', id })).status).toBe(400)
    expect((await control('/__standin/webhooks', { url: `${hookOrigin}/x`, event: 'payment_created', id: 99999999 })).status).toBe(404)
    // A payment id is no customer.
    expect((await control('/__standin/webhooks', { url: `${hookOrigin}/x`, event: 'plan_created', id })).status).toBe(404)
    expect(hitsOf('/x')).toHaveLength(0)
  })
})
