// @vitest-environment node
// The stand-in's webhook sender (harness/standin/webhooks.mjs): first over real HTTP, from the pay flow
// and from POST /__standin/webhooks to a tiny local receiver; then the sender alone, with a fake
// post and a fake clock, so retries, disabling and cancelling are checked without waiting.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import * as harness from './standin-harness'
import { type Delivery, type Json, ONE_TIME, PLAN, type StandIn, standInModule } from './standin-harness'

const webhooksModule = await standInModule('webhooks.mjs')
const { applyPlanEvent, checkoutEvents, createWebhookSender, postWebhook, subscribedTopics, takeDrop } = webhooksModule
const { WEBHOOK_ATTEMPTS, WEBHOOK_EVENTS } = webhooksModule
const { createStore } = await standInModule('store.mjs')

let standIn: StandIn
let hooks: Awaited<ReturnType<typeof harness.startHookServer>>
let hookOrigin = ''
let hitsOf: (path: string) => Array<{ headers: Record<string, unknown>; body: Json }>
let script: Record<string, number[]>

beforeAll(async () => {
  hooks = await harness.startHookServer()
  ;({ origin: hookOrigin, hitsOf, script } = hooks)
  standIn = await harness.startStandIn({ webhookRetryMs: 5, webhookUrl: `${hookOrigin}/auto` })
})
afterAll(async () => {
  await standIn?.close()
  await hooks?.close()
})

