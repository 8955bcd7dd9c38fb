// When MoonClerk's embed cannot show, the payer keeps a working link to the hosted checkout,
// custom id included, and the page hears why through a moonclerk:error event.
import type { Page } from '@playwright/test'
import { errorReasons, expect, payUrl, test } from './helpers'

/**
 * Opens a fault page. Not waiting for `load`: a pending embed.js (the hang fault) holds back the
 * load event, just as MoonClerk's stock snippet would.
 */
const open = (page: Page, path: string) => page.goto(path, { waitUntil: 'domcontentloaded' })

/** The placeholder reports `reason`, shows no checkout, and keeps a visible fallback link. */
async function expectError(page: Page, selector: string, reason: string) {
  const placeholder = page.locator(selector)
  await expect.poll(() => errorReasons(page)).toEqual([reason])
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'error')
  await expect(placeholder.locator('iframe')).toHaveCount(0)
  const link = placeholder.getByRole('link')
  await expect(link).toBeVisible()
  return link
}

/** Following the fallback link lands on the stand-in's hosted checkout, with the cid when expected. */
async function expectFallbackWorks(page: Page, selector: string, reason: string, { withCid = true } = {}) {
  const link = await expectError(page, selector, reason)
  const pay = await payUrl(page)
  if (withCid) await expect(link).toHaveAttribute('href', /[?&]cid=234(&|$)/)
  await link.click()
  await expect(page).toHaveURL(`${pay}8h7frjfytj${withCid ? '?cid=234' : ''}`)
  await expect(page.locator('[data-field="token"]')).toHaveText('8h7frjfytj')
  if (withCid) await expect(page.locator('[data-field="cid"]')).toHaveText('234')
}

const FAULTS = [
  { reason: 'script-load', what: 'embed.js answers 404' },
  { reason: 'script-timeout', what: 'embed.js never answers (data-moonclerk-timeout="800")' },
  { reason: 'embed-missing', what: 'embed.js defines no MoonclerkEmbed' },
  { reason: 'embed-threw', what: "MoonClerk's display() throws" },
]

for (const { reason, what } of FAULTS) {
  test(`${reason}: ${what}`, async ({ page }) => {
    await open(page, `/e2e/fault-${reason}.html`)
    await expectFallbackWorks(page, '[data-moonclerk-checkout]', reason)
  })
}

test('duplicate-token: the second placeholder of a form falls back with the cid, the first displays', async ({
  page,
}) => {
  await open(page, '/e2e/fault-duplicate-token.html')
  const first = page.locator('#first')
  await expect(first).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(first.locator('iframe')).toBeVisible()
  await expectFallbackWorks(page, '#second', 'duplicate-token')
})
