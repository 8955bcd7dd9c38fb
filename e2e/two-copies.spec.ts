// The script build and the ES module (`moonclerk-checkout/auto`) on one page: each checkout
// still mounts once, with one embed.js.
import { countEmbedRequests, expect, recordedEvents, standInDisplays, test } from './helpers'

const TOKENS = ['8h7frjfytj', 'k2m9q4zr7x', 'p5w3n8vd1c']

test('two copies of the library: one container, one display per checkout, one embed.js', async ({ page }) => {
  const embedRequests = countEmbedRequests(page)
  await page.goto('/e2e/two-copies.html')
  // The module copy has run (auto start and define) by now.
  await expect(page.locator('body')).toHaveAttribute('data-esm-loaded', '')
  for (const token of TOKENS) {
    const checkout = page.locator(`[data-moonclerk-checkout="${token}"], moonclerk-checkout[token="${token}"]`)
    await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
  }
  // No wait for a second mount: it would have added a second container while its copy started
  // (synchronously, before data-esm-loaded), and failed with duplicate-token before embed.js, which
  // every display above waited for, arrived.
  for (const token of TOKENS) await expect(page.locator(`[id="mc${token}"]`)).toHaveCount(1)
  await expect(page.locator('iframe')).toHaveCount(3)
  expect((await standInDisplays(page)).map((opts) => opts.checkoutToken).sort()).toEqual([...TOKENS].sort())
  expect((await recordedEvents(page)).map((event) => event.type)).toEqual([
    'moonclerk:display',
    'moonclerk:display',
    'moonclerk:display',
  ])
  expect(await page.evaluate(() => window.__moonclerkStandIn!.executions)).toBe(1)
  expect(embedRequests).toHaveLength(1)
})
