// Pages modelled on public MoonClerk integrations: a WordPress shortcode's markup, forms in tabs,
// a Monthly/Yearly toggle, and success pages built on MoonClerk's older instructions.
import { countRequests, errorReasons, expect, isEmbedScript, returnDetails, test } from './helpers'

test('WordPress shortcode markup: the checkout shows in its div.button, the link is hidden, not moved', async ({
  page,
}) => {
  await page.goto('/e2e/integration-wordpress.html')
  const container = page.locator('div.button')
  await expect(container).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(container.locator('iframe')).toHaveCount(1)
  // The plugin's link is still where the plugin put it, hidden.
  await expect(container.locator('a[target="_blank"]')).toHaveCount(1)
  await expect(container.locator('a[target="_blank"]')).toBeHidden()
})

test('WordPress shortcode markup, embed.js failing: the link stays, keeps target="_blank", and carries the cid', async ({
  page,
}) => {
  await page.goto('/e2e/integration-wordpress-failing.html')
  await expect(page.locator('div.button')).toHaveAttribute('data-moonclerk-state', 'error')
  const link = page.locator('div.button > a')
  await expect(link).toBeVisible()
  await expect(link).toHaveAttribute('target', '_blank')
  await expect(link).toHaveAttribute('href', /\/pay\/8h7frjfytj\?cid=234$/)
  await expect(page.locator('div.button iframe')).toHaveCount(0)
  expect(await errorReasons(page)).toEqual(['script-load'])
})

for (const mode of ['eager', 'visible'])
  test(`two forms in tabs, the second hidden, load="${mode}": one embed.js; the hidden one shows when its tab is opened`, async ({
    page,
  }) => {
    const embed = countRequests(page, isEmbedScript)
    await page.goto(`/e2e/integration-tabs-${mode}.html`)
    await expect(page.locator('#monthly iframe')).toBeVisible()
    await expect(page.locator('#once')).toBeHidden()
    await page.click('#tab-once')
    await expect(page.locator('#once')).toHaveAttribute('data-moonclerk-state', 'displayed')
    await expect(page.locator('#once iframe')).toBeVisible()
    await expect(page.locator('#monthly')).toBeHidden()
    expect(embed).toHaveLength(1)
  })

test('a Monthly/Yearly toggle swaps the token ten times: one checkout of the last token, one embed.js; the same token twice: the second falls back', async ({
  page,
}) => {
  const embed = countRequests(page, isEmbedScript)
  await page.goto('/e2e/integration-toggle.html')
  const plan = page.locator('#plan')
  await expect(plan).toHaveAttribute('data-moonclerk-state', 'displayed')
  for (let i = 1; i <= 10; i++) {
    await page.locator('#yearly').setChecked(i % 2 == 1)
    const token = i % 2 == 1 ? 'yyearly' : 'mmonthly'
    await expect(plan.locator(`#mc${token} iframe`)).toHaveCount(1)
    await expect(plan).toHaveAttribute('data-moonclerk-state', 'displayed')
  }
  await expect(plan.locator('iframe')).toHaveCount(1)
  await expect(page.locator('#mcyyearly')).toHaveCount(0)
  // Rendered twice: the first shows, the second keeps its link and says why.
  await expect(page.locator('#again iframe')).toHaveCount(1)
  await expect(page.locator('#same')).toHaveAttribute('data-moonclerk-state', 'error')
  await expect(page.locator('#same > a')).toBeVisible()
  expect(await errorReasons(page)).toEqual(['duplicate-token'])
  expect(embed).toHaveLength(1)
})

test('success pages on the older instructions: ?customer_id=…&payment_id=… and ?token=… (returnParams) are reported', async ({
  page,
}) => {
  await page.goto('/e2e/integration-success-old.html?customer_id=cus_42&payment_id=pay_7')
  await expect
    .poll(() => returnDetails(page))
    .toMatchObject([
      { customId: null, checkoutToken: null, paymentId: 'pay_7', customerId: 'cus_42', cidMatches: null },
    ])
  await page.goto('/e2e/integration-success-old.html?custom_id=234&token=tok_9')
  await expect
    .poll(() => returnDetails(page))
    .toMatchObject([{ customId: '234', checkoutToken: 'tok_9', paymentId: null, customerId: null }])
})
