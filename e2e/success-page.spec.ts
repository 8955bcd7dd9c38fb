// The success page learns that the payment landed, along MoonClerk's webhook-first path, on the
// demo: the payer pays in the stand-in's checkout (a form that redirects to a plain URL) → the
// stand-in posts its webhook to the demo's endpoint (SQLite ledger) → the success page asks that
// endpoint and shows "Paid". These tests steer the stand-in's webhooks and API for everyone, so
// playwright.config.ts runs them alone, after the others.
import type { APIRequestContext, Page } from '@playwright/test'
import { cspConsoleMessages, expect, pay, payUrl, recordedEvents, test } from './helpers'

const ENDPOINT = '/demo/api/moonclerk'
const PAID_TEXT = 'Paid. MoonClerk told the demo'
const PENDING_TEXT = 'Confirming your payment…'

interface Grant {
  kind: string
  customId: string
  source: string
}
const grantsOf = async (request: APIRequestContext, cid: string): Promise<Grant[]> =>
  ((await (await request.get('/demo/api/grants')).json()).grants as Grant[]).filter((g) => g.customId == cid)

/** The demo's checkout page, ready to pay: the stand-in's origin and the sealed cid the page was rendered with. */
async function checkoutPage(page: Page, token = 'plainredir') {
  await page.goto('/demo/confirmed.html')
  await expect(page.locator(`[data-moonclerk-checkout="${token}"]`)).toHaveAttribute(
    'data-moonclerk-state',
    'displayed',
  )
  const cid = (await page.locator(`[data-moonclerk-checkout="${token}"]`).getAttribute('data-moonclerk-cid'))!
  expect(cid).toMatch(/^[\w-]{100,}$/)
  return { standIn: new URL(await payUrl(page)).origin, cid }
}

/** The page's questions to the status endpoint, as they are sent. */
function statusQuestions(page: Page): string[] {
  const asked: string[] = []
  page.on('request', (request) => request.url().includes(`${ENDPOINT}?cid=`) && asked.push(request.url()))
  return asked
}

// The stand-in a test steered, so that the next test starts with MoonClerk as it is.
let steered: string | null = null
async function steer(page: Page, standIn: string, route: string, data: object) {
  steered = standIn
  expect((await page.request.post(`${standIn}/__standin/${route}`, { data })).ok()).toBe(true)
}

/** The stand-in's payment for `cid`. */
async function paymentOf(page: Page, standIn: string, cid: string): Promise<{ id: number }> {
  const records = await (await page.request.get(`${standIn}/__standin/records`)).json()
  return records.api.payments.find((p: { custom_id: string }) => p.custom_id == cid)
}

/** The success page's paragraphs, one shown per state. */
const states = (page: Page) => page.locator('.states')
const detail = (page: Page, name: string) => page.locator(`[data-detail="${name}"]`)

test.afterEach(async ({ request }) => {
  if (!steered) return
  await request.post(`${steered}/__standin/api-faults`, { data: { status: 503, times: 0 } })
  await request.post(`${steered}/__standin/webhook-drops`, { data: { times: 0 } })
  steered = null
})

test('pay → webhook → the demo endpoint → a plain success page shows Paid, from the tab memory; granted once', async ({
  page,
}) => {
  // The demo's strict CSP (no inline script or style) holds on both pages.
  const csp = cspConsoleMessages(page)
  const { cid } = await checkoutPage(page)
  await pay(page, 'plainredir')
  await page.waitForURL('**/demo/confirmed-thanks.html')
  await expect(states(page).getByText(PAID_TEXT)).toBeVisible()
  await expect(states(page).getByText(PENDING_TEXT)).toBeHidden()
  await expect(page.locator('html')).toHaveAttribute('data-moonclerk-payment', 'paid')
  await expect(detail(page, 'customId')).toHaveText(cid)
  await expect(detail(page, 'source')).toHaveText("this tab's memory of its checkout")
  await expect(detail(page, 'kind')).toHaveText('a one-time payment')
  await expect(page.locator('#event-log .event-paid')).toHaveCount(1)
  // The webhook and the page's question may each settle it first: either way, granted once.
  await expect.poll(async () => (await grantsOf(page.request, cid)).length).toBe(1)
  expect(csp).toStrictEqual([])
})