const pay = (token: string, fields: Record<string, string>) => harness.pay(standIn, token, fields)
const api = (path: string) => harness.api(standIn, path)
const control = (path: string, json: unknown) => harness.control(standIn, path, json)
const delivery = (id: number) => standIn.records.webhooks.find((d) => d.id === id)!
/** Waits for a signal the stand-in gives (a hit, a delivery's state), checking every few ms. */
const waitFor = (check: () => boolean, what: string) =>
  vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting for ${what}`)
    },
    { timeout: 2000, interval: 5 },
  )

describe('webhooks', () => {
  test('payment_created POSTs { event, object, data } with the API payment as data', async () => {
    const back = await pay(ONE_TIME.token, { cid: 'hook-1', name: 'H', email: 'h@example.com' })
    const id = Number(back.get('payment_id'))
    const sent = await control('/__standin/webhooks', { url: `${hookOrigin}/ok`, event: 'payment_created', id })
    expect(sent.status).toBe(202)
    await waitFor(() => hitsOf('/ok').length === 1, 'the webhook')

    const [hit] = hitsOf('/ok')
    expect(hit.headers['content-type']).toBe('application/json')
    expect(hit.body).toEqual({
      event: 'payment_created',
      object: 'payment',
      data: (await api(`/payments/${id}`)).body.payment,
    })
    expect(hit.body.data).toMatchObject({ id, custom_id: 'hook-1', checkout: { token: back.get('checkout_token') } })
    await waitFor(() => delivery(sent.body.delivery.id).state === 'delivered', 'the delivery record')
    expect(delivery(sent.body.delivery.id)).toMatchObject({ attempts: 1, responses: [200], status: 200 })
  })

  test('plan_ended sends the customer, ended, and the API agrees', async () => {
    const customerId = Number(
      (await pay(PLAN.token, { cid: 'hook-2', name: 'H', email: 'h@example.com' })).get('customer_id'),
    )
    expect(
      (await control('/__standin/webhooks', { url: `${hookOrigin}/ended`, event: 'plan_ended', id: customerId }))
        .status,
    ).toBe(202)
    await waitFor(() => hitsOf('/ended').length === 1, 'the webhook')

    const { body } = hitsOf('/ended')[0]
    expect(body).toMatchObject({
      event: 'plan_ended',
      object: 'customer',
      data: { id: customerId, custom_id: 'hook-2' },
    })
    expect(body.data.subscription).toMatchObject({ status: 'canceled', ended_at: expect.any(String) })
    expect(body.data).toEqual((await api(`/customers/${customerId}`)).body.customer)
  })

  test('the pay flow delivers plan_created, payment_created, payment_succeeded to webhookUrl by itself', async () => {
    const customerId = Number(
      (await pay(PLAN.token, { cid: 'auto-1', name: 'A', email: 'a@example.com' })).get('customer_id'),
    )
    // The deliveries are recorded before the checkout answers; their posts follow.
    const made = standIn.records.webhooks.filter((d) => d.url === `${hookOrigin}/auto`).slice(-3)
    expect(made.map((d) => d.event)).toEqual(['plan_created', 'payment_created', 'payment_succeeded'])
    const mine = () => hitsOf('/auto').filter((hit) => hit.body.data.custom_id === 'auto-1')
    await waitFor(() => mine().length === 3, 'the three webhooks')
    const byEvent = Object.fromEntries(mine().map((hit) => [hit.body.event, hit.body]))
    expect(byEvent.plan_created).toMatchObject({ object: 'customer', data: { id: customerId } })
    expect(byEvent.payment_created).toMatchObject({
      object: 'payment',
      data: { customer_id: customerId, amount: 1500 },
    })
    expect(byEvent.payment_succeeded).toEqual({ ...byEvent.payment_created, event: 'payment_succeeded' })
    // Each payload's data is the record as the API has it.
    expect(byEvent.plan_created.data).toEqual((await api(`/customers/${customerId}`)).body.customer)
    const [planPayment] = (await api(`/payments?customer_id=${customerId}`)).body.payments
    expect(byEvent.payment_succeeded.data).toEqual(planPayment)
    expect(byEvent.payment_succeeded.data).toEqual((await api(`/payments/${planPayment.id}`)).body.payment)
  })

  test('a one-time checkout sends payment_created, then payment_succeeded with the API payment as data', async () => {
    const back = await pay(ONE_TIME.token, { cid: 'auto-2', name: 'A', email: 'a@example.com' })
    const id = Number(back.get('payment_id'))
    const made = standIn.records.webhooks.filter((d) => d.dataId === id)
    expect(made.map((d) => [d.event, d.object, d.url])).toEqual([
      ['payment_created', 'payment', `${hookOrigin}/auto`],
      ['payment_succeeded', 'payment', `${hookOrigin}/auto`],
    ])
    const mine = () => hitsOf('/auto').filter((hit) => hit.body.data.id === id)
    await waitFor(() => mine().length === 2, 'both webhooks')
    const succeeded = mine().find((hit) => hit.body.event === 'payment_succeeded')!
    expect(Object.keys(succeeded.body)).toEqual(['event', 'object', 'data'])
    const { payment } = (await api(`/payments/${id}`)).body
    expect(succeeded.body).toEqual({ event: 'payment_succeeded', object: 'payment', data: payment })
    expect(succeeded.body.data).toMatchObject({ status: 'successful', custom_id: 'auto-2' })
  })

  test('POST /__standin/webhooks sends payment_succeeded on demand, as asked even for a failed payment', async () => {
    const seeded = await control('/__standin/seed', { payment: { custom_id: 'hook-6', status: 'failed' } })
    const failed = seeded.body.payment
    const url = `${hookOrigin}/succeeded`
    const sent = await control('/__standin/webhooks', { url, event: 'payment_succeeded', id: failed.id })
    expect(sent.status).toBe(202)
    expect(sent.body.delivery).toMatchObject({ event: 'payment_succeeded', object: 'payment', dataId: failed.id })
    await waitFor(() => hitsOf('/succeeded').length === 1, 'the webhook')
    expect(hitsOf('/succeeded')[0].body).toEqual({ event: 'payment_succeeded', object: 'payment', data: failed })
    const noPayment = await control('/__standin/webhooks', { url, event: 'payment_succeeded', id: 500001 })
    expect(noPayment.status).toBe(404)
  })

  test('anything but 200–204 is retried, with the same payload, until it succeeds', async () => {
    script['/flaky'] = [500, 205, 302]
    const id = Number(
      (await pay(ONE_TIME.token, { cid: 'hook-3', name: 'H', email: 'h@example.com' })).get('payment_id'),
    )
    const sent = await control('/__standin/webhooks', { url: `${hookOrigin}/flaky`, event: 'payment_created', id })
    await waitFor(() => delivery(sent.body.delivery.id).state !== 'pending', 'the delivery')

    expect(delivery(sent.body.delivery.id)).toMatchObject({
      state: 'delivered',
      attempts: 4,
      responses: [500, 205, 302, 200],
      status: 200,
    })
    expect(hitsOf('/flaky')).toHaveLength(4)
    for (const hit of hitsOf('/flaky')) expect(hit.body).toEqual(hitsOf('/flaky')[0].body)
    expect(standIn.records.disabledWebhookEndpoints).not.toContain(`${hookOrigin}/flaky`)
  })

  test('after 10 failed attempts the endpoint is disabled, and later events to it are skipped', async () => {
    const id = Number(
      (await pay(ONE_TIME.token, { cid: 'hook-4', name: 'H', email: 'h@example.com' })).get('payment_id'),
    )
    const url = `${hookOrigin}/down`
    const sent = await control('/__standin/webhooks', { url, event: 'payment_created', id })
    await waitFor(() => delivery(sent.body.delivery.id).state !== 'pending', 'the delivery')

    expect(delivery(sent.body.delivery.id)).toMatchObject({ state: 'failed', attempts: 10, status: 503 })
    expect(hitsOf('/down')).toHaveLength(10)
    expect(standIn.records.disabledWebhookEndpoints).toContain(url)

    const again = await control('/__standin/webhooks', { url, event: 'payment_created', id })
    expect(again.body.delivery.state).toBe('skipped')
    // A skipped delivery is settled when it is made: no attempt, none to come (the sender's own
    // tests below show that no post is started for it).
    expect(delivery(again.body.delivery.id)).toMatchObject({ state: 'skipped', attempts: 0, responses: [] })
    expect(hitsOf('/down')).toHaveLength(10)
  })

  test('a bad event, url or id is refused', async () => {
    const id = Number(
      (await pay(ONE_TIME.token, { cid: 'hook-5', name: 'H', email: 'h@example.com' })).get('payment_id'),
    )
    expect(
      (await control('/__standin/webhooks', { url: `${hookOrigin}/x`, event: 'payment_refunded', id })).status,
    ).toBe(400)
    expect(
      (await control('/__standin/webhooks', { url: 'ftp://127.0.0.1/x', event: 'payment_created', id })).status,
    ).toBe(400)
    expect(
      (await control('/__standin/webhooks', { url: `${hookOrigin}/x`, event: 'payment_created', id: 99999999 })).status,
    ).toBe(404)
    // A payment id is no customer.
    expect((await control('/__standin/webhooks', { url: `${hookOrigin}/x`, event: 'plan_created', id })).status).toBe(
      404,
    )
    expect(hitsOf('/x')).toHaveLength(0)
  })
})

describe('webhookEvents: the topics the endpoint is subscribed to', () => {
  test('an endpoint subscribed to payment_created only hears of nothing else, plans included', async () => {
    const webhookUrl = `${hookOrigin}/created-only`
    const own = await harness.startStandIn({ webhookRetryMs: 5, webhookUrl, webhookEvents: ['payment_created'] })
    const payer = { name: 'S', email: 's@example.com' }
    try {
      const paymentId = Number((await harness.pay(own, ONE_TIME.token, { cid: 'sub-1', ...payer })).get('payment_id'))
      const customerId = Number((await harness.pay(own, PLAN.token, { cid: 'sub-2', ...payer })).get('customer_id'))
      expect(own.records.webhooks.map((d) => [d.event, d.dataId])).toEqual([
        ['payment_created', paymentId],
        ['payment_created', paymentId + 1], // The plan's first payment.
      ])
      await waitFor(() => hitsOf('/created-only').length === 2, 'both webhooks')
      expect(
        hitsOf('/created-only')
          .map((hit) => hit.body.data.custom_id)
          .sort(),
      ).toEqual(['sub-1', 'sub-2'])
      expect(hitsOf('/created-only')[1].body.data.customer_id).toBe(customerId)
    } finally {
      await own.close()
    }
  })

  test('an empty list subscribes to nothing; an unknown topic or a non-list fails the start', async () => {
    const own = await harness.startStandIn({ webhookUrl: `${hookOrigin}/none`, webhookEvents: [] })
    await harness.pay(own, ONE_TIME.token, { cid: 'sub-3', name: 'S', email: 's@example.com' })
    expect(own.records.webhooks).toEqual([])
    await own.close()
    await expect(harness.startStandIn({ webhookEvents: ['payment_refunded'] })).rejects.toThrow(
      'stand-in: webhookEvents: no event "payment_refunded" (payment_created, payment_succeeded, plan_created, ',
    )
    const notList = harness.startStandIn({ webhookEvents: 'payment_created' as never })
    await expect(notList).rejects.toThrow(/must be an array/)
  })

  test('subscribedTopics: every topic by default; checkoutEvents: payment_succeeded only when successful', () => {
    expect([...subscribedTopics()]).toEqual(Object.keys(WEBHOOK_EVENTS))
    expect(WEBHOOK_EVENTS.payment_succeeded).toBe('payment')
    const customer = { id: 500001 }
    const paid = { id: 100001, status: 'successful' }
    expect(checkoutEvents(customer, paid)).toEqual([
      ['plan_created', customer],
      ['payment_created', paid],
      ['payment_succeeded', paid],
    ])
    for (const status of ['failed', 'refunded'])
      expect(checkoutEvents(null, { ...paid, status }), status).toEqual([['payment_created', { ...paid, status }]])
  })
})

describe('POST /__standin/webhook-drops: webhooks that never leave', () => {
  let own: StandIn
  const hookPath = '/dropped'
  beforeAll(async () => {
    own = await harness.startStandIn({ webhookRetryMs: 5, webhookUrl: `${hookOrigin}${hookPath}` })
  })
  afterAll(async () => {
    await own?.close()
  })
  const drops = (json: unknown) => harness.control(own, '/__standin/webhook-drops', json)
  const payOwn = async (token: string, cid: string) => {
    const back = await harness.pay(own, token, { cid, name: 'D', email: 'd@example.com' })
    return Number(back.get('payment_id') ?? back.get('customer_id'))
  }
  /** The deliveries made since `from` (an index into records.webhooks), as [event, state]. */
  const since = (from: number) => own.records.webhooks.slice(from).map((d) => [d.event, d.state])
  /** Waits until no delivery is pending, then gives the hits of this endpoint. */
  const settledHits = async () => {
    await waitFor(() => own.records.webhooks.every((d) => d.state !== 'pending'), 'every delivery')
    return hitsOf(hookPath)
  }

  test('times: the next N deliveries, one per event, are never sent; the API still has the payments', async () => {
    await harness.control(own, '/__standin/reset')
    expect(await drops({ times: 3 })).toEqual({ status: 200, body: { times: 3, payments: 0 } })
    const first = await payOwn(ONE_TIME.token, 'drop-1')
    const second = await payOwn(ONE_TIME.token, 'drop-2')
    expect(since(0)).toEqual([
      ['payment_created', 'dropped'],
      ['payment_succeeded', 'dropped'],
      ['payment_created', 'dropped'],
      ['payment_succeeded', 'pending'],
    ])
    expect(own.records.webhooks[0]).toMatchObject({ dataId: first, attempts: 0, responses: [], status: null })
    const hits = await settledHits()
    expect(hits.map((hit) => [hit.body.event, hit.body.data.id])).toEqual([['payment_succeeded', second]])
    const listed = (await harness.api(own, '/payments')).body.payments.map((p: Json) => p.custom_id)
    expect(listed).toEqual(['drop-2', 'drop-1'])
    // Spent: the next checkout is announced again.
    await payOwn(ONE_TIME.token, 'drop-3')
    expect(since(4)).toEqual([
      ['payment_created', 'pending'],
      ['payment_succeeded', 'pending'],
    ])
    expect((await settledHits()).map((hit) => hit.body.data.custom_id)).toEqual(['drop-2', 'drop-3', 'drop-3'])
  })

  test('payments: every webhook of the next N checkouts, plans and their three events included', async () => {
    await harness.control(own, '/__standin/reset')
    hitsOf(hookPath).length = 0
    expect(await drops({ payments: 3 })).toEqual({ status: 200, body: { times: 0, payments: 3 } })
    await payOwn(ONE_TIME.token, 'lost-1')
    const plan = await payOwn(PLAN.token, 'lost-2')
    await payOwn(ONE_TIME.token, 'lost-3')
    await payOwn(ONE_TIME.token, 'kept-4')
    expect(own.records.webhooks.filter((d) => d.state === 'dropped')).toHaveLength(7)
    expect(
      since(0)
        .slice(0, 7)
        .every(([, state]) => state === 'dropped'),
    ).toBe(true)
    expect(since(2).slice(0, 3)).toEqual([
      ['plan_created', 'dropped'],
      ['payment_created', 'dropped'],
      ['payment_succeeded', 'dropped'],
    ])
    const hits = await settledHits()
    expect(hits.map((hit) => hit.body.data.custom_id)).toEqual(['kept-4', 'kept-4'])
    // A reconciliation through the API finds all three.
    const paid = (await harness.api(own, '/payments?count=100')).body.payments.map((p: Json) => p.custom_id)
    expect(paid.sort()).toEqual(['kept-4', 'lost-1', 'lost-2', 'lost-3'])
    expect((await harness.api(own, `/customers/${plan}`)).body.customer).toMatchObject({ custom_id: 'lost-2' })
  })

  test('times counts webhooks sent on demand too; times: 0 clears; a reset clears', async () => {
    await harness.control(own, '/__standin/reset')
    const seed = async () => (await harness.control(own, '/__standin/seed', { payment: {} })).body.payment.id
    let id = await seed()
    const url = `${hookOrigin}/on-demand`
    const onDemand = () => harness.control(own, '/__standin/webhooks', { url, event: 'payment_created', id })
    await drops({ times: 1 })
    expect((await onDemand()).body.delivery.state).toBe('dropped')
    expect((await onDemand()).body.delivery.state).toBe('pending')

    await drops({ times: 5, payments: 2 })
    expect(await drops({ times: 0 })).toEqual({ status: 200, body: { times: 0, payments: 0 } })
    expect((await onDemand()).body.delivery.state).toBe('pending')
    await payOwn(ONE_TIME.token, 'after-clear')
    expect(since(-2).map(([, state]) => state)).toEqual(['pending', 'pending'])

    await drops({ times: 5, payments: 2 })
    await settledHits()
    await harness.control(own, '/__standin/reset')
    id = await seed() // The reset took the seeded payment away.
    expect((await onDemand()).body.delivery.state).toBe('pending')
    await payOwn(ONE_TIME.token, 'after-reset')
    expect(since(-2).map(([, state]) => state)).toEqual(['pending', 'pending'])
    await settledHits()
  })

  test('a body that is not a drop setting is a 400 and changes nothing', async () => {
    await drops({ times: 2 })
    const bodies: Json[] = [{}, { times: -1 }, { times: 1.5 }, { times: '3' }, { payments: null }, { times: 1e20 }]
    bodies.push({ time: 3 }, { times: 1, x: 0 })
    for (const bad of bodies) {
      const answer = await drops(bad)
      expect(answer.status, JSON.stringify(bad)).toBe(400)
      expect(answer.body.error).toMatch(/^stand-in: send \{ "times": a count \}/)
    }
    expect(await drops({ times: 0 })).toEqual({ status: 200, body: { times: 0, payments: 0 } })
  })
})

/** A post that answers from a list of results (then 200), recording each body it was given. */
function scriptedPost(results: Array<number | string>) {
  const bodies: string[] = []
  const post = vi.fn(async (_url: URL, body: string) => {
    bodies.push(body)
    return results.shift() ?? 200
  })
  return { post, bodies }
}

/** A sender over a fresh store; its waits resolve at once and are recorded. */
function sender(post: Json) {
  const store = createStore()
  const waits: number[] = []
  const wait = async (ms: number) => void waits.push(ms)
  return { store, waits, webhooks: createWebhookSender({ store, retryMs: 10, wait, post }) }
}

const URL_OK = new URL('http://hooks.example/ok')
const payment = () => ({ id: 100001, custom_id: 'u1', status: 'successful' })

describe('the sender alone (fake post, fake clock)', () => {
  test('retries anything but 200–204, the n-th retry after n × retryMs, recording every answer', async () => {
    const { post } = scriptedPost([500, 'ECONNRESET', 205])
    const { store, waits, webhooks } = sender(post)
    const sent: Delivery = webhooks.deliver(URL_OK, 'payment_created', payment())
    expect(sent).toMatchObject({
      id: 1,
      url: URL_OK.href,
      event: 'payment_created',
      object: 'payment',
      dataId: 100001,
      state: 'pending',
    })
    await webhooks.whenSettled(sent)
    expect(sent).toMatchObject({
      state: 'delivered',
      attempts: 4,
      responses: [500, 'ECONNRESET', 205, 200],
      status: 200,
    })
    expect(waits).toEqual([10, 20, 30])
    expect(store.records.webhooks).toEqual([sent])
  })

  test('a network error leaves status null; ids come from the store, one per delivery', async () => {
    const { post } = scriptedPost(Array(WEBHOOK_ATTEMPTS).fill('ECONNREFUSED'))
    const { store, webhooks } = sender(post)
    const first = await webhooks.whenSettled(webhooks.deliver(URL_OK, 'payment_created', payment()))
    expect(first).toMatchObject({ state: 'failed', attempts: WEBHOOK_ATTEMPTS, status: null })
    expect(store.nextId.webhook).toBe(2)
  })

  test('after the last failed attempt the endpoint is disabled: later deliveries are skipped, no post started', async () => {
    const { post } = scriptedPost(Array(WEBHOOK_ATTEMPTS).fill(503))
    const { store, webhooks } = sender(post)
    const failed = await webhooks.whenSettled(webhooks.deliver(URL_OK, 'payment_created', payment()))
    expect(failed).toMatchObject({ state: 'failed', attempts: 10, status: 503 })
    expect(post).toHaveBeenCalledTimes(10)
    expect(store.records.disabledWebhookEndpoints).toEqual([URL_OK.href])

    const skipped = webhooks.deliver(URL_OK, 'plan_created', { id: 500001 })
    expect(skipped).toMatchObject({ state: 'skipped', attempts: 0, responses: [], status: null })
    expect(await webhooks.whenSettled(skipped)).toBe(skipped)
    expect(post).toHaveBeenCalledTimes(10)
    // Another endpoint is not affected.
    expect(webhooks.deliver(new URL('http://hooks.example/other'), 'payment_created', payment()).state).toBe('pending')
  })

  test('a drop is never posted; a checkout drop spends no counted one, nor does a disabled endpoint', async () => {
    const { post } = scriptedPost(Array(WEBHOOK_ATTEMPTS).fill(503))
    const { store, webhooks } = sender(post)
    store.webhookDrops.times = 1
    const forced = webhooks.deliver(URL_OK, 'payment_created', payment(), { drop: true })
    expect(forced).toMatchObject({ state: 'dropped', attempts: 0, responses: [], status: null })
    expect(await webhooks.whenSettled(forced)).toBe(forced)
    expect(store.webhookDrops.times).toBe(1)
    expect(webhooks.deliver(URL_OK, 'payment_succeeded', payment()).state).toBe('dropped')
    expect(store.webhookDrops.times).toBe(0)
    expect(post).not.toHaveBeenCalled()

    await webhooks.whenSettled(webhooks.deliver(URL_OK, 'payment_created', payment()))
    expect(store.records.disabledWebhookEndpoints).toEqual([URL_OK.href])
    store.webhookDrops.times = 1
    expect(webhooks.deliver(URL_OK, 'payment_created', payment()).state).toBe('skipped')
    expect(store.webhookDrops.times).toBe(1)
  })

  test('takeDrop spends one count at a time, and nothing when none is left', () => {
    const drops = { times: 2, payments: 0 }
    expect([takeDrop(drops, 'times'), takeDrop(drops, 'times'), takeDrop(drops, 'times')]).toEqual([true, true, false])
    expect(takeDrop(drops, 'payments')).toBe(false)
    expect(drops).toEqual({ times: 0, payments: 0 })
  })

  test('the payload is { event, object, data } as data was when sent: a later change does not reach a retry', async () => {
    const { post, bodies } = scriptedPost([500])
    const { webhooks } = sender(post)
    const data = payment()
    const sent = webhooks.deliver(URL_OK, 'payment_created', data)
    data.status = 'refunded'
    await webhooks.whenSettled(sent)
    expect(bodies.map((body) => JSON.parse(body))).toEqual([
      { event: 'payment_created', object: 'payment', data: payment() },
      { event: 'payment_created', object: 'payment', data: payment() },
    ])
  })

  test('cancelAll() aborts the attempt in flight; the delivery records nothing more and is not retried', async () => {
    let signal: AbortSignal | undefined
    let answer: (result: number | string) => void = () => {}
    const post = vi.fn((_url: URL, _body: string, given: AbortSignal) => {
      signal = given
      return new Promise((resolve) => (answer = resolve))
    })
    const { store, webhooks } = sender(post)
    const sent = webhooks.deliver(URL_OK, 'payment_created', payment())
    expect(post).toHaveBeenCalledTimes(1)
    webhooks.cancelAll()
    expect(signal!.aborted).toBe(true)
    answer('ABORT_ERR') // As postWebhook resolves on an abort.
    await webhooks.whenSettled(sent)
    expect(sent).toMatchObject({ state: 'pending', attempts: 0, responses: [] })
    expect(post).toHaveBeenCalledTimes(1)
    expect(store.records.disabledWebhookEndpoints).toEqual([])
  })

  test('applyPlanEvent: plan_ended cancels the plan, plan_payment_failed makes it past due, others change nothing', () => {
    const customer = () => ({
      status: 'active',
      delinquent: false,
      subscription: { status: 'active', next_payment_attempt: 'X', canceled_at: null, ended_at: null },
    })
    const ended = customer()
    applyPlanEvent(ended, 'plan_ended', '2014-04-09T00:00:00Z')
    expect(ended).toEqual({
      status: 'canceled',
      delinquent: false,
      subscription: {
        status: 'canceled',
        next_payment_attempt: null,
        canceled_at: '2014-04-09T00:00:00Z',
        ended_at: '2014-04-09T00:00:00Z',
      },
    })
    const failed = customer()
    applyPlanEvent(failed, 'plan_payment_failed', '2014-04-09T00:00:00Z')
    expect(failed).toMatchObject({
      status: 'past_due',
      delinquent: true,
      subscription: { status: 'past_due', next_payment_attempt: 'X' },
    })
    for (const event of ['plan_created', 'payment_created']) {
      const unchanged = customer()
      applyPlanEvent(unchanged, event, '2014-04-09T00:00:00Z')
      expect(unchanged, event).toEqual(customer())
    }
  })

  test('postWebhook resolves with the network error code when nothing listens', async () => {
    const closed = await harness.startHookServer()
    await closed.close()
    expect(await postWebhook(new URL(`${closed.origin}/gone`), '{}')).toBe('ECONNREFUSED')
  })
})
