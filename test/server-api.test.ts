// @vitest-environment node
// The server companion against the project's MoonClerk stand-in, over real HTTP on 127.0.0.1:
// pay through the hosted checkout, then confirm the return through the API, and receive webhooks.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { confirmCheckout, MoonClerkApiError, parseWebhook, type MoonClerkWebhook } from '../src/server/index'

interface StandIn {
  origin: string
  close(): Promise<void>
}
const API_KEY = 'server-test-key-51c2'
// Forms from demo/forms.json.
const ONE_TIME = '8h7frjfytj'
const PLAN = 'k2m9q4zr7x'

let standIn: StandIn
let hooks: http.Server
const received: Array<MoonClerkWebhook | string> = []

beforeAll(async () => {
  // The README's webhook handler, in short: 200 for a valid payload, 400 for anything else.
  hooks = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      try {
        received.push(parseWebhook(Buffer.concat(chunks).toString('utf8')))
        res.writeHead(200).end()
      } catch (error) {
        received.push(String(error))
        res.writeHead(400).end()
      }
    })
  })
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve))
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/moonclerk`
  const { startStandIn } = (await import(new URL('../demo/standin.mjs', import.meta.url).href)) as {
    startStandIn(options: object): Promise<StandIn>
  }
  standIn = await startStandIn({ siteOrigin: 'http://127.0.0.1:1', apiKey: API_KEY, webhookRetryMs: 5, webhookUrl: hookUrl })
})

afterAll(async () => {
  await standIn?.close()
  hooks?.closeAllConnections()
  await new Promise((resolve) => hooks?.close(resolve))
})

/** Pays as the hosted checkout's form does, and returns what the redirect URL brings back. */
async function pay(token: string, cid: string) {
  const response = await fetch(`${standIn.origin}/pay/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cid, name: 'Leon Bridges', email: 'leon@example.com' }).toString(),
    redirect: 'manual',
  })
  const back = new URL(response.headers.get('location')!).searchParams
  return { checkoutToken: back.get('checkout_token')!, customId: back.get('custom_id')! }
}

const options = () => ({ apiKey: API_KEY, apiBase: standIn.origin + '/' })

test('a one-time payment is confirmed when its custom id is the expected one', async () => {
  const returned = await pay(ONE_TIME, 'sealed-234')
  expect(await confirmCheckout(returned, options())).toMatchObject({
    kind: 'payment',
    record: { custom_id: 'sealed-234', checkout: { token: returned.checkoutToken } },
  })
})

test('a return whose custom id differs from the payment is not confirmed', async () => {
  const returned = await pay(ONE_TIME, 'real-user')
  expect(await confirmCheckout({ ...returned, customId: 'someone-else' }, options())).toBeNull()
})

test('a made-up checkout token is not confirmed', async () => {
  expect(await confirmCheckout({ checkoutToken: 'typedByHand123', customId: 'x' }, options())).toBeNull()
})

test('a recurring plan is confirmed through its customer record', async () => {
  const returned = await pay(PLAN, 'plan-user-7')
  expect(await confirmCheckout(returned, options())).toMatchObject({ kind: 'plan', record: { custom_id: 'plan-user-7' } })
})

test('5xx answers are retried with backoff', async () => {
  const returned = await pay(ONE_TIME, 'retry-user')
  await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: JSON.stringify({ status: 503, times: 2 }) })
  expect(await confirmCheckout(returned, options())).toMatchObject({ kind: 'payment' })
  await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: JSON.stringify({ status: 502, times: 5 }) })
  await expect(confirmCheckout(returned, { ...options(), retries: 1 })).rejects.toThrow(/gave up after 2 attempts \(502/)
  await fetch(`${standIn.origin}/__standin/api-faults`, { method: 'POST', body: JSON.stringify({ status: 502, times: 0 }) })
})

test('a wrong key fails at once, and the key appears in no message', async () => {
  const returned = await pay(ONE_TIME, 'key-user')
  const error = await confirmCheckout(returned, { ...options(), apiKey: 'wrong-key-should-not-leak' }).catch((e) => e)
  expect(error).toBeInstanceOf(MoonClerkApiError)
  expect(error.status).toBe(401)
  expect(String(error) + JSON.stringify(error)).not.toContain('wrong-key-should-not-leak')
})

test("MoonClerk's webhooks reach a handler built on parseWebhook, which answers 200", async () => {
  const before = received.length
  const returned = await pay(ONE_TIME, 'hooked-user')
  await expect.poll(() => received.slice(before).find((hook) => typeof hook != 'string' && hook.customId == 'hooked-user')).toMatchObject({
    event: 'payment_created',
    object: 'payment',
    checkoutToken: returned.checkoutToken,
  })
  expect(received.filter((hook) => typeof hook == 'string')).toStrictEqual([])
})
