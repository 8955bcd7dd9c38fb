// Faults beyond e2e/faults.spec.ts: the connection dropped, a slow embed.js (with a short and with
// the default timeout), and MoonClerk's constructor throwing. Each ends with the right reason, a
// visible fallback link that carries the cid and works, and no unhandled promise rejection.
import type { Page } from '@playwright/test'
import { errorReasons, expect, payUrl, recordedEvents, test } from './helpers'
import { watchPage } from './hardening-helpers'

const TOKEN = '8h7frjfytj'
const SLOW_MS = 5000

/** Not waiting for `load`: a pending embed.js holds it back, as the stock snippet's would. */
const open = (page: Page, path: string) => page.goto(path, { waitUntil: 'domcontentloaded' })

/** What the stand-in's embed.js did in the page: undefined until it ran. */
const standInRuns = (page: Page) =>
  page.evaluate(() => window.__moonclerkStandIn && window.__moonclerkStandIn.executions)

/** The error is `reason`, no checkout shows, and the visible fallback link carries the cid. */
async function expectFallback(page: Page, reason: string) {
  const placeholder = page.locator('[data-moonclerk-checkout]')
  await expect.poll(() => errorReasons(page)).toEqual([reason])
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'error')
  await expect(placeholder.locator('iframe')).toHaveCount(0)
  const link = placeholder.getByRole('link')
  await expect(link).toBeVisible()
  await expect(link).toHaveAttribute('href', `${await payUrl(page)}${TOKEN}?cid=234`)
}

/** Following the link lands on the stand-in's hosted checkout with the cid. */
async function expectLinkWorks(page: Page) {
  const pay = await payUrl(page)
  await page.locator('[data-moonclerk-checkout]').getByRole('link').click()
  await expect(page).toHaveURL(`${pay}${TOKEN}?cid=234`)
  await expect(page.locator('[data-field="token"]')).toHaveText(TOKEN)
  await expect(page.locator('[data-field="cid"]')).toHaveText('234')
}

test('connection reset: embed.js is dropped without an answer → script-load, working link', async ({ page }) => {
  const watch = watchPage(page)
  const failed: string[] = []
  page.on('requestfailed', (request) => {
    if (new URL(request.url()).pathname == '/assets/embed.js') failed.push(request.failure()?.errorText || '')
  })
  await open(page, '/e2e/hardening-fault-reset.html')
  await expectFallback(page, 'script-load')
  // The request really failed at the network level (no HTTP status), not with an error page.
  expect(failed.length).toBeGreaterThan(0)
  expect(
    failed.every((text) => /ERR_(EMPTY_RESPONSE|CONNECTION_RESET|CONNECTION_CLOSED)/.test(text)),
    failed.join(),
  ).toBe(true)
  expect(await standInRuns(page)).toBeUndefined()
  expect(await watch.unhandled()).toEqual([])
  await expectLinkWorks(page)
})

test(`slow embed.js (${SLOW_MS} ms) with data-moonclerk-timeout="2000" → script-timeout; the late script changes nothing`, async ({
  page,
}) => {
  test.setTimeout(20_000)
  const watch = watchPage(page)
  const started = Date.now()
  await open(page, '/e2e/hardening-fault-slow-timeout.html')
  await expectFallback(page, 'script-timeout')
  const waited = Date.now() - started
  expect(waited).toBeGreaterThanOrEqual(2000)
  expect(waited).toBeLessThan(SLOW_MS)
  expect(await standInRuns(page), 'embed.js had not arrived when the timeout fired').toBeUndefined()

  // It arrives late and runs; the payer keeps the link, and nothing else happens.
  await expect.poll(() => standInRuns(page), { timeout: SLOW_MS + 2000 }).toBe(1)
  // No wait needed: the script's load event fires in the task that ran it, before the poll above
  // saw it run, so whatever the library does on a late load has happened by now.
  await expectFallback(page, 'script-timeout')
  expect((await recordedEvents(page)).map((event) => event.type)).toEqual(['moonclerk:error'])
  expect(await watch.unhandled()).toEqual([])
  await expectLinkWorks(page)
})

test(`slow embed.js (${SLOW_MS} ms) with the default timeout → displays after ≥ ${SLOW_MS} ms`, async ({ page }) => {
  test.setTimeout(20_000)
  const watch = watchPage(page)
  const started = Date.now()
  await open(page, '/e2e/hardening-fault-slow.html')
  const placeholder = page.locator('[data-moonclerk-checkout]')
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'displayed', { timeout: SLOW_MS + 5000 })
  expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS)
  // The page's own clock agrees: embed.js took at least that long.
  const embedMs = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    const entry = entries.find((e) => new URL(e.name).pathname == '/assets/embed.js')
    return entry ? entry.responseEnd - entry.startTime : -1
  })
  expect(embedMs).toBeGreaterThanOrEqual(SLOW_MS - 50)
  await expect(placeholder.locator(`#mc${TOKEN} iframe`)).toBeVisible()
  expect(await recordedEvents(page)).toEqual([
    { type: 'moonclerk:display', detail: { token: TOKEN, opts: { checkoutToken: TOKEN, width: '100%', cid: '234' } } },
  ])
  expect(await watch.unhandled()).toEqual([])
})

test('the MoonclerkEmbed constructor throws → embed-threw, working link', async ({ page }) => {
  const watch = watchPage(page)
  await open(page, '/e2e/hardening-fault-constructor-threw.html')
  await expectFallback(page, 'embed-threw')
  expect(await standInRuns(page)).toBe(1)
  // No instance was made, so none is kept in window.mc<token> (the container's id still names it).
  expect(await page.evaluate((name) => Object.prototype.hasOwnProperty.call(window, name), 'mc' + TOKEN)).toBe(false)
  expect(await watch.unhandled()).toEqual([])
  await expectLinkWorks(page)
})
