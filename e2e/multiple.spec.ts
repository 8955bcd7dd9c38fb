// Many checkouts, one embed.js; and the one-tag replacement.
import { countEmbedRequests, expect, payUrl, recordedEvents, standInDisplays, test } from './helpers'

const TOKENS = ['8h7frjfytj', 'k2m9q4zr7x', 'p5w3n8vd1c']

test('three placeholders share one embed.js and each displays', async ({ page }) => {
  const embedRequests = countEmbedRequests(page)
  await page.goto('/e2e/three-placeholders.html')
  const pay = await payUrl(page)

  for (const token of TOKENS) {
    const placeholder = page.locator(`[data-moonclerk-checkout="${token}"]`)
    await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'displayed')
    await expect(placeholder.locator('iframe')).toHaveAttribute('src', `${pay}${token}?cid=234`)
  }
  const events = await recordedEvents(page)
  expect(events.map((event) => event.type)).toEqual(['moonclerk:display', 'moonclerk:display', 'moonclerk:display'])
  expect(events.flatMap((event) => (event.type == 'moonclerk:display' ? [event.detail.token] : [])).sort()).toEqual(
    [...TOKENS].sort(),
  )
  expect((await standInDisplays(page)).map((opts) => opts.checkoutToken).sort()).toEqual([...TOKENS].sort())
  expect(await page.evaluate(() => window.__moonclerkStandIn!.executions)).toBe(1)
  expect(embedRequests).toHaveLength(1)
})

test('a script tag with data-moonclerk-checkout shows the checkout right after itself', async ({ page }) => {
  await page.goto('/e2e/one-tag.html')
  const pay = await payUrl(page)

  const next = page.locator('script[data-moonclerk-checkout] + *')
  await expect(next.locator('iframe')).toHaveAttribute('src', `${pay}8h7frjfytj?cid=234`)
  await expect(next).toHaveAttribute('data-moonclerk-state', 'displayed')
  // Between the script and the paragraph that followed it, nowhere else.
  await expect(page.locator('#before + script + * + #after')).toHaveCount(1)
  await expect(page.locator('iframe')).toHaveCount(1)
  expect(await recordedEvents(page)).toStrictEqual([
    {
      type: 'moonclerk:display',
      detail: { token: '8h7frjfytj', opts: { checkoutToken: '8h7frjfytj', width: '100%', cid: '234' } },
    },
  ])
})

test('a page with an AMD loader (RequireJS) still gets the global and its checkout', async ({ page }) => {
  await page.goto('/e2e/amd-loader.html')
  const pay = await payUrl(page)

  await expect(page.locator('[data-moonclerk-checkout] iframe')).toHaveAttribute('src', `${pay}8h7frjfytj?cid=234`)
  const found = await page.evaluate(() => {
    const global = window as unknown as { MoonClerkCheckout?: { mount?: unknown }; amdQueue: unknown[] }
    return { mount: typeof (global.MoonClerkCheckout && global.MoonClerkCheckout.mount), amdQueue: global.amdQueue }
  })
  // The script-tag build is no AMD module: the global is there, and the loader's queue stays empty.
  expect(found).toStrictEqual({ mount: 'function', amdQueue: [] })
})
