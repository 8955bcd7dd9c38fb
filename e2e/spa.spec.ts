// A single-page app: mount() on a route, destroy() when leaving it, mount again on coming back,
// with one embed.js for the whole visit (ES module build, e2e/fixtures/spa-routes.mjs).
import { countEmbedRequests, expect, hasEmbedGlobal, recordedEvents, standInDisplays, test } from './helpers'

test('route A → B → A: destroyed on leaving, displayed again on coming back, one embed.js in all', async ({ page }) => {
  const embedRequests = countEmbedRequests(page)
  await page.goto('/e2e/spa-routes.html?route=a')
  const box = page.locator('#route-a-checkout')
  await expect(box).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(box.locator('#mc8h7frjfytj iframe')).toBeVisible()
  expect(await hasEmbedGlobal(page, '8h7frjfytj')).toBe(true)

  await page.click('#to-b')
  await expect(page).toHaveURL(/\?route=b$/)
  await expect(page.locator('body')).toHaveAttribute('data-route', 'b')
  // The view stays in the DOM (hidden): destroy() took out what mount() put in.
  await expect(page.locator('#mc8h7frjfytj')).toHaveCount(0)
  await expect(box).not.toHaveAttribute('data-moonclerk-state', /.*/)
  await expect(box.locator('iframe')).toHaveCount(0)
  expect(await hasEmbedGlobal(page, '8h7frjfytj')).toBe(false)

  await page.click('#to-a')
  await expect(page).toHaveURL(/\?route=a$/)
  await expect(box).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#mc8h7frjfytj')).toHaveCount(1)
  await expect(box.locator('#mc8h7frjfytj iframe')).toBeVisible()
  expect(await hasEmbedGlobal(page, '8h7frjfytj')).toBe(true)

  expect((await standInDisplays(page)).map((opts) => opts.cid)).toEqual(['234', '234'])
  expect((await recordedEvents(page)).map((event) => event.type)).toEqual(['moonclerk:display', 'moonclerk:display'])
  expect(await page.evaluate(() => window.__moonclerkStandIn!.executions)).toBe(1)
  expect(embedRequests).toHaveLength(1)
})
