// Shared by the e2e specs: a `test` that fails on uncaught page errors, and readers for what the
// fixture pages record (record-events.js), what the stand-in's embed.js received and which
// payments its checkout made.
import { test as base, expect, type Frame, type Page } from '@playwright/test'
import type { DisplayDetail, ErrorDetail, PaidDetail, ReturnDetail, UnconfirmedDetail } from '../src/index'

export type RecordedEvent =
  | { type: 'moonclerk:display'; detail: DisplayDetail }
  | { type: 'moonclerk:error'; detail: ErrorDetail }
  | { type: 'moonclerk:return'; detail: ReturnDetail }
  | { type: 'moonclerk:paid'; detail: PaidDetail }
  | { type: 'moonclerk:unconfirmed'; detail: UnconfirmedDetail }

declare global {
  interface Window {
    /** Filled by e2e/fixtures/record-events.js. */
    __events: RecordedEvent[]
    /** Filled by the stand-in's embed.js: a copy of each opts given to display(), and how often it ran. */
    __moonclerkStandIn?: { displays: Array<Record<string, unknown>>; executions: number }
  }
}

export { expect }

/** Playwright's `test`, plus a check after each test that the page threw nothing uncaught. */
export const test = base.extend<{ pageErrors: Error[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = []
      page.on('pageerror', (error) => errors.push(error))
      await use(errors)
      expect(errors, 'uncaught errors in the page').toEqual([])
    },
    { auto: true },
  ],
})

export const recordedEvents = (page: Page | Frame): Promise<RecordedEvent[]> => page.evaluate(() => window.__events)

/** The details of every moonclerk:return so far, in order. */
export const returnDetails = async (page: Page | Frame): Promise<ReturnDetail[]> =>
  (await recordedEvents(page)).flatMap((event) => (event.type == 'moonclerk:return' ? [event.detail] : []))

/** The reasons of every moonclerk:error so far, in order. */
export const errorReasons = async (page: Page): Promise<string[]> =>
  (await recordedEvents(page)).flatMap((event) => (event.type == 'moonclerk:error' ? [event.detail.reason] : []))

/** Every opts the stand-in's MoonclerkEmbed was asked to display, in order. */
export const standInDisplays = (page: Page): Promise<Array<Record<string, unknown>>> =>
  page.evaluate(() => (window.__moonclerkStandIn ? window.__moonclerkStandIn.displays : []))

/** The stand-in's pay URL base, as the page's script tag gives it to the library. */
export async function payUrl(page: Page): Promise<string> {
  const value = await page.locator('script[data-moonclerk-pay-url]').getAttribute('data-moonclerk-pay-url')
  if (!value) throw new Error('the page has no script tag with data-moonclerk-pay-url')
  return value
}

/** Counts the page's requests for MoonClerk's embed.js; attach before page.goto(). */
export function countEmbedRequests(page: Page): string[] {
  const urls: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname == '/assets/embed.js') urls.push(request.url())
  })
  return urls
}

/** One payment as the stand-in records it (harness/standin.mjs). */
export interface StandInPayment {
  token: string
  checkoutToken: string
  customId: string | null
  kind: 'one-time' | 'recurring'
  id: number
  amountCents: number
  name: string | null
  email: string | null
}

/**
 * The payment the stand-in made under `checkoutToken`, asked from the stand-in itself (its origin
 * comes from the page's script tag). Tests run in parallel against one stand-in, so the checkout
 * token, not the latest entry, says which payment is this test's.
 */
export async function standInPayment(page: Page, checkoutToken: string | null): Promise<StandInPayment | undefined> {
  const origin = new URL(await payUrl(page)).origin
  const response = await page.request.get(`${origin}/__standin/records`)
  expect(response.ok()).toBe(true)
  const records = (await response.json()) as { payments: StandInPayment[] }
  return records.payments.find((payment) => payment.checkoutToken === checkoutToken)
}

/** Presses Pay in the stand-in's checkout of form `token`, once it shows. */
export async function pay(page: Page, token: string): Promise<void> {
  await expect(page.locator(`[data-moonclerk-checkout="${token}"]`)).toHaveAttribute(
    'data-moonclerk-state',
    'displayed',
  )
  await page
    .frameLocator(`#mc${token} iframe`)
    .getByRole('button', { name: /^Pay\b/ })
    .click()
}

/** Collects the text of every console message of `type` from the page and its frames; attach before page.goto(). */
export function consoleMessages(page: Page, type: 'warning' | 'error' | 'log'): string[] {
  const texts: string[] = []
  page.on('console', (message) => {
    if (message.type() == type) texts.push(message.text())
  })
  return texts
}

/**
 * Counts requests from the page's whole browser context (frames and new tabs included) whose
 * path matches: `/assets/embed.js` for MoonClerk's script, `/pay/` for its hosted checkout.
 * Attach before page.goto().
 */
export function countRequests(page: Page, test: (pathname: string) => boolean): string[] {
  const urls: string[] = []
  page.context().on('request', (request) => {
    if (test(new URL(request.url()).pathname)) urls.push(request.url())
  })
  return urls
}

export const isEmbedScript = (pathname: string): boolean => pathname == '/assets/embed.js'
export const isPayPage = (pathname: string): boolean => pathname.startsWith('/pay/')

/** Every `Content Security Policy` console message of the page and its frames; attach before page.goto(). */
export function cspConsoleMessages(page: Page): string[] {
  const texts: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) texts.push(message.text())
  })
  return texts
}

/** Whether the page has a global `mc<token>`, where the stock snippet keeps MoonClerk's instance. */
export const hasEmbedGlobal = (page: Page, token: string): Promise<boolean> =>
  page.evaluate(
    (name) => name in window && (window as unknown as Record<string, unknown>)[name] !== undefined,
    'mc' + token,
  )
