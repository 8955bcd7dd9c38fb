// @vitest-environment node
// The server companion against the project's MoonClerk stand-in, over real HTTP on 127.0.0.1:
// pay through the hosted checkout, then confirm the return through the API. (Webhooks: see
// server-webhook.test.ts, which runs docs/server.md's handler.)
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { apiGet, client, withDeadline } from '../src/server/api'
import { confirmCheckout, isPaid, MoonClerkApiError } from '../src/server/index'
import { payOnStandIn } from './standin-harness'

interface StandIn {
  origin: string
  close(): Promise<void>
}
const API_KEY = 'server-test-key-51c2'
// Forms from harness/forms.json: $10.00 once, and $15.00 a month.
const ONE_TIME = '8h7frjfytj'
const ONE_TIME_FORM = 234101
const PLAN = 'k2m9q4zr7x'
const PLAN_FORM = 234102

let standIn: StandIn

beforeAll(async () => {
  const { startStandIn } = (await import(new URL('../harness/standin.mjs', import.meta.url).href)) as {
    startStandIn(options: object): Promise<StandIn>
  }
  standIn = await startStandIn({ siteOrigin: 'http://127.0.0.1:1', apiKey: API_KEY })
})

afterAll(async () => {
  await standIn?.close()
})

/** Pays as the hosted checkout's form does, and returns what the redirect URL brings back. */
async function pay(token: string, cid: string) {
  const back = await payOnStandIn(standIn.origin, token, cid)
  return {
    checkoutToken: back.get('checkout_token')!,
    customId: back.get('custom_id')!,
    paymentId: back.get('payment_id')!,
    customerId: back.get('customer_id')!,
  }
}