test('the webhook arrives late: the page shows Confirming… while it asks, then Paid once the webhook lands', async ({
  page,
}) => {
  const { standIn, cid } = await checkoutPage(page)
  const asked = statusQuestions(page)
  // The webhooks of this checkout are held back, and the endpoint's look in the API fails: only
  // the webhook, sent below, can confirm it.
  await steer(page, standIn, 'webhook-drops', { payments: 1 })
  await steer(page, standIn, 'api-faults', { status: 503, times: 1000 })
  await pay(page, 'plainredir')
  await page.waitForURL('**/demo/confirmed-thanks.html')
  await expect(states(page).getByText(PENDING_TEXT)).toBeVisible()
  await expect.poll(() => asked.length).toBeGreaterThanOrEqual(3)
  await expect(states(page).getByText(PENDING_TEXT)).toBeVisible()
  expect(await grantsOf(page.request, cid)).toStrictEqual([])

  await steer(page, standIn, 'api-faults', { status: 503, times: 0 })
  const { id } = await paymentOf(page, standIn, cid)
  await steer(page, standIn, 'webhooks', { url: new URL(ENDPOINT, page.url()).href, event: 'payment_succeeded', id })
  await expect(states(page).getByText(PAID_TEXT)).toBeVisible({ timeout: 10_000 })
  expect(await grantsOf(page.request, cid)).toMatchObject([{ kind: 'payment', source: 'webhook' }])
})

test("the webhook never arrives, but MoonClerk's API has the payment: the endpoint's look finds it", async ({
  page,
}) => {
  const { standIn, cid } = await checkoutPage(page)
  await steer(page, standIn, 'webhook-drops', { payments: 1 })
  await pay(page, 'plainredir')
  await page.waitForURL('**/demo/confirmed-thanks.html')
  await expect(states(page).getByText(PAID_TEXT)).toBeVisible()
  expect(await grantsOf(page.request, cid)).toMatchObject([{ kind: 'payment', source: 'status' }])
  const records = await (await page.request.get(`${standIn}/__standin/records`)).json()
  const { id } = await paymentOf(page, standIn, cid)
  expect(
    records.webhooks.filter((d: { dataId: number }) => d.dataId == id).map((d: { state: string }) => d.state),
  ).toStrictEqual(['dropped', 'dropped'])
})

test('nothing was paid: Confirming…, then moonclerk:unconfirmed once the (shortened) wait is over', async ({
  page,
}) => {
  const { cid } = await checkoutPage(page)
  const asked = statusQuestions(page)
  // The payer leaves the checkout without paying and opens the success page.
  await page.goto('/e2e/confirmed-thanks-quick.html')
  await expect(states(page).getByText('Confirming your payment…')).toBeVisible()
  await expect(states(page).getByText('We have not heard from MoonClerk')).toBeVisible()
  await expect(states(page).getByText('Confirming your payment…')).toBeHidden()
  const events = await recordedEvents(page)
  expect(events.map((event) => event.type)).toStrictEqual(['moonclerk:return', 'moonclerk:unconfirmed'])
  expect(events[0].detail).toMatchObject({ customId: cid, source: 'memory', cidMatches: true })
  expect(events[1].detail).toStrictEqual({ customId: cid, reason: 'timeout', status: null })
  // At once, after 1 s, and when the 2 s are up.
  expect(asked).toHaveLength(3)
  expect(await grantsOf(page.request, cid)).toStrictEqual([])
})

test('the placeholders come back filled: the address and the tab memory agree, and the page shows Paid', async ({
  page,
}) => {
  const { cid } = await checkoutPage(page, 'filledredir')
  await pay(page, 'filledredir')
  await page.waitForURL((url) => url.pathname == '/demo/confirmed-thanks.html' && url.searchParams.has('custom_id'))
  expect(new URL(page.url()).searchParams.get('custom_id')).toBe(cid)
  await expect(states(page).getByText(PAID_TEXT)).toBeVisible()
  await expect(detail(page, 'source')).toHaveText('the address (the redirect filled it in)')
  await expect(detail(page, 'customId')).toHaveText(cid)
  const returned = JSON.parse(
    (await page.locator('#event-log .event-return').textContent())!.replace('moonclerk:return ', ''),
  )
  expect(returned).toMatchObject({ customId: cid, source: 'url', cidMatches: true, repeated: false })
  expect(returned.checkoutToken).toMatch(/\w+/)
})

test('a success page opened in a tab that sent no cid says so, and asks nothing', async ({ page }) => {
  const asked = statusQuestions(page)
  await page.goto('/demo/confirmed-thanks.html')
  await expect(states(page).getByText('We have not heard from MoonClerk')).toBeVisible()
  await expect(detail(page, 'customId')).toHaveText('none: this tab sent no custom id into a checkout')
  expect(asked).toStrictEqual([])
})
