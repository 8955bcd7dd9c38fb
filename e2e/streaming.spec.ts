// Mounting while the page parses: with the recommended markup (embed.js preloaded, the library
// async in <head>), a checkout shows while the rest of the page is still on its way, as the stock
// snippet's does. The server holds the page back at each mark until the test releases it.
import { countRequests, expect, isEmbedScript, test } from './helpers'

test('a page still streaming: the checkout displays before DOMContentLoaded, with one embed.js request', async ({
  page,
}) => {
  const embed = countRequests(page, isEmbedScript)
  const release = async () => expect(await (await page.request.get('/e2e/__release')).text()).toBe('released 1\n')
  await page.goto('/e2e/streaming.html', { waitUntil: 'commit' })
  // The library has started before the placeholder arrives.
  await page.waitForFunction(
    () => typeof (window as { MoonClerkCheckout?: { mount?: unknown } }).MoonClerkCheckout?.mount == 'function',
  )
  await expect(page.locator('#pay')).toHaveCount(0)

  await release()
  await expect(page.locator('#pay')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#pay iframe')).toHaveCount(1)
  expect(await page.evaluate(() => document.readyState)).toBe('loading')
  await expect(page.locator('#rest')).toHaveCount(0)

  await release()
  await page.waitForFunction(() => document.readyState != 'loading')
  await expect(page.locator('#rest')).toHaveCount(1)
  // DOMContentLoaded mounted nothing twice: one checkout, one frame, one display event.
  await expect(page.locator('#pay iframe')).toHaveCount(1)
  expect(await page.evaluate(() => window.__events.filter((event) => event.type == 'moonclerk:display').length)).toBe(1)
  expect(embed).toHaveLength(1)
})
