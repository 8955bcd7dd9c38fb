// What the payer sees, compared with committed baselines (e2e/screenshots.spec.ts-snapshots/), so
// that the next visual regression fails the build, not only the one each on-screen test names.
// Baselines come from this machine kind's Chromium; refresh them on purpose with
// `npx playwright test e2e/screenshots.spec.ts --update-snapshots`, and look at them.
import type { Locator } from '@playwright/test'
import { expect, test } from './helpers'

// Anti-aliasing varies a little between runs; a layout change moves far more than this.
const TOLERANCE = { maxDiffPixelRatio: 0.01, animations: 'disabled' as const }

const shot = (locator: Locator, name: string) => expect(locator).toHaveScreenshot(name, TOLERANCE)

test('the element demo after the click: the checkout in place of its button, nothing above it', async ({ page }) => {
  await page.setViewportSize({ width: 1100, height: 900 })
  await page.goto('/demo/element.html')
  const click = page.locator('moonclerk-checkout[load="click"]')
  await expect(click).toHaveAttribute('data-moonclerk-state', 'waiting')
  await shot(click, 'element-click-waiting.png')
  await click.getByRole('link').click()
  await expect(click).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(click.frameLocator('iframe').getByRole('button', { name: /^Pay\b/ })).toBeVisible()
  await shot(click, 'element-click-displayed.png')
})

test("the stock container under a merchant's theme: its frame around the link while loading and after a failure", async ({
  page,
}) => {
  await page.setViewportSize({ width: 900, height: 700 })
  await page.goto('/e2e/csp-on-screen-failing.html')
  const box = page.locator('[data-moonclerk-checkout="p5w3n8vd1c"]')
  await expect(box).toHaveAttribute('data-moonclerk-state', 'error')
  await shot(box, 'stock-container-failed.png')
})

test("the success page's states, by CSS alone", async ({ page }) => {
  await page.setViewportSize({ width: 1100, height: 800 })
  // A tab that sent no cid: unconfirmed at once, with no cid to show.
  await page.goto('/demo/confirmed-thanks.html')
  const thanks = page.locator('.thanks')
  await expect(page.locator('html')).toHaveAttribute('data-moonclerk-payment', 'unconfirmed')
  await shot(thanks, 'success-unconfirmed.png')
})
