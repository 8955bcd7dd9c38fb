// What the payer sees, not what the DOM says: visibility and position under a merchant's theme
// (e2e/fixtures/on-screen.css: `a.button { display: inline-block }`, a frame on `#mc<token>`, no
// `[hidden]` rule of its own) and a strict CSP, which allows no style attribute.
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './helpers'

type Box = { x: number; y: number; width: number; height: number }

const boxOf = async (locator: Locator): Promise<Box> => {
  const box = await locator.boundingBox()
  if (!box) throw new Error(`${locator} has no box: not rendered`)
  return box
}

const noCspViolations = async (page: Page) => expect(await page.evaluate(() => window.__cspViolations)).toEqual([])

test('click mode: after the click the button is gone, and the checkout sits where it was', async ({ page }) => {
  await page.goto('/e2e/csp-on-screen.html')
  const checkout = page.locator('#click')
  const button = checkout.getByRole('link', { name: 'Start the monthly plan' })
  await expect(button).toHaveAttribute('data-moonclerk-button', '')
  await expect(button).toBeVisible()
  await button.click()
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
  const frame = checkout.locator('iframe')
  await expect(frame).toBeVisible()
  await expect(button).toBeHidden()
  // Nothing of the fallback above the checkout: the frame starts at the top of the placeholder.
  expect(Math.abs((await boxOf(frame)).y - (await boxOf(checkout)).y)).toBeLessThanOrEqual(1)
  await noCspViolations(page)
})
