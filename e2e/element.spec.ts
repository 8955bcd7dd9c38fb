// <moonclerk-checkout>: displays, mounts again when a property changes, cleans up when removed.
import { countEmbedRequests, expect, hasEmbedGlobal, payUrl, recordedEvents, standInDisplays, test } from './helpers'
import type { MoonClerkCheckoutElement } from '../src/element'

declare global {
  interface Window {
    __removed?: MoonClerkCheckoutElement
  }
}

test('token and cid display; el.cid = … displays again with the new cid; removal takes everything out', async ({
  page,
}) => {
  const embedRequests = countEmbedRequests(page)
  await page.goto('/e2e/element-cid.html')
  const pay = await payUrl(page)
  const el = page.locator('#el')
  await expect(el).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(el.locator('#mc8h7frjfytj iframe')).toHaveAttribute('src', `${pay}8h7frjfytj?cid=234`)

  await el.evaluate((element: MoonClerkCheckoutElement) => (element.cid = '235'))
  await expect(el).toHaveAttribute('cid', '235')
  await expect(el.locator('#mc8h7frjfytj iframe')).toHaveAttribute('src', `${pay}8h7frjfytj?cid=235`)
  await expect
    .poll(() => standInDisplays(page))
    .toEqual([
      { checkoutToken: '8h7frjfytj', width: '100%', cid: '234' },
      { checkoutToken: '8h7frjfytj', width: '100%', cid: '235' },
    ])
  await expect(page.locator('#mc8h7frjfytj')).toHaveCount(1)
  await expect(page.locator('iframe')).toHaveCount(1)
  expect(await el.evaluate((element: MoonClerkCheckoutElement) => element.opts && element.opts.cid)).toBe('235')

  await el.evaluate((element: MoonClerkCheckoutElement) => {
    window.__removed = element
    element.remove()
  })
  expect(
    await page.evaluate(() => ({
      inDocument: document.getElementById('mc8h7frjfytj') != null,
      inElement: window.__removed!.querySelector('#mc8h7frjfytj') != null,
      childNodes: window.__removed!.childNodes.length,
      state: window.__removed!.getAttribute('data-moonclerk-state'),
      displayed: window.__removed!.displayed,
    })),
  ).toEqual({ inDocument: false, inElement: false, childNodes: 0, state: null, displayed: undefined })
  expect(await hasEmbedGlobal(page, '8h7frjfytj')).toBe(false)

  // Back in the document, it mounts again, with the same single embed.js.
  await page.evaluate(() => document.body.append(window.__removed!))
  await expect(el).toHaveAttribute('data-moonclerk-state', 'displayed')
  expect((await recordedEvents(page)).map((event) => event.type)).toEqual([
    'moonclerk:display',
    'moonclerk:display',
    'moonclerk:display',
  ])
  expect(embedRequests).toHaveLength(1)
})

// The script build reads its own tag before it registers the element: an element already in
// the page must mount with the tag's page-wide attributes (here, the stand-in's embed.js).
test('an element parsed before the script tag still gets the tag’s page-wide attributes', async ({ page }) => {
  await page.route('https://d2l7e0y6ygya2s.cloudfront.net/**', (route) => route.abort())
  const embedRequest = page.waitForRequest((request) => new URL(request.url()).pathname == '/assets/embed.js')
  await page.goto('/e2e/element-before-script.html', { waitUntil: 'domcontentloaded' })
  const ownSrc = await page.locator('script[data-moonclerk-embed-src]').getAttribute('data-moonclerk-embed-src')
  // With the bug: https://d2l7e0y6ygya2s.cloudfront.net/assets/embed.js instead of the stand-in's.
  expect((await embedRequest).url()).toBe(ownSrc)
})
