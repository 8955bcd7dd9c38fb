// @vitest-environment node
// The status endpoint a success page asks (`GET ?cid=…`): from the ledger the webhooks fill, with
// one look in MoonClerk's API when the webhook is late, only for those allowed to ask.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { createWebhookHandler, sealCid, type GrantContext, type WebhookHandlerOptions } from '../src/server/index'
import { memoryLedgerForTestsOnly } from '../src/server/ledger/memory'
import type { Ledger } from '../src/server/ledger/ledger'
import { forgetLooks } from '../src/server/status'
import { API_KEY, api, control, startStandIn, type Json, type StandIn } from './standin-harness'

const SECRET = 'status-endpoint-test-secret-0123456789abcdef'
let standIn: StandIn
let ledger: Ledger
const onPayment = vi.fn(async (_payment: Json, _context: GrantContext) => {})

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn?.close())
beforeEach(async () => {
  await control(standIn, '/__standin/reset')
  ledger = memoryLedgerForTestsOnly()
  onPayment.mockReset()
  forgetLooks()
})

const handler = (more: Partial<WebhookHandlerOptions> = {}) =>
  createWebhookHandler({
    apiKey: API_KEY,
    apiBase: standIn.origin + '/',
    retries: 0,
    ledger,
    onPayment,
    cidSecret: SECRET,
    ...more,
  })

const ask = (cid: string | null, init: RequestInit = {}) =>
  new Request(`https://shop.example/moonclerk${cid === null ? '' : '?cid=' + encodeURIComponent(cid)}`, init)

async function seedPayment(cid: string, given: Json = {}): Promise<Json> {
  const { body } = await control(standIn, '/__standin/seed', {
    payment: { custom_id: cid, name: 'Leon', email: 'l@example.com', ...given },
  })
  return body.payment
}

const webhook = (payment: Json) =>
  new Request('https://shop.example/moonclerk', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ event: 'payment_created', object: 'payment', data: payment }),
  })

describe('GET ?cid=…', () => {
  test('paid once the webhook has landed in the ledger: { paid, kind } and nothing else, never cached', async () => {
    const cid = await sealCid('user-7', SECRET)
    const payment = await seedPayment(cid)
    const handle = handler({ lookInApi: false })
    const before = await handle(ask(cid))
    expect([before.status, await before.json()]).toStrictEqual([200, { paid: false }])
    await handle(webhook(payment))
    const after = await handle(ask(cid))
    expect(after.headers.get('cache-control')).toBe('no-store')
    expect(await after.json()).toStrictEqual({ paid: true, kind: 'payment' })
  })

  test('a late webhook: one look in the API finds the payment, settles it once, and the webhook then grants nothing', async () => {
    const cid = await sealCid('user-8', SECRET)
    const payment = await seedPayment(cid)
    const handle = handler()
    expect(await (await handle(ask(cid))).json()).toStrictEqual({ paid: true, kind: 'payment' })
    expect(onPayment).toHaveBeenCalledTimes(1)
    expect(onPayment.mock.calls[0][1]).toMatchObject({ source: 'status' })
    const late = await handle(webhook(payment))
    expect(await late.json()).toMatchObject({ outcome: 'duplicate' })
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('the API is looked at once per cid per interval, however often the page asks', async () => {
    const cid = await sealCid('user-9', SECRET)
    const calls: string[] = []
    const counting: typeof fetch = (url, init) => (calls.push(String(url)), fetch(url, init))
    const handle = handler({ fetch: counting })
    for (let i = 0; i < 5; i++) expect(await (await handle(ask(cid))).json()).toStrictEqual({ paid: false })
    expect(calls.filter((url) => url.includes('/payments')).length).toBe(1)
    expect(calls.filter((url) => url.includes('/customers')).length).toBe(1)
  })

  test('many cids asking at once make at most ten looks per interval in all', async () => {
    const calls: string[] = []
    const counting: typeof fetch = (url, init) => (calls.push(String(url)), fetch(url, init))
    const handle = handler({ fetch: counting })
    for (let i = 0; i < 25; i++) await handle(ask(await sealCid(`many-${i}`, SECRET)))
    expect(calls.filter((url) => url.includes('/payments')).length).toBe(10)
  })

  test('an unpaid or another cid’s payment is not paid', async () => {
    const cid = await sealCid('user-10', SECRET)
    await seedPayment(cid, { status: 'failed' })
    await seedPayment(await sealCid('user-11', SECRET))
    expect(await (await handler()(ask(cid))).json()).toStrictEqual({ paid: false })
  })

  test('by default only sealed cids are answered: a guessable cid is 403', async () => {
    await seedPayment('user-12')
    const response = await handler()(ask('user-12'))
    expect(response.status).toBe(403)
    expect(await response.json()).toStrictEqual({ paid: false, error: 'not yours to ask' })
    expect(onPayment).not.toHaveBeenCalled()
  })

  test('authorize() ties the question to the site’s own session instead', async () => {
    await seedPayment('user-13')
    const authorize = vi.fn((request: Request, cid: string) => request.headers.get('cookie') == `session=${cid}`)
    const handle = handler({ cidSecret: undefined, authorize })
    expect((await handle(ask('user-13'))).status).toBe(403)
    const mine = await handle(ask('user-13', { headers: { cookie: 'session=user-13' } }))
    expect(await mine.json()).toStrictEqual({ paid: true, kind: 'payment' })
  })

  test('no cid, or an absurd one: 400; no cidSecret and no authorize: GET is 405, POST only', async () => {
    expect((await handler()(ask(null))).status).toBe(400)
    expect((await handler()(ask('x'.repeat(201)))).status).toBe(400)
    const closed = await handler({ cidSecret: undefined })(ask('anything'))
    expect([closed.status, closed.headers.get('allow')]).toStrictEqual([405, 'POST'])
    expect((await handler()(ask('x', { method: 'PUT' }))).headers.get('allow')).toBe('GET, POST')
  })

  test('a plan that is active answers kind plan', async () => {
    const cid = await sealCid('user-14', SECRET)
    await control(standIn, '/__standin/seed', { customer: { custom_id: cid } })
    expect(await (await handler({ onPlan: async () => {} })(ask(cid))).json()).toStrictEqual({
      paid: true,
      kind: 'plan',
    })
  })

  test('a short cidSecret is a TypeError at creation', () => {
    expect(() => handler({ cidSecret: 'short' })).toThrow(/at least 32 characters/)
  })

  test('the API answers what the page must not see: the endpoint passes none of it on', async () => {
    const cid = await sealCid('user-15', SECRET)
    await seedPayment(cid)
    const { body } = await api(standIn, '/payments')
    expect(JSON.stringify(body)).toContain('l@example.com')
    const text = await (await handler()(ask(cid))).text()
    expect(text).toBe('{"paid":true,"kind":"payment"}')
  })
})
