// @vitest-environment node
// The server companion against the project's MoonClerk stand-in, over real HTTP on 127.0.0.1:
// pay through the hosted checkout, then confirm the return through the API. (Webhooks: see
// server-webhook.test.ts, which runs the README's handler.)
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { confirmCheckout, isPaid, MoonClerkApiError } from '../src/server/index'
import { payOnStandIn } from './standin-harness'

interface StandIn {
  origin: string
  close(): Promise<void>
}
const API_KEY = 'server-test-key-51c2'
// Forms from demo/forms.json: $10.00 once, and $15.00 a month.
const ONE_TIME = '8h7frjfytj'
const ONE_TIME_FORM = 234101
const PLAN = 'k2m9q4zr7x'
const PLAN_FORM = 234102

let standIn: StandIn

beforeAll(async () => {
  const { startStandIn } = (await import(new URL('../demo/standin.mjs', import.meta.url).href)) as {
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
  const response = await fetch(`${standIn.origin}/__standin/seed`, { method: 'POST', body: JSON.stringify({ [kind]: fields }) })
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
  expect(await confirmCheckout({ checkoutToken, customId }, options())).toMatchObject({ kind: 'plan', record: { custom_id: 'plan-user-7' } })
})

test('5xx answers are retried with backoff', async () => {
  const { checkoutToken, customId } = await pay(ONE_TIME, 'retry-user')
  const returned = { checkoutToken, customId }
  await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: JSON.stringify({ status: 503, times: 2 }) })
  expect(await confirmCheckout(returned, options())).toMatchObject({ kind: 'payment' })
  await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: JSON.stringify({ status: 502, times: 5 }) })
  await expect(confirmCheckout(returned, { ...options(), retries: 1 })).rejects.toThrow(/gave up after 2 attempts \(502/)
  await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: JSON.stringify({ status: 502, times: 0 }) })
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
    const payment = await seed('payment', { ...fields, custom_id: 'u-' + token, form_id: ONE_TIME_FORM, checkout: { token } })
    expect(await confirmCheckout({ checkoutToken: token, customId: 'u-' + token }, options())).toBeNull()
    expect(await confirmCheckout({ paymentId: payment.id, customId: 'u-' + token }, options())).toBeNull()
  })

  test('a partly refunded payment is still confirmed', async () => {
    const payment = await seed('payment', { amount: 1000, amount_refunded: 300, custom_id: 'u-partly', checkout: { token: 'tok-partly' } })
    expect(await confirmCheckout({ checkoutToken: 'tok-partly', customId: 'u-partly' }, options())).toMatchObject({ record: { id: payment.id } })
  })

  test.each(['canceled', 'past_due'])('a plan whose subscription is %s is not confirmed', async (status) => {
    const plan = await seed('customer', { custom_id: 'plan-' + status, checkout: { token: 'tok-plan-' + status }, subscription: { status } })
    expect(await confirmCheckout({ checkoutToken: 'tok-plan-' + status, customId: 'plan-' + status }, options())).toBeNull()
    expect(await confirmCheckout({ customerId: plan.id, customId: 'plan-' + status }, options())).toBeNull()
  })

  test("formId pins the form: another form's payment or plan is not confirmed", async () => {
    const once = await pay(ONE_TIME, 'form-user')
    const plan = await pay(PLAN, 'form-plan-user')
    const confirm = (returned: { checkoutToken?: string; paymentId?: string; customerId?: string }, customId: string, formId: number) =>
      confirmCheckout({ ...returned, customId }, { ...options(), formId })
    expect(await confirm({ checkoutToken: once.checkoutToken }, 'form-user', ONE_TIME_FORM)).toMatchObject({ kind: 'payment' })
    expect(await confirm({ checkoutToken: once.checkoutToken }, 'form-user', PLAN_FORM)).toBeNull()
    expect(await confirm({ paymentId: once.paymentId }, 'form-user', PLAN_FORM)).toBeNull()
    expect(await confirm({ customerId: plan.customerId }, 'form-plan-user', ONE_TIME_FORM)).toBeNull()
    expect(await confirm({ customerId: plan.customerId }, 'form-plan-user', PLAN_FORM)).toMatchObject({ kind: 'plan' })
  })

  test('amountCents pins the price: of the payment, or of the plan', async () => {
    const once = await pay(ONE_TIME, 'price-user')
    const plan = await pay(PLAN, 'price-plan-user')
    const confirm = (returned: { checkoutToken: string; customId: string }, amountCents: number) =>
      confirmCheckout({ checkoutToken: returned.checkoutToken, customId: returned.customId }, { ...options(), formId: returned == once ? ONE_TIME_FORM : PLAN_FORM, amountCents })
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
    const confirmed = await confirmCheckout({ paymentId: once.paymentId, customId: 'old-page-user' }, { ...options(), fetch: fetchSpy })
    expect(confirmed).toMatchObject({ kind: 'payment', record: { id: Number(once.paymentId), custom_id: 'old-page-user' } })
    expect(fetchSpy.mock.calls.map(([url]) => new URL(String(url)).pathname)).toStrictEqual([`/payments/${once.paymentId}`])
    expect(await confirmCheckout({ customerId: Number(plan.customerId), customId: 'old-plan-user' }, options())).toMatchObject({ kind: 'plan' })
    expect(await confirmCheckout({ paymentId: once.paymentId, customId: 'someone-else' }, options())).toBeNull()
    expect(await confirmCheckout({ customerId: once.paymentId, customId: 'old-page-user' }, options())).toBeNull()
    expect(await confirmCheckout({ paymentId: 999_999_999, customId: 'old-page-user' }, options())).toBeNull()
    // An unfilled placeholder, or a path in disguise, is no id: no request for it.
    for (const paymentId of ['{{payment_id}}', '../customers']) {
      expect(await confirmCheckout({ paymentId, customId: 'old-page-user' }, { ...options(), fetch: fetchSpy })).toBeNull()
    }
    expect(fetchSpy).toHaveBeenCalledTimes(1)
  })

  test("what the success page read (readReturn's detail) can be passed as it is; its keys must agree", async () => {
    const once = await pay(ONE_TIME, 'all-keys')
    const plan = await pay(PLAN, 'all-plan-keys')
    const detail = { ...once, customerId: null, cidMatches: true, repeated: false }
    expect(await confirmCheckout(detail, options())).toMatchObject({ kind: 'payment', record: { custom_id: 'all-keys' } })
    expect(await confirmCheckout({ ...plan, paymentId: null }, options())).toMatchObject({ kind: 'plan', record: { custom_id: 'all-plan-keys' } })
    expect(await confirmCheckout({ ...detail, checkoutToken: plan.checkoutToken }, options())).toBeNull()
    await expect(confirmCheckout({ ...detail, customerId: plan.customerId }, options())).rejects.toThrow(/a paymentId or a customerId, not both/)
    await expect(confirmCheckout({ checkoutToken: '', paymentId: null, customId: 'all-keys' }, options())).rejects.toThrow(
      /needs the checkoutToken, paymentId or customerId/,
    )
  })

  test('isPaid says the same about what confirmCheckout returns', async () => {
    const once = await pay(ONE_TIME, 'is-paid')
    const confirmed = await confirmCheckout({ checkoutToken: once.checkoutToken, customId: 'is-paid' }, options())
    expect(isPaid(confirmed!)).toBe(true)
    expect(isPaid({ kind: 'payment', record: { ...confirmed!.record, status: 'failed' } })).toBe(false)
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
    await expect(confirmCheckout(returned, { apiKey: API_KEY, apiBase, fetch: fetchSpy })).rejects.toThrow(/^apiBase must be/)
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
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"payment":{"id":1,"custom_id":"x","status":"successful","amount_refunded":0}}')
  })
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
  const redirector = http.createServer((req, res) => res.writeHead(302, { Location: `http://127.0.0.1:${(target.address() as AddressInfo).port}${req.url}` }).end())
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
      return typeof body == 'number' ? new Response('', { status: body, statusText: body == 403 ? 'Forbidden' : 'Oops' }) : new Response(JSON.stringify(body))
    })
    return { urls, fetch: fetchSpy as unknown as typeof fetch, api: { apiKey: API_KEY, fetch: fetchSpy as unknown as typeof fetch } }
  }
  const paid = (fields: Record<string, unknown>) => ({ id: 5, custom_id: 'u1', status: 'successful', amount: 1000, amount_refunded: 0, checkout: { token: 'ck1' }, ...fields })
  const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => paid({ id: 1000 + i, checkout: { token: 'other' } }))

  test('the key is required, and the message names the call', async () => {
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, undefined as never)).rejects.toThrow(/^confirmCheckout needs the MoonClerk API key/)
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, { apiKey: '' })).rejects.toThrow(/^confirmCheckout needs the MoonClerk API key/)
  })

  test("MoonClerk's own API is the default base", async () => {
    const { urls, api } = scripted(() => ({ payment: paid({}) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: 5 }, api)).toMatchObject({ kind: 'payment' })
    expect(urls.map(String)).toStrictEqual(['https://api.moonclerk.com/payments/5'])
  })

  test('a 4xx answer is an error at once, naming the path and the status', async () => {
    const { urls, api } = scripted(() => 403)
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, api)).rejects.toMatchObject({ status: 403, message: 'MoonClerk API /payments/5: 403 Forbidden' })
    expect(urls).toHaveLength(1)
  })

  test('a 500 is retried after 250 ms, then 500 ms', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    let calls = 0
    const { api } = scripted(() => (++calls < 3 ? 500 : { payment: paid({}) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: 5 }, { ...api, retries: 2 })).toMatchObject({ kind: 'payment' })
    expect(calls).toBe(3)
    expect(timeouts.mock.calls.map(([, ms]) => ms).filter((ms) => ms == 250 || ms == 500)).toStrictEqual([250, 500])
  })

  test.each([
    ['another payment', { payment: paid({ id: 6 }) }],
    ['no payment', { payment: null }],
    ['nothing', {}],
  ])('an answer that holds %s is an error, not a confirmation', async (_, body) => {
    const { api } = scripted(() => body)
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, api)).rejects.toMatchObject({ status: 200, message: 'MoonClerk API /payments/5: the answer holds no payment 5' })
  })

  test('an answer whose record is no object is an error, whatever the id', async () => {
    const { api } = scripted(() => ({ payment: 'undefined' }))
    await expect(confirmCheckout({ customId: 'u1', paymentId: 'undefined' }, api)).rejects.toMatchObject({ status: 200 })
  })

  test('an id that could leave its path segment is no id: nothing is requested', async () => {
    const { urls, api } = scripted(() => ({ payment: paid({}) }))
    expect(await confirmCheckout({ customId: 'u1', paymentId: '5/../../customers/7' }, api)).toBeNull()
    expect(urls).toStrictEqual([])
  })

  test('an empty paymentId counts as absent: the checkout token is used', async () => {
    const { urls, api } = scripted((url) => (url.pathname == '/payments' ? { payments: [paid({})] } : {}))
    expect(await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1', paymentId: '' }, api)).toMatchObject({ kind: 'payment' })
    expect(urls.map((url) => url.pathname)).toStrictEqual(['/payments'])
  })

  test('pages through full pages of 100 until the match, with count and offset', async () => {
    const { urls, api } = scripted((url) => ({ payments: url.searchParams.get('offset') == '0' ? rowsOf(100) : [...rowsOf(3), paid({})] }))
    expect(await confirmCheckout({ customId: 'u1', checkoutToken: 'ck1' }, api)).toMatchObject({ kind: 'payment', record: { id: 5 } })
    expect(urls.map((url) => [url.pathname, url.searchParams.get('count'), url.searchParams.get('offset')])).toStrictEqual([
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
    await expect(confirmCheckout(returned, { ...api, amountCents: -1 })).rejects.toThrow('amountCents must be a whole number of cents')
    await expect(confirmCheckout(returned, { ...api, formId: '' })).rejects.toThrow('formId must not be empty')
    // A free payment ($0, nothing refunded) is paid.
    expect(await confirmCheckout(returned, { ...api, amountCents: 0 })).toMatchObject({ kind: 'payment' })
  })

  test('a return that is no object, or whose customId is no string, is a TypeError', async () => {
    const { api } = scripted(() => ({ payment: paid({}) }))
    await expect(confirmCheckout(null as never, api)).rejects.toThrow(/^confirmCheckout needs the customId/)
    await expect(confirmCheckout({ customId: 5 as never, paymentId: 5 }, api)).rejects.toThrow(/^confirmCheckout needs the customId/)
  })

  test('a plan without a price is not confirmed at a pinned price', async () => {
    const plan = { id: 7, custom_id: 'u1', subscription: { status: 'active' } }
    const { api } = scripted(() => ({ customer: plan }))
    expect(await confirmCheckout({ customId: 'u1', customerId: 7 }, { ...api, amountCents: 1500 })).toBeNull()
    expect(await confirmCheckout({ customId: 'u1', customerId: 7 }, api)).toMatchObject({ kind: 'plan' })
  })

  test('isPaid: a successful payment without amount_refunded is paid', () => {
    expect(isPaid({ object: 'payment', data: { status: 'successful', amount: 1000 } })).toBe(true)
  })

  test.each(['http://evillocalhost/', 'http://127.0.0.1.evil/'])('%s is refused', async (apiBase) => {
    const { urls, api } = scripted(() => ({}))
    await expect(confirmCheckout({ customId: 'u1', paymentId: 5 }, { ...api, apiBase })).rejects.toThrow(/^apiBase must be/)
    expect(urls).toStrictEqual([])
  })

  test.each(['http://127.0.10.1/', 'http://127.0.0.10/'])('%s, a loopback address, is used', async (apiBase) => {
    const { urls, api } = scripted(() => ({ payment: paid({}) }))
    await confirmCheckout({ customId: 'u1', paymentId: 5 }, { ...api, apiBase })
    expect(String(urls[0])).toBe(apiBase + 'payments/5')
  })
})
