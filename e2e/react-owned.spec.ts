// A container React owns, as public React and Gatsby components render it (`<div id="mc<token>">`
// with React's own link inside), in StrictMode with React 18 and React 19: the library never moves
// or removes React's nodes, so re-renders, route changes and the unmount raise no error, and
// nothing of the checkout is left behind.
import { expect, test } from './helpers'

declare global {
  interface Window {
    __app: { setLabel(label: string): void; setNote(note: boolean): void; setRoute(route: string): void }
    __unmount(): void
  }
}

for (const version of ['18', '19'])
  test(`React ${version} in StrictMode owns the container: re-renders, ten route changes and the unmount, without an error or anything left`, async ({
    page,
  }) => {
    test.setTimeout(30_000)
    const problems: string[] = []
    page.on('console', (message) => ['error', 'warning'].includes(message.type()) && problems.push(message.text()))
    page.on('pageerror', (error) => problems.push(String(error)))
    await page.goto(`/e2e/react-owned.html?react=${version}`)
    const container = page.locator('main > div.button')
    const frames = page.locator('iframe')
    await expect(container).toHaveAttribute('data-moonclerk-state', 'displayed')
    await expect(frames).toHaveCount(1)

    // React updates its own nodes while the checkout shows: they are where it left them.
    await page.evaluate(() => window.__app.setLabel('Pay now'))
    await expect(container.locator('a')).toHaveText('Pay now')
    await page.evaluate(() => window.__app.setNote(true))
    await expect(container.locator('.note')).toHaveCount(1)
    await page.evaluate(() => window.__app.setNote(false))
    await expect(container.locator('.note')).toHaveCount(0)
    await expect(frames).toHaveCount(1)

    for (let i = 0; i < 10; i++) {
      await page.evaluate(() => window.__app.setRoute('about'))
      await expect(page.locator('main p')).toHaveText('Nothing to pay here.')
      await expect(frames).toHaveCount(0)
      await expect(page.locator('[id^="mc"]')).toHaveCount(0)
      await page.evaluate(() => window.__app.setRoute('checkout'))
      await expect(container).toHaveAttribute('data-moonclerk-state', 'displayed')
      await expect(frames).toHaveCount(1)
    }

    await page.evaluate(() => window.__unmount())
    await expect(page.locator('#root')).toBeEmpty()
    await expect(frames).toHaveCount(0)
    expect(await page.evaluate(() => document.querySelectorAll('[data-moonclerk-state], [id^="mc"]').length)).toBe(0)
    expect(problems).toEqual([])
  })
