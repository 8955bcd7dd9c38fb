// Lazy load modes fetch nothing of MoonClerk's before the payer shows intent.
import type { Page } from '@playwright/test'
import { countRequests, expect, isEmbedScript, isPayPage, payUrl, test } from './helpers'

/** Whether the library has added MoonClerk's embed.js to the page (it does so synchronously when it loads it). */
const embedScriptAdded = (page: Page) =>
  page.evaluate(() => !!document.querySelector('script[src*="/assets/embed.js"]'))

/**
 * Resolves with whether `selector` is within 200px of the viewport, once an IntersectionObserver
 * of our own has had its first callback: the library's observer, made earlier, has had its own by then.
 */
const firstIntersection = (page: Page, selector: string) =>
  page.evaluate(
    (target) =>
      new Promise<boolean>((resolve) => {
        const observer = new IntersectionObserver(
          (entries) => {
            observer.disconnect()
            resolve(entries[0].isIntersecting)
          },
          { rootMargin: '200px' },
        )
        observer.observe(document.querySelector(target)!)
      }),
    selector,
  )

test('load="visible" below the fold: nothing of MoonClerk loads until it is scrolled into view', async ({ page }) => {
  const embed = countRequests(page, isEmbedScript)
  const payPages = countRequests(page, isPayPage)
  await page.goto('/e2e/load-visible.html')
  const placeholder = page.locator('#lazy')
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'waiting')
  // The fallback link is there from the start, with the cid.
  await expect(placeholder.getByRole('link')).toHaveAttribute('href', /\?cid=234$/)
  expect(await firstIntersection(page, '#lazy')).toBe(false)
  expect(await embedScriptAdded(page)).toBe(false)
  expect(embed).toEqual([])
  expect(payPages).toEqual([])
  await expect(placeholder.locator('iframe')).toHaveCount(0)

  await placeholder.scrollIntoViewIfNeeded()
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(placeholder.locator('iframe')).toHaveAttribute('src', `${await payUrl(page)}8h7frjfytj?cid=234`)
  expect(embed).toHaveLength(1)
  expect(payPages).toHaveLength(1)
})

test('load="click": no embed.js before the click; a plain click shows the checkout in place', async ({ page }) => {
  const embed = countRequests(page, isEmbedScript)
  await page.goto('/e2e/load-click.html')
  const url = page.url()
  const placeholder = page.locator('#lazy')
  const button = placeholder.getByRole('link', { name: 'Pay with MoonClerk' })
  await expect(button).toHaveAttribute('data-moonclerk-button', '')
  // The constructed stylesheet's button look (#1f5fd6).
  await expect(button).toHaveCSS('background-color', 'rgb(31, 95, 214)')
  // Mounted (the button look) and no embed.js: an eager load would have added it while mounting.
  expect(await embedScriptAdded(page)).toBe(false)
  expect(embed).toEqual([])

  await button.click()
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(placeholder.locator('#mc8h7frjfytj iframe')).toHaveAttribute(
    'src',
    `${await payUrl(page)}8h7frjfytj?cid=234`,
  )
  expect(page.url()).toBe(url)
  expect(embed).toHaveLength(1)
})

for (const modifier of ['ControlOrMeta', 'Shift'] as const) {
  test(`load="click": a ${modifier}-click opens the hosted checkout elsewhere and loads no embed.js`, async ({
    page,
    context,
  }) => {
    const embed = countRequests(page, isEmbedScript)
    await page.goto('/e2e/load-click.html')
    const url = page.url()
    const placeholder = page.locator('#lazy')
    await expect(placeholder.getByRole('link')).toHaveAttribute('href', /\?cid=234$/)

    const opened = context.waitForEvent('page')
    await placeholder.getByRole('link').click({ modifiers: [modifier] })
    const tab = await opened
    await tab.waitForLoadState()
    expect(tab.url()).toBe(`${await payUrl(page)}8h7frjfytj?cid=234`)
    await expect(tab.locator('[data-field="cid"]')).toHaveText('234')

    // The click handler ran during the click: had it taken the click, no tab would have opened.
    expect(await embedScriptAdded(page)).toBe(false)
    expect(page.url()).toBe(url)
    await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'waiting')
    await expect(placeholder.locator('iframe')).toHaveCount(0)
    expect(embed).toEqual([])
  })
}

const isLazyModesChunk = (pathname: string) => pathname == '/dist/moonclerk-checkout-intent.mjs'

test("ES module build, eager: the lazy modes' chunk is never fetched", async ({ page }) => {
  const chunk = countRequests(page, isLazyModesChunk)
  await page.goto('/e2e/esm-load-modes.html?mode=eager')
  await expect(page.locator('#checkout')).toHaveAttribute('data-moonclerk-state', 'displayed')
  expect(chunk).toEqual([])
})

test('ES module build, click: the lazy modes arrive as a chunk of their own, and the click shows the checkout', async ({
  page,
}) => {
  const chunk = countRequests(page, isLazyModesChunk)
  const embed = countRequests(page, isEmbedScript)
  await page.goto('/e2e/esm-load-modes.html?mode=click')
  const link = page.locator('#checkout a')
  await expect(link).toHaveAttribute('data-moonclerk-button', '')
  expect(chunk).toHaveLength(1)
  expect(embed).toEqual([])
  await link.click()
  await expect(page.locator('#checkout')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#checkout iframe')).toHaveCount(1)
  expect(embed).toHaveLength(1)
})
