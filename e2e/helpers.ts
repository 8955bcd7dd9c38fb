// Shared by the e2e specs: a `test` that fails on uncaught page errors, and readers for what the
// fixture pages record (record-events.js) and what the stand-in's embed.js received.
import { test as base, expect, type Page } from '@playwright/test'
import type { DisplayDetail, ErrorDetail } from '../src/index'

export type RecordedEvent =
  | { type: 'moonclerk:display'; detail: DisplayDetail }
  | { type: 'moonclerk:error'; detail: ErrorDetail }
  | { type: 'moonclerk:return'; detail: unknown }

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

export const recordedEvents = (page: Page): Promise<RecordedEvent[]> => page.evaluate(() => window.__events)

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
