// The whole tracking path, MoonClerk's own (webhook-first): a payment in the stand-in's checkout →
// its webhooks → the demo merchant's endpoint (createWebhookHandler, SQLite ledger) → onPayment
// once; then webhooks that never arrive, caught up by reconcile(), once. These tests steer the
// stand-in's webhooks for everyone, so playwright.config.ts runs them alone, after the others.
import type { APIRequestContext, Page } from '@playwright/test'
import { expect, pay, payUrl, test } from './helpers'

interface Grant {
  kind: string
  id: number
  customId: string
  source: string
}
interface Delivery {
  event: string
  dataId: number
  state: string
}

const FORM = '8h7frjfytj'
const grantsOf = async (request: APIRequestContext, cid: string): Promise<Grant[]> =>
  ((await (await request.get('/demo/api/grants')).json()).grants as Grant[]).filter((g) => g.customId == cid)

async function standIn(page: Page) {
  return new URL(await payUrl(page)).origin
}

/** Pays form 8h7frjfytj as the user `cid`, lands on the success page; the stand-in's payment id. */
async function payAs(page: Page, cid: string): Promise<number> {
  await page.goto(`/e2e/tracking.html?cid=${encodeURIComponent(cid)}`)
  const origin = await standIn(page)
  await pay(page, FORM)
  await page.waitForURL('**/demo/success.html?**')
  const records = await (await page.request.get(`${origin}/__standin/records`)).json()
  return records.api.payments.find((p: { custom_id: string }) => p.custom_id == cid).id
}

/** The stand-in's deliveries of payment `id`, once none is pending. */
async function settledDeliveries(page: Page, origin: string, id: number): Promise<Delivery[]> {
  let deliveries: Delivery[] = []
  await expect
    .poll(async () => {
      const records = await (await page.request.get(`${origin}/__standin/records`)).json()
      deliveries = (records.webhooks as Delivery[]).filter((d) => d.dataId == id)
      return deliveries.length > 0 && deliveries.every((d) => d.state != 'pending')
    })
    .toBe(true)
  return deliveries
}

test('pay → webhooks → endpoint → SQLite ledger → onPayment once; three dropped webhooks caught up by reconcile, once', async ({
  page,
}) => {
  const run = Date.now().toString(36)
  const cid = `track-${run}`
  const id = await payAs(page, cid)
  const origin = await standIn(page)
  const deliveries = await settledDeliveries(page, origin, id)
  expect(deliveries.map((d) => [d.event, d.state])).toStrictEqual([
    ['payment_created', 'delivered'],
    ['payment_succeeded', 'delivered'],
  ])
  expect(await grantsOf(page.request, cid)).toStrictEqual([
    { kind: 'payment', id, customId: cid, source: 'webhook', at: expect.any(Number) },
  ])

  // The control: every webhook of the next three checkouts is dropped, as if never sent.
  const drops = await page.request.post(`${origin}/__standin/webhook-drops`, { data: { payments: 3 } })
  expect(drops.ok()).toBe(true)
  const missed = [`missed-1-${run}`, `missed-2-${run}`, `missed-3-${run}`]
  const ids: number[] = []
  for (const missing of missed) ids.push(await payAs(page, missing))
  for (const missedId of ids) {
    const states = (await settledDeliveries(page, origin, missedId)).map((d) => d.state)
    expect(states).toStrictEqual(['dropped', 'dropped'])
  }
  for (const missing of missed) expect(await grantsOf(page.request, missing)).toStrictEqual([])

  const first = await (await page.request.post('/demo/api/reconcile')).json()
  expect(first).toMatchObject({ grantedNow: 3, failed: 0 })
  for (const [i, missing] of missed.entries())
    expect(await grantsOf(page.request, missing)).toStrictEqual([
      { kind: 'payment', id: ids[i], customId: missing, source: 'reconcile', at: expect.any(Number) },
    ])
  const second = await (await page.request.post('/demo/api/reconcile')).json()
  expect(second).toMatchObject({ grantedNow: 0, failed: 0 })
  expect(second.alreadyGranted).toBeGreaterThanOrEqual(4)
  expect(await grantsOf(page.request, cid)).toHaveLength(1)
})
