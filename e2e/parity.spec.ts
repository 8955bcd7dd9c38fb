// Our placeholder must hand MoonClerk exactly what its own stock snippet does.
import { expect, standInDisplays, test } from './helpers'
import type { Page } from '@playwright/test'

const LEON = {
  checkoutToken: '8h7frjfytj',
  width: '100%',
  cid: '234',
  name: 'Leon Bridges',
  email: 'leon@example.com',
  amount_cents: 1000,
}

/** Loads a page and returns what the stand-in's embed.js displayed, and the iframe it made. */
async function displayedOn(page: Page, path: string) {
  await page.goto(path)
  await expect(page.locator('#mc8h7frjfytj iframe')).toBeVisible()
  return {
    opts: await standInDisplays(page),
    iframeSrc: await page.locator('#mc8h7frjfytj iframe').getAttribute('src'),
  }
}

test('the placeholder gives MoonClerk the same opts as the stock snippet', async ({ page }) => {
  const stock = await displayedOn(page, '/e2e/stock.html')
  const ours = await displayedOn(page, '/e2e/placeholder.html')

  expect(stock.opts).toStrictEqual([LEON])
  expect(ours.opts).toStrictEqual(stock.opts)
  expect(ours.iframeSrc).toBe(stock.iframeSrc)
})