/** Adds a payment or a plan to the stand-in's API, as if MoonClerk had made it; returns it. */
async function seed(kind: 'payment' | 'customer', fields: Record<string, unknown>) {
  const response = await fetch(`${standIn.origin}/__standin/seed`, {
    method: 'POST',
    body: JSON.stringify({ [kind]: fields }),
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as Record<string, Record<string, unknown> & { id: number }>)[kind]
}

const options = () => ({ apiKey: API_KEY, apiBase: standIn.origin + '/' })

test('a one-time payment is confirmed when its custom id is the expected one', async () => {
  const { checkoutToken, customId } = await pay(ONE_TIME, 'sealed-234')
  const returned = { checkoutToken, customId }
  expect(await confirmCheckout(returned, options())).toMatchObject({
    kind: 'payment',
    record: { custom_id: 'sealed-234', checkout: { token: returned.checkoutToken } },
  })
})

test('a return whose custom id differs from the payment is not confirmed', async () => {
  const { checkoutToken } = await pay(ONE_TIME, 'real-user')
  expect(await confirmCheckout({ checkoutToken, customId: 'someone-else' }, options())).toBeNull()
})

test('a made-up checkout token is not confirmed', async () => {
  expect(await confirmCheckout({ checkoutToken: 'typedByHand123', customId: 'x' }, options())).toBeNull()
})

test('a recurring plan is confirmed through its customer record', async () => {
  const { checkoutToken, customId } = await pay(PLAN, 'plan-user-7')
  expect(await confirmCheckout({ checkoutToken, customId }, options())).toMatchObject({
    kind: 'plan',
    record: { custom_id: 'plan-user-7' },
  })
})

test('5xx answers are retried with backoff', async () => {
  const { checkoutToken, customId } = await pay(ONE_TIME, 'retry-user')
  const returned = { checkoutToken, customId }
  await fetch(`${standIn.origin}/__standin/api-faults`, {
    method: 'POST',
    body: JSON.stringify({ status: 503, times: 2 }),
  })
  expect(await confirmCheckout(returned, options())).toMatchObject({ kind: 'payment' })
  await fetch(`${standIn.origin}/__standin/api-faults`, {
    method: 'POST',
    body: JSON.stringify({ status: 502, times: 5 }),
  })
  const gaveUp = /gave up after 2 attempts in \d+ ms \(502/
  await expect(confirmCheckout(returned, { ...options(), retries: 1 })).rejects.toThrow(gaveUp)
  await fetch(`${standIn.origin}/__standin/api-faults`, {
    method: 'POST',
    body: JSON.stringify({ status: 502, times: 0 }),
  })
})

test('a wrong key fails at once, and the key appears in no message', async () => {
  const { checkoutToken, customId } = await pay(ONE_TIME, 'key-user')
  const returned = { checkoutToken, customId }
  const error = await confirmCheckout(returned, { ...options(), apiKey: 'wrong-key-should-not-leak' }).catch((e) => e)
  expect(error).toBeInstanceOf(MoonClerkApiError)
  expect(error.status).toBe(401)
  expect(String(error) + JSON.stringify(error)).not.toContain('wrong-key-should-not-leak')
})

describe('what confirmCheckout counts as confirmed', () => {
  test('a customId is required: a return without one is a TypeError, before any request', async () => {
    const { checkoutToken } = await pay(ONE_TIME, '')
    const fetchSpy = vi.fn(fetch)
    for (const customId of [null, undefined, '']) {
      const returned = { checkoutToken, customId: customId as unknown as string }
      await expect(confirmCheckout(returned, { ...options(), fetch: fetchSpy })).rejects.toThrow(/needs the customId/)
    }
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  test.each([
    ['failed', { status: 'failed', amount: 1000, amount_refunded: 0 }],
    ['refunded', { status: 'refunded', amount: 1000, amount_refunded: 1000 }],
    ['successful but fully refunded', { status: 'successful', amount: 1000, amount_refunded: 1000 }],
  ])('a %s payment is not confirmed', async (label, fields) => {
    const token = `tok-${label.replace(/\W/g, '')}`
    const payment = await seed('payment', {
      ...fields,
      custom_id: 'u-' + token,
      form_id: ONE_TIME_FORM,
      checkout: { token },
    })
    expect(await confirmCheckout({ checkoutToken: token, customId: 'u-' + token }, options())).toBeNull()
    expect(await confirmCheckout({ paymentId: payment.id, customId: 'u-' + token }, options())).toBeNull()
  })

  test('a partly refunded payment is still confirmed', async () => {
    const payment = await seed('payment', {
      amount: 1000,
      amount_refunded: 300,
      custom_id: 'u-partly',
      checkout: { token: 'tok-partly' },
    })
    expect(await confirmCheckout({ checkoutToken: 'tok-partly', customId: 'u-partly' }, options())).toMatchObject({
      record: { id: payment.id },
    })
  })

  test.each(['canceled', 'past_due'])('a plan whose subscription is %s is not confirmed', async (status) => {
    const plan = await seed('customer', {
      custom_id: 'plan-' + status,
      checkout: { token: 'tok-plan-' + status },
      subscription: { status },
    })
    expect(
      await confirmCheckout({ checkoutToken: 'tok-plan-' + status, customId: 'plan-' + status }, options()),
    ).toBeNull()
    expect(await confirmCheckout({ customerId: plan.id, customId: 'plan-' + status }, options())).toBeNull()
  })

  test("formId pins the form: another form's payment or plan is not confirmed", async () => {
    const once = await pay(ONE_TIME, 'form-user')
    const plan = await pay(PLAN, 'form-plan-user')
    const confirm = (
      returned: { checkoutToken?: string; paymentId?: string; customerId?: string },
      customId: string,
      formId: number,
    ) => confirmCheckout({ ...returned, customId }, { ...options(), formId })
    expect(await confirm({ checkoutToken: once.checkoutToken }, 'form-user', ONE_TIME_FORM)).toMatchObject({
      kind: 'payment',
    })
    expect(await confirm({ checkoutToken: once.checkoutToken }, 'form-user', PLAN_FORM)).toBeNull()
    expect(await confirm({ paymentId: once.paymentId }, 'form-user', PLAN_FORM)).toBeNull()
    expect(await confirm({ customerId: plan.customerId }, 'form-plan-user', ONE_TIME_FORM)).toBeNull()
    expect(await confirm({ customerId: plan.customerId }, 'form-plan-user', PLAN_FORM)).toMatchObject({ kind: 'plan' })
  })

  test('amountCents pins the price: of the payment, or of the plan', async () => {
    const once = await pay(ONE_TIME, 'price-user')
    const plan = await pay(PLAN, 'price-plan-user')
    const confirm = (returned: { checkoutToken: string; customId: string }, amountCents: number) =>
      confirmCheckout(
        { checkoutToken: returned.checkoutToken, customId: returned.customId },
        { ...options(), formId: returned == once ? ONE_TIME_FORM : PLAN_FORM, amountCents },
      )
    expect(await confirm(once, 1000)).toMatchObject({ kind: 'payment', record: { amount: 1000 } })
    expect(await confirm(once, 100)).toBeNull()
    expect(await confirm(plan, 1500)).toMatchObject({ kind: 'plan' })
    expect(await confirm(plan, 1000)).toBeNull()
    await expect(confirm(once, 10.5)).rejects.toThrow(/amountCents must be a whole number/)
  })

  test('by paymentId or customerId, fetched directly, for pages built on the older redirect instructions', async () => {
    const once = await pay(ONE_TIME, 'old-page-user')
    const plan = await pay(PLAN, 'old-plan-user')
    const fetchSpy = vi.fn(fetch)
    const confirmed = await confirmCheckout(
      { paymentId: once.paymentId, customId: 'old-page-user' },
      { ...options(), fetch: fetchSpy },
    )
    expect(confirmed).toMatchObject({
      kind: 'payment',
      record: { id: Number(once.paymentId), custom_id: 'old-page-user' },
    })
    expect(fetchSpy.mock.calls.map(([url]) => new URL(String(url)).pathname)).toStrictEqual([
      `/payments/${once.paymentId}`,
    ])
    expect(
      await confirmCheckout({ customerId: Number(plan.customerId), customId: 'old-plan-user' }, options()),
    ).toMatchObject({ kind: 'plan' })
    expect(await confirmCheckout({ paymentId: once.paymentId, customId: 'someone-else' }, options())).toBeNull()
    expect(await confirmCheckout({ customerId: once.paymentId, customId: 'old-page-user' }, options())).toBeNull()
    expect(await confirmCheckout({ paymentId: 999_999_999, customId: 'old-page-user' }, options())).toBeNull()
    // An unfilled placeholder, or a path in disguise, is no id: no request for it.
    for (const paymentId of ['{{payment_id}}', '../customers']) {
      expect(
        await confirmCheckout({ paymentId, customId: 'old-page-user' }, { ...options(), fetch: fetchSpy }),
      ).toBeNull()
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1)
  })

  test("what the success page read (readReturn's detail) can be passed as it is; its keys must agree", async () => {
    const once = await pay(ONE_TIME, 'all-keys')
    const plan = await pay(PLAN, 'all-plan-keys')
    const detail = { ...once, customerId: null, cidMatches: true, repeated: false }
    expect(await confirmCheckout(detail, options())).toMatchObject({
      kind: 'payment',
      record: { custom_id: 'all-keys' },
    })
    expect(await confirmCheckout({ ...plan, paymentId: null }, options())).toMatchObject({
      kind: 'plan',
      record: { custom_id: 'all-plan-keys' },
    })
    expect(await confirmCheckout({ ...detail, checkoutToken: plan.checkoutToken }, options())).toBeNull()
    await expect(confirmCheckout({ ...detail, customerId: plan.customerId }, options())).rejects.toThrow(
      /a paymentId or a customerId, not both/,
    )
    await expect(
      confirmCheckout({ checkoutToken: '', paymentId: null, customId: 'all-keys' }, options()),
    ).rejects.toThrow(/needs the checkoutToken, paymentId or customerId/)
  })

  test('isPaid says the same about what confirmCheckout returns', async () => {
    const once = await pay(ONE_TIME, 'is-paid')
    const confirmed = await confirmCheckout({ checkoutToken: once.checkoutToken, customId: 'is-paid' }, options())
    expect(isPaid(confirmed!)).toBe(true)
    if (confirmed?.kind != 'payment') throw new Error('a one-time checkout makes a payment')
    expect(isPaid({ kind: 'payment', record: { ...confirmed.record, status: 'failed' } })).toBe(false)
    expect(isPaid({ kind: 'plan', record: { id: 1, subscription: { status: 'active' } } })).toBe(true)
    expect(isPaid({ kind: 'plan', record: { id: 1, subscription: null } })).toBe(false)
  })
})

describe('apiBase: https, or http on a loopback host only', () => {
  // Answers every request with an empty list, and counts them.
  const emptyApi = () => vi.fn(async () => new Response(JSON.stringify({ payments: [], customers: [] })))
  const returned = { checkoutToken: 'ck1', customId: 'u1' }

  test.each([
    'http://api.moonclerk.com/',
    'http://10.0.0.7:8080/',
    'http://localhost.example.com/',
    'http://127.0.0.1.nip.io/',
    'http://[::2]/',
    'ftp://127.0.0.1/',
    'file:///etc/',
    'api.moonclerk.com',
  ])('%s is a TypeError naming apiBase, before any request', async (apiBase) => {
    const fetchSpy = emptyApi()
    await expect(confirmCheckout(returned, { apiKey: API_KEY, apiBase, fetch: fetchSpy })).rejects.toThrow(TypeError)
    await expect(confirmCheckout(returned, { apiKey: API_KEY, apiBase, fetch: fetchSpy })).rejects.toThrow(
      /^apiBase must be/,
    )
    expect(fetchSpy).not.toHaveBeenCalled()
  })

  test.each([
    ['https://api.moonclerk.com/', 'https://api.moonclerk.com/payments'],
    ['https://proxy.example/moonclerk', 'https://proxy.example/moonclerk/payments'],
    ['http://localhost:8080/', 'http://localhost:8080/payments'],
    ['http://127.0.0.1:9/', 'http://127.0.0.1:9/payments'],
    ['http://127.45.6.7/', 'http://127.45.6.7/payments'],
    ['http://[::1]:9/', 'http://[::1]:9/payments'],
  ])('%s is used', async (apiBase, first) => {
    const fetchSpy = emptyApi()
    expect(await confirmCheckout(returned, { apiKey: API_KEY, apiBase, fetch: fetchSpy })).toBeNull()
    expect(String(fetchSpy.mock.calls[0]?.[0 as never]).split('?')[0]).toBe(first)
  })
})

test('a redirect from the API is an error at once, and the key never reaches where it points', async () => {
  const elsewhere: Array<string | undefined> = []
  const target = http.createServer((req, res) => {
    elsewhere.push(req.headers.authorization)
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end('{"payment":{"id":1,"custom_id":"x","status":"successful","amount_refunded":0}}')
  })
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  const redirector = http.createServer((req, res) =>
    res.writeHead(302, { Location: `http://127.0.0.1:${(target.address() as AddressInfo).port}${req.url}` }).end(),
  )
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
  try {
    const error = await confirmCheckout(
      { customId: 'x', paymentId: '1' },
      { apiKey: API_KEY, apiBase: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/`, retries: 2 },
    ).catch((e) => e)
    expect(error).toBeInstanceOf(MoonClerkApiError)
    expect(error.status).toBe(302)
    expect(elsewhere).toStrictEqual([])
  } finally {
    for (const server of [target, redirector]) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
})

// A scripted MoonClerk API (no stand-in): answers by path, and records every request's URL.
describe('the API client against a scripted API', () => {
  type Answer = Record<string, unknown> | number
  function scripted(answer: (url: URL) => Answer) {
    const urls: URL[] = []
    const fetchSpy = vi.fn(async (input: URL | RequestInfo) => {
      const url = new URL(String(input))
      urls.push(url)
      const body = answer(url)
      return typeof body == 'number'
        ? new Response('', { status: body, statusText: body == 403 ? 'Forbidden' : 'Oops' })
        : new Response(JSON.stringify(body))
    })
    return {
      urls,
      fetch: fetchSpy as unknown as typeof fetch,
      api: { apiKey: API_KEY, fetch: fetchSpy as unknown as typeof fetch },
    }
  }
  const paid = (fields: Record<string, unknown>) => ({
    id: 5,
    custom_id: 'u1',
    status: 'successful',
    amount: 1000,
    amount_refunded: 0,
    checkout: { token: 'ck1' },
    ...fields,
  })
  const rowsOf = (n: number) =>
    Array.from({ length: n }, (_, i) => paid({ id: 1000 + i, checkout: { token: 'other' } }))

  test('the key is required, and the message names the call', async () => {
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, undefined as never)).rejects.toThrow(
      /^confirmCheckout needs the MoonClerk API key/,
    )
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, { apiKey: '' })).rejects.toThrow(
      /^confirmCheckout needs the MoonClerk API key/,
    )
  })

  test("MoonClerk's own API is the default base", async () => {
    const { urls, api } = scripted(() => ({ payment: paid({}) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: 5 }, api)).toMatchObject({ kind: 'payment' })
    expect(urls.map(String)).toStrictEqual(['https://api.moonclerk.com/payments/5'])
  })

  test('a 4xx answer is an error at once, naming the path and the status', async () => {
    const { urls, api } = scripted(() => 403)
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, api)).rejects.toMatchObject({
      status: 403,
      message: 'MoonClerk API /payments/5: 403 Forbidden',
    })
    expect(urls).toHaveLength(1)
  })

  test('a 500 is retried after 250 ms, then 500 ms', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    let calls = 0
    const { api } = scripted(() => (++calls < 3 ? 500 : { payment: paid({}) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: 5 }, { ...api, retries: 2 })).toMatchObject({
      kind: 'payment',
    })
    expect(calls).toBe(3)
    expect(timeouts.mock.calls.map(([, ms]) => ms).filter((ms) => ms == 250 || ms == 500)).toStrictEqual([250, 500])
  })

  test.each([
    ['no payment', { payment: null }],
    ['nothing', {}],
    ['a payment that is no object', { payment: 'undefined' }],
    ['a list', { payment: [paid({})] }],
  ])('an answer that holds %s is an error, not a confirmation', async (_, body) => {
    const { api } = scripted(() => body)
    const error = await confirmCheckout({ customId: 'u1', paymentId: 5 }, api).catch((e) => e)
    const message = 'MoonClerk API /payments/5: the answer holds no payment 5'
    expect(error).toMatchObject({ status: 200, retryable: false, message })
  })

  test('an answer about another payment is no such payment: null', async () => {
    const { api } = scripted(() => ({ payment: paid({ id: 6 }) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: 5 }, api)).toBeNull()
  })

  test('an id that could leave its path segment is no id: nothing is requested', async () => {
    const { urls, api } = scripted(() => ({ payment: paid({}) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: '5/../../customers/7' }, api)).toBeNull()
    expect(urls).toStrictEqual([])
  })

  test('an empty paymentId counts as absent: the checkout token is used', async () => {
    const { urls, api } = scripted((url) => (url.pathname == '/payments' ? { payments: [paid({})] } : {}))
    expect(await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1', paymentId: '' }, api)).toMatchObject({
      kind: 'payment',
    })
    expect(urls.map((url) => url.pathname)).toStrictEqual(['/payments'])
  })

  test('pages through full pages of 100 until the match, with count and offset', async () => {
    const { urls, api } = scripted((url) => ({
      payments: url.searchParams.get('offset') == '0' ? rowsOf(100) : [...rowsOf(3), paid({})],
    }))
    expect(await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1' }, api)).toMatchObject({
      kind: 'payment',
      record: { id: 5 },
    })
    expect(
      urls.map((url) => [url.pathname, url.searchParams.get('count'), url.searchParams.get('offset')]),
    ).toStrictEqual([
      ['/payments', '100', '0'],
      ['/payments', '100', '100'],
    ])
  })

  test('a short page ends a list; maxPages caps it', async () => {
    const short = scripted(() => ({ payments: rowsOf(99), customers: [] }))
    expect(await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1' }, short.api)).toBeNull()
    expect(short.urls.map((url) => url.pathname)).toStrictEqual(['/payments', '/customers'])
    const full = scripted(() => ({ payments: rowsOf(100), customers: rowsOf(100) }))
    expect(await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1' }, { ...full.api, maxPages: 1 })).toBeNull()
    expect(full.urls.map((url) => url.pathname)).toStrictEqual(['/payments', '/customers'])
  })

  test('looks at payments from three days ago, and at the pinned form only', async () => {
    const { urls, api } = scripted(() => ({ payments: [], customers: [] }))
    await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1' }, api)
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)
    expect(urls.map((url) => Object.fromEntries(url.searchParams))).toStrictEqual([
      { date_from: threeDaysAgo, count: '100', offset: '0' },
      { count: '100', offset: '0' },
    ])
    urls.length = 0
    await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1' }, { ...api, formId: 77 })
    expect(urls.map((url) => url.searchParams.get('form_id'))).toStrictEqual(['77', '77'])
  })

  test('pins are checked: amountCents a whole number from 0, formId not empty', async () => {
    const { api } = scripted(() => ({ payment: paid({ amount: 0 }) }))
    const returned = { customId: 'u1', paymentId: 5 }
    await expect(confirmCheckout(returned, { ...api, amountCents: -1 })).rejects.toThrow(
      'amountCents must be a whole number of cents',
    )
    await expect(confirmCheckout(returned, { ...api, formId: '' })).rejects.toThrow('formId must not be empty')
    // A free payment ($0, nothing refunded) is paid.
    expect(await confirmCheckout(returned, { ...api, amountCents: 0 })).toMatchObject({ kind: 'payment' })
  })

  test('a return that is no object, or whose customId is no string, is a TypeError', async () => {
    const { api } = scripted(() => ({ payment: paid({}) }))
    await expect(confirmCheckout(null as never, api)).rejects.toThrow(/^confirmCheckout needs the customId/)
    await expect(confirmCheckout({ customId: 5 as never, paymentId: 5 }, api)).rejects.toThrow(
      /^confirmCheckout needs the customId/,
    )
  })

  test('a plan without a price is not confirmed at a pinned price', async () => {
    const plan = { id: 7, custom_id: 'u1', subscription: { status: 'active' } }
    const { api } = scripted(() => ({ customer: plan }))
    expect(await confirmCheckout({ customId: 'u1', customerId: 7 }, { ...api, amountCents: 1500 })).toBeNull()
    expect(await confirmCheckout({ customId: 'u1', customerId: 7 }, api)).toMatchObject({ kind: 'plan' })
  })

  test('isPaid: a successful payment without amount_refunded is paid', () => {
    expect(isPaid({ object: 'payment', data: { id: 5, status: 'successful', amount: 1000 } })).toBe(true)
  })

  test.each(['http://evillocalhost/', 'http://127.0.0.1.evil/'])('%s is refused', async (apiBase) => {
    const { urls, api } = scripted(() => ({}))
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, { ...api, apiBase })).rejects.toThrow(
      /^apiBase must be/,
    )
    expect(urls).toStrictEqual([])
  })

  test.each(['http://127.0.10.1/', 'http://127.0.0.10/'])('%s, a loopback address, is used', async (apiBase) => {
    const { urls, api } = scripted(() => ({ payment: paid({}) }))
    await confirmCheckout({ customId: 'u1', paymentId: 5 }, { ...api, apiBase })
    expect(String(urls[0])).toBe(apiBase + 'payments/5')
  })
})

// The sharp edges of the API client (issue 19, item 7): each of these failed on the code before.
describe('sharp edges of the API client', () => {
  type Reply = Response | (() => Response) | 'hang'
  /** A fetch that gives the replies in turn (the last one again and again), and counts the calls. */
  function replies(...given: Reply[]) {
    const urls: string[] = []
    const fetchSpy = vi.fn((input: URL | RequestInfo, init?: RequestInit) => {
      urls.push(String(input))
      const reply = given[Math.min(urls.length, given.length) - 1]
      if (reply == 'hang') return hang(init?.signal)
      return Promise.resolve(typeof reply == 'function' ? reply() : reply.clone())
    })
    return { urls, fetchSpy, fetch: fetchSpy as unknown as typeof fetch }
  }
  /** A request that never gets an answer, and fails only when it is aborted (as fetch does). */
  const hang = (signal: AbortSignal | null | undefined) =>
    new Promise<Response>((_, reject) =>
      signal?.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted'))),
    )
  const json = (body: unknown, init: ResponseInit = {}) => new Response(JSON.stringify(body), init)
  const payment = (fields: Record<string, unknown> = {}) => ({
    payment: { id: 5, custom_id: 'u1', status: 'successful', amount: 1000, amount_refunded: 0, ...fields },
  })
  const byId = { customId: 'u1', paymentId: 5 }

  describe('ids MoonClerk would read differently are no ids: null, no request', () => {
    test.each([
      '07',
      ' 7',
      '7 ',
      '7.0',
      '+7',
      '0',
      '-7',
      '1e3',
      '0x7',
      '7\n',
      '12345678901234567',
      0,
      -7,
      7.5,
      2 ** 53,
    ])('%j', async (paymentId) => {
      const { fetch, fetchSpy } = replies(json(payment({ id: 7 })))
      expect(await confirmCheckout({ customId: 'u1', paymentId }, { apiKey: API_KEY, fetch })).toBeNull()
      expect(fetchSpy).not.toHaveBeenCalled()
    })

    test.each([7, '7', '1234567890123456', Number.MAX_SAFE_INTEGER])('%j is fetched', async (paymentId) => {
      const { fetch, urls } = replies(json(payment({ id: Number(paymentId) })))
      expect(await confirmCheckout({ customId: 'u1', paymentId }, { apiKey: API_KEY, fetch })).toMatchObject({
        kind: 'payment',
      })
      expect(urls).toStrictEqual([`https://api.moonclerk.com/payments/${paymentId}`])
    })

    test("a record whose id is not the one asked for is MoonClerk's answer that it has no such one: null", async () => {
      const { fetch, urls } = replies(json(payment({ id: 6 })))
      expect(await confirmCheckout(byId, { apiKey: API_KEY, fetch })).toBeNull()
      expect(urls).toHaveLength(1)
    })
  })

  describe('a 200 that is not a JSON object is an error at once, not retried as a 5xx', () => {
    test.each([
      [
        'HTML',
        new Response('<html>Service Unavailable</html>', { headers: { 'Content-Type': 'text/html' } }),
        /the 200 answer is not JSON \(text\/html\)/,
      ],
      ['empty', new Response(''), /the 200 answer is not JSON/],
      ['an array', json([payment()]), /the 200 answer is not a JSON object/],
      ['null', json(null), /the 200 answer is not a JSON object/],
      ['a string', json('payment'), /the 200 answer is not a JSON object/],
    ])('%s', async (_, response, message) => {
      const { fetch, urls } = replies(response)
      const error = await confirmCheckout(byId, { apiKey: API_KEY, fetch, retries: 3 }).catch((e) => e)
      expect(error).toBeInstanceOf(MoonClerkApiError)
      expect(error).toMatchObject({ status: 200, retryable: false, message: expect.stringMatching(message) })
      expect(error.message).toMatch(/^MoonClerk API \/payments\/5: /)
      expect(urls).toHaveLength(1)
    })

    test('an envelope without the record is an error too, not retryable', async () => {
      const { fetch, urls } = replies(json({ payment: null }))
      await expect(confirmCheckout(byId, { apiKey: API_KEY, fetch })).rejects.toMatchObject({
        status: 200,
        retryable: false,
      })
      expect(urls).toHaveLength(1)
    })
  })

  describe('isPaid fails closed on values of an unexpected type', () => {
    const base = { id: 5, status: 'successful', amount: 1000, amount_refunded: 0 }
    test.each([
      ['amount_refunded a string', { amount_refunded: '1000' }],
      ['amount_refunded negative', { amount_refunded: -1 }],
      ['amount_refunded an object', { amount_refunded: {} }],
      ['amount a string', { amount: '1000' }],
      ['amount a string, partly refunded', { amount: '1000', amount_refunded: 300 }],
      ['no amount, partly refunded', { amount: undefined, amount_refunded: 300 }],
      ['status not a string', { status: ['successful'] }],
      ['status in another case', { status: 'Successful' }],
    ])('a payment with %s is not paid', (_, fields) => {
      expect(isPaid({ kind: 'payment', record: { ...base, ...fields } as never })).toBe(false)
      expect(isPaid({ object: 'payment', data: { ...base, ...fields } as never })).toBe(false)
    })

    test.each([
      ['a missing amount_refunded', { amount_refunded: undefined }],
      ['a null amount_refunded', { amount_refunded: null }],
      ['a partial refund', { amount_refunded: 999 }],
      ['a free payment', { amount: 0 }],
    ])('a successful payment with %s is paid', (_, fields) => {
      expect(isPaid({ kind: 'payment', record: { ...base, ...fields } })).toBe(true)
    })

    test.each([
      ['subscription a string', { subscription: 'active' }],
      ['subscription an array', { subscription: [{ status: 'active' }] }],
      ['status not a string', { subscription: { status: ['active'] } }],
      ['no subscription', {}],
    ])('a plan with %s is not paid', (_, fields) => {
      expect(isPaid({ kind: 'plan', record: { id: 7, ...fields } as never })).toBe(false)
    })

    test('a record that is no object is not paid', () => {
      for (const record of [null, undefined, 'paid', 1]) {
        expect(isPaid({ kind: 'payment', record: record as never })).toBe(false)
        expect(isPaid({ kind: 'plan', record: record as never })).toBe(false)
      }
    })
  })

  describe('an apiKey with whitespace or control characters: a TypeError before any request, never echoed', () => {
    test.each([
      ['a trailing newline', 'sk-live-SECRET123\n'],
      ['a leading space', ' sk-live-SECRET123'],
      ['a trailing space', 'sk-live-SECRET123 '],
      ['a tab inside', 'sk-live\tSECRET123'],
      ['a carriage return', 'sk-live-SECRET123\r'],
      ['a NUL', 'sk-live-SECRET123\u0000'],
      ['DEL', 'sk-live-SECRET123\u007f'],
      ['a non-ASCII letter', 'sk-live-SECRÉT123'],
      ['a no-break space', 'sk-live-SECRET123\u00a0'],
      ['a zero-width space', 'sk-live-\u200bSECRET123'],
    ])('%s', async (_, apiKey) => {
      const { fetch, fetchSpy } = replies(json(payment()))
      const error = await confirmCheckout(byId, { apiKey, fetch }).catch((e) => e)
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toMatch(/^apiKey must be/)
      expect(String(error) + JSON.stringify(error) + error.stack).not.toContain('SECRET')
      expect(fetchSpy).not.toHaveBeenCalled()
    })

    test('a key that is no string is a TypeError too', async () => {
      await expect(confirmCheckout(byId, { apiKey: 12345 as never })).rejects.toThrow(/^apiKey must be a string/)
    })
  })

  describe('429 is retried, waiting as Retry-After says', () => {
    test.each([
      ['seconds', () => '2', 2000],
      ['an HTTP date', () => new Date(Date.now() + 3000).toUTCString(), 3000],
    ])('Retry-After in %s', async (_, retryAfter, waited) => {
      vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
      try {
        const tooMany = () =>
          new Response('', { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': retryAfter() } })
        const { fetch, urls } = replies(tooMany, json(payment()))
        const confirmed = confirmCheckout(byId, { apiKey: API_KEY, fetch })
        await vi.advanceTimersByTimeAsync(waited - 1)
        expect(urls).toHaveLength(1)
        await vi.advanceTimersByTimeAsync(1)
        expect(urls).toHaveLength(2)
        expect(await confirmed).toMatchObject({ kind: 'payment' })
      } finally {
        vi.useRealTimers()
      }
    })

    test('without Retry-After (or an unreadable one), with backoff; a 429 that does not end is given up', async () => {
      const timeouts = vi.spyOn(globalThis, 'setTimeout')
      const { fetch, urls } = replies(
        new Response('', { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': 'soon' } }),
      )
      const error = await confirmCheckout(byId, { apiKey: API_KEY, fetch, retries: 2 }).catch((e) => e)
      expect(error).toMatchObject({
        name: 'MoonClerkApiError',
        status: 0,
        retryable: true,
        message: expect.stringMatching(/gave up after 3 attempts in \d+ ms \(429 Too Many Requests\)/),
      })
      expect(urls).toHaveLength(3)
      expect(timeouts.mock.calls.map(([, ms]) => ms).filter((ms) => ms == 250 || ms == 500)).toStrictEqual([250, 500])
    })

    test('a Retry-After past the deadline is given up at once, saying so', async () => {
      const { fetch, urls } = replies(
        new Response('', { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '30' } }),
      )
      const started = Date.now()
      const error = await confirmCheckout(byId, { apiKey: API_KEY, fetch, deadlineMs: 5_000 }).catch((e) => e)
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(error).toMatchObject({
        status: 0,
        retryable: true,
        message: expect.stringMatching(
          /gave up after 1 attempt in \d+ ms \(429 Too Many Requests; Retry-After 30 s is past the deadline\)/,
        ),
      })
      expect(urls).toHaveLength(1)
    })

    test('a long Retry-After is capped at 60 s', async () => {
      vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
      try {
        const { fetch, urls } = replies(
          new Response('', { status: 503, headers: { 'Retry-After': '3600' } }),
          json(payment()),
        )
        const confirmed = confirmCheckout(byId, { apiKey: API_KEY, fetch, deadlineMs: 120_000 })
        await vi.advanceTimersByTimeAsync(60_000)
        expect(urls).toHaveLength(2)
        expect(await confirmed).toMatchObject({ kind: 'payment' })
      } finally {
        vi.useRealTimers()
      }
    })
  })

  describe('deadlineMs bounds every attempt and wait', () => {
    test('a hanging API is given up by the deadline (real time: 300 ms)', { timeout: 3_000 }, async () => {
      const { fetch, urls } = replies('hang')
      const started = Date.now()
      const error = await confirmCheckout(byId, { apiKey: API_KEY, fetch, deadlineMs: 300 }).catch((e) => e)
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(error).toBeInstanceOf(MoonClerkApiError)
      expect(error).toMatchObject({
        status: 0,
        retryable: true,
        // The attempt gets what is left of the deadline: 300 ms, less what a loaded machine took to start it.
        message: expect.stringMatching(
          /^MoonClerk API \/payments\/5: gave up after 1 attempt in \d+ ms \(no answer within (2\d\d|300) ms\)$/,
        ),
      })
      expect(urls).toHaveLength(1)
    })

    test('with the defaults, a hanging API is given up after 10 s, not 42 s', async () => {
      vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
      try {
        const { fetch } = replies('hang')
        const outcome = confirmCheckout(byId, { apiKey: API_KEY, fetch }).catch((e) => e)
        await vi.advanceTimersByTimeAsync(9_999)
        let settled = false
        void outcome.then(() => (settled = true))
        await vi.advanceTimersByTimeAsync(0)
        expect(settled).toBe(false)
        await vi.advanceTimersByTimeAsync(1)
        expect(await outcome).toMatchObject({
          status: 0,
          message: expect.stringMatching(/gave up after 1 attempt in 10000 ms/),
        })
      } finally {
        vi.useRealTimers()
      }
    })

    test("each request's timeout is the smaller of timeoutMs and the time left", async () => {
      vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
      try {
        // 0–200 first attempt, 250 backoff, 450–650 second attempt; a 500 ms backoff passes 1,000.
        const { fetch, urls } = replies('hang')
        const outcome = confirmCheckout(byId, { apiKey: API_KEY, fetch, timeoutMs: 200, deadlineMs: 1_000 }).catch(
          (e) => e,
        )
        await vi.advanceTimersByTimeAsync(1_000)
        expect(urls).toHaveLength(2)
        expect(await outcome).toMatchObject({
          message: expect.stringMatching(/gave up after 2 attempts in 650 ms \(no answer within 200 ms\)/),
        })
      } finally {
        vi.useRealTimers()
      }
    })

    test('a fetch that ignores the abort signal is given up all the same', { timeout: 3_000 }, async () => {
      const deaf = (() => new Promise<Response>(() => {})) as typeof fetch
      await expect(confirmCheckout(byId, { apiKey: API_KEY, fetch: deaf, deadlineMs: 200 })).rejects.toMatchObject({
        status: 0,
        retryable: true,
      })
    })

    test('pages of a checkout-token search share one deadline', async () => {
      vi.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') })
      try {
        const slowPage = () =>
          new Promise<Response>((resolve) =>
            setTimeout(() => resolve(json({ payments: Array(100).fill({ id: 1 }) })), 400),
          )
        const fetchSpy = vi.fn(slowPage)
        const outcome = confirmCheckout(
          { customId: 'u1', checkoutToken: 'ck1' },
          { apiKey: API_KEY, fetch: fetchSpy as never, deadlineMs: 1_000 },
        ).catch((e) => e)
        await vi.advanceTimersByTimeAsync(2_000)
        expect(await outcome).toMatchObject({ name: 'MoonClerkApiError', status: 0 })
        expect(fetchSpy).toHaveBeenCalledTimes(3)
      } finally {
        vi.useRealTimers()
      }
    })

    test.each([0, -1, Number.NaN, Infinity, '100'])('deadlineMs %j is a TypeError', async (deadlineMs) => {
      await expect(confirmCheckout(byId, { apiKey: API_KEY, deadlineMs: deadlineMs as never })).rejects.toThrow(
        /^deadlineMs must be a positive number of milliseconds/,
      )
    })
  })
})

describe('the low-level client: client(), apiGet(), withDeadline()', () => {
  const answer = (body: unknown, init?: ResponseInit) => vi.fn(async () => new Response(JSON.stringify(body), init))

  test('client() starts the clock: deadlineAt is deadlineMs from now, 10 s by default', () => {
    const before = Date.now()
    expect(client({ apiKey: API_KEY }, 'test').deadlineAt - before).toBeGreaterThanOrEqual(10_000)
    expect(client({ apiKey: API_KEY }, 'test').deadlineAt - Date.now()).toBeLessThanOrEqual(10_000)
    expect(client({ apiKey: API_KEY, deadlineMs: 500 }, 'test').deadlineAt - Date.now()).toBeLessThanOrEqual(500)
    expect(client({ apiKey: API_KEY }, 'test').base.href).toBe('https://api.moonclerk.com/')
  })

  test('apiGet() past the deadline asks nothing; withDeadline() gives a copy with a fresh one', async () => {
    const fetchSpy = answer({ payments: [] })
    const api = { ...client({ apiKey: API_KEY, fetch: fetchSpy as never }, 'test'), deadlineAt: Date.now() - 1 }
    await expect(apiGet('payments', { count: '100' }, api)).rejects.toMatchObject({
      status: 0,
      retryable: true,
      message: expect.stringMatching(
        /^MoonClerk API \/payments: gave up after 0 attempts in \d+ ms \(the deadline had passed\)$/,
      ),
    })
    expect(fetchSpy).not.toHaveBeenCalled()
    const renewed = withDeadline(api, 5_000)
    expect(renewed.deadlineAt).toBeGreaterThan(Date.now())
    expect(api.deadlineAt).toBeLessThan(Date.now())
    expect(await apiGet('payments', { count: '100', offset: '0' }, renewed)).toStrictEqual({ payments: [] })
    expect(String(fetchSpy.mock.calls[0]?.[0 as never])).toBe('https://api.moonclerk.com/payments?count=100&offset=0')
    expect(() => withDeadline(api, 0)).toThrow(TypeError)
  })

  test.each([
    [401, false],
    [403, false],
    [404, false],
    [400, false],
    [302, false],
    [500, true],
    [503, true],
    [429, true],
  ])('a %i answer is a MoonClerkApiError whose retryable is %s', async (status, retryable) => {
    const api = client({ apiKey: API_KEY, fetch: answer({}, { status }) as never, retries: 0 }, 'test')
    const error = await apiGet('payments/5', {}, api).catch((e) => e)
    expect(error).toBeInstanceOf(MoonClerkApiError)
    expect(error.retryable).toBe(retryable)
    expect(error.status).toBe(retryable ? 0 : status)
  })

  test("a browser's opaque redirect (status 0) is an error at once, not retryable", async () => {
    const opaque = { ok: false, status: 0, statusText: '', type: 'opaqueredirect', headers: new Headers(), body: null }
    const fetchSpy = vi.fn(async () => opaque as unknown as Response)
    const api = client({ apiKey: API_KEY, fetch: fetchSpy as never }, 'test')
    await expect(apiGet('payments/5', {}, api)).rejects.toMatchObject({ status: 0, retryable: false })
    expect(fetchSpy).toHaveBeenCalledTimes(1)
  })

  test('a network failure is retryable', async () => {
    const api = client(
      { apiKey: API_KEY, fetch: (async () => Promise.reject(new TypeError('fetch failed'))) as never, retries: 0 },
      'test',
    )
    await expect(apiGet('payments/5', {}, api)).rejects.toMatchObject({
      status: 0,
      retryable: true,
      message: expect.stringMatching(/fetch failed/),
    })
  })

  test.each([
    ['retries', -1, /^retries must be a whole number from 0/],
    ['retries', 1.5, /^retries must be a whole number from 0/],
    ['timeoutMs', 0, /^timeoutMs must be a positive number/],
  ])('%s %j is a TypeError', (name, value, message) => {
    expect(() => client({ apiKey: API_KEY, [name]: value }, 'test')).toThrow(message)
  })
})
