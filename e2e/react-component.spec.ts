// `moonclerk-checkout/react` as a server-rendering app uses it (Next.js, Remix): the server's HTML
// has the fallback link and nothing of a mounted checkout; React 18 and 19 hydrate it in StrictMode
// without a hydration error (#418) or warning, and the checkout shows after hydration, with one
// embed.js; a changed cid shows it again, a re-render with new callbacks does not; the unmount
// leaves nothing. Built by e2e/build-fixtures.mjs (the app: e2e/fixtures/react-component-app.jsx).
import { countEmbedRequests, expect, standInDisplays, test } from './helpers'

declare global {
  interface Window {
    __checkoutApp: { setCid(cid: string): void }
    __displayed?: string[]
    __unmount(): void
  }
}

for (const version of ['18', '19'])
  test(`React ${version}: hydrates the server's HTML without an error, then shows the checkout; a new cid shows it again`, async ({
    page,
  }) => {
    const url = `/e2e/.built/react-component-${version}.html`
    const served = await (await page.request.get(url)).text()
    const payUrl = served.match(/name="moonclerk-pay-url" content="([^"]+)"/)![1]
    expect(served).toContain(`<div class="button"><a href="${payUrl}8h7frjfytj">Pay with MoonClerk</a></div>`)
    expect(served).not.toContain('data-moonclerk-')

    const problems: string[] = []
    page.on('console', (message) => ['error', 'warning'].includes(message.type()) && problems.push(message.text()))
    const embeds = countEmbedRequests(page)
    await page.goto(url)
    const checkout = page.locator('main > div.button')
    await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
    await expect(page.locator('iframe')).toHaveCount(1)
    await expect(page.locator('iframe')).toBeVisible()
    await expect(checkout.locator('a')).toBeHidden()
    // onDisplay set state in the app: a re-render with new callbacks, no second checkout.
    await expect(page.locator('main p')).toHaveText('The checkout shows.')
    expect(await page.evaluate(() => window.__displayed)).toEqual(['234'])
    expect((await standInDisplays(page)).map((opts) => opts.cid)).toEqual(['234'])

    await page.evaluate(() => window.__checkoutApp.setCid('235'))
    await expect.poll(() => page.evaluate(() => window.__displayed)).toEqual(['234', '235'])
    await expect(page.locator('iframe')).toHaveCount(1)
    expect(embeds).toHaveLength(1)

    await page.evaluate(() => window.__unmount())
    await expect(page.locator('#root')).toBeEmpty()
    expect(
      await page.evaluate(() => document.querySelectorAll('iframe, [data-moonclerk-state], [id^="mc"]').length),
    ).toBe(0)
    expect(problems).toEqual([])
  })
