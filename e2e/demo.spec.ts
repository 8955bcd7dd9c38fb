// The demo page works under its strict CSP (served by demo/serve.mjs) and logs the display event.
import { expect, test } from './helpers'

test('the demo page displays the checkout and logs moonclerk:display', async ({ page }) => {
  const cspViolations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
  })
  const response = await page.goto('/')
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")

  const checkout = page.locator('main [data-moonclerk-checkout]')
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(checkout.locator('iframe')).toBeVisible()
  await expect(checkout.frameLocator('iframe').locator('[data-field="name"]')).toHaveText('Leon Bridges')
  await expect(page.locator('#event-log li')).toHaveCount(1)
  await expect(page.locator('#event-log li')).toContainText('moonclerk:display {"token":"8h7frjfytj"')
  expect(cspViolations).toEqual([])
})
