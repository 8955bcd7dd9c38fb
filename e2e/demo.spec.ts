// The demo page works under its strict CSP (served by harness/site.mjs) and logs the display event.
import { expect, pay, test } from './helpers'

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

test('paying in the demo checkout lands on the demo success page, which explains the return under the same CSP', async ({
  page,
}) => {
  const cspViolations: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text())
  })
  await page.goto('/')
  await pay(page, '8h7frjfytj')
  await page.waitForURL('**/demo/success.html?custom_id=234&checkout_token=*&payment_id=*')
  const response = await page.reload()
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")

  const details = page.locator('#thanks-details')
  await expect(details).toBeVisible()
  await expect(details.locator('[data-return="customId"]')).toHaveText('234')
  await expect(details.locator('[data-return="paymentId"]')).toHaveText(/^\d+$/)
  await expect(details.locator('[data-return="customerId"]')).toHaveText(/^None/)
  await expect(details.locator('[data-return="cidMatches"]')).toHaveText(/^Yes: this browser tab passed this custom id/)
  // Reloaded above: the page says it has shown this return before.
  await expect(details.locator('[data-return="repeated"]')).toHaveText(/^Yes: this tab has shown this return before/)
  await expect(page.locator('#event-log li')).toHaveCount(1)
  await expect(page.locator('#event-log li')).toContainText('moonclerk:return {"customId":"234"')
  await expect(page.getByRole('heading', { name: 'A return proves nothing about payment' })).toBeVisible()
  expect(cspViolations).toEqual([])
})

test('the demo success page opened without a return says so', async ({ page }) => {
  await page.goto('/demo/success.html')
  await expect(page.locator('#thanks-status')).toHaveText(/^No return from MoonClerk in this address/)
  await expect(page.locator('#thanks-details')).toBeHidden()
  await expect(page.locator('#event-log li')).toHaveCount(0)
})
