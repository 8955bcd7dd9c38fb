// Lazy load modes fetch nothing of MoonClerk's before the payer shows intent.
import type { Page } from '@playwright/test'
import { countRequests, expect, isEmbedScript, isPayPage, payUrl, test } from './helpers'

/** Long enough for an IntersectionObserver's first callback, or an eager load, to have happened. */
const settle = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)))))

test('load="visible" below the fold: nothing of MoonClerk loads until it is scrolled into view', async ({ page }) => {
  const embed = countRequests(page, isEmbedScript)
  const payPages = countRequests(page, isPayPage)
  await page.goto('/e2e/load-visible.html')
  const placeholder = page.locator('#lazy')
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'loading')
  // The fallback link is there from the start, with the cid.
  await expect(placeholder.getByRole('link')).toHaveAttribute('href', /\?cid=234$/)
  expect(await placeholder.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight + 200)).toBe(true)
  await settle(page)
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
  await settle(page)
  expect(embed).toEqual([])

  await button.click()
  await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(placeholder.locator('#mc8h7frjfytj iframe')).toHaveAttribute('src', `${await payUrl(page)}8h7frjfytj?cid=234`)
  expect(page.url()).toBe(url)
  expect(embed).toHaveLength(1)
})

for (const modifier of ['ControlOrMeta', 'Shift'] as const) {
  test(`load="click": a ${modifier}-click opens the hosted checkout elsewhere and loads no embed.js`, async ({ page, context }) => {
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

    await settle(page)
    expect(page.url()).toBe(url)
    await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'loading')
    await expect(placeholder.locator('iframe')).toHaveCount(0)
    expect(embed).toEqual([])
  })
}
