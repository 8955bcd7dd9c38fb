// What the payer sees, not what the DOM says: visibility and position under a merchant's theme
// (e2e/fixtures/on-screen.css: `a.button { display: inline-block }`, a frame on `#mc<token>`, no
// `[hidden]` rule of its own) and a strict CSP, which allows no style attribute.
import type { Locator, Page } from '@playwright/test'
import { consoleMessages, expect, test } from './helpers'

type Box = { x: number; y: number; width: number; height: number }

const boxOf = async (locator: Locator): Promise<Box> => {
  const box = await locator.boundingBox()
  if (!box) throw new Error(`${locator} has no box: not rendered`)
  return box
}

/** Whether `inner` lies within `outer` shrunk by `inset` on every side (half a pixel of rounding allowed). */
const within = (inner: Box, outer: Box, inset = 0) =>
  inner.x >= outer.x + inset - 0.5 &&
  inner.y >= outer.y + inset - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width - inset + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height - inset + 0.5

/** The merchant's frame on #mcp5w3n8vd1c (on-screen.css): 4px border and 24px padding. */
const FRAME_INSET = 28

const noCspViolations = async (page: Page) => expect(await page.evaluate(() => window.__cspViolations)).toEqual([])

test('click mode: after the click the button is gone, and the checkout sits where it was', async ({ page }) => {
  await page.goto('/e2e/csp-on-screen.html')
  const checkout = page.locator('#click')
  const button = checkout.getByRole('link', { name: 'Start the monthly plan' })
  await expect(button).toHaveAttribute('data-moonclerk-button', '')
  await expect(button).toBeVisible()
  await button.click()
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
  const frame = checkout.locator('iframe')
  await expect(frame).toBeVisible()
  await expect(button).toBeHidden()
  // Nothing of the fallback above the checkout: the frame starts at the top of the placeholder.
  expect(Math.abs((await boxOf(frame)).y - (await boxOf(checkout)).y)).toBeLessThanOrEqual(1)
  await noCspViolations(page)
})

test("the stock snippet's container keeps the merchant's frame around the link while MoonClerk loads, and around the checkout once shown", async ({
  page,
}) => {
  // embed.js takes 1.5 s: the page is looked at while it loads.
  await page.goto('/e2e/csp-on-screen-stock.html', { waitUntil: 'domcontentloaded' })
  const author = page.locator('[data-moonclerk-checkout="p5w3n8vd1c"]')
  const framed = page.locator('#mcp5w3n8vd1c')
  const link = author.getByRole('link', { name: 'Pay now' })
  await expect(author).toHaveAttribute('data-moonclerk-state', 'loading')
  // The frame is the author's element's, around the link: not an empty box of the library's.
  await expect(framed).toHaveAttribute('data-moonclerk-checkout', 'p5w3n8vd1c')
  await expect(framed).toHaveCSS('border-top-width', '4px')
  await expect(link).toBeVisible()
  expect(within(await boxOf(link), await boxOf(framed), FRAME_INSET)).toBe(true)

  await expect(author).toHaveAttribute('data-moonclerk-state', 'displayed')
  const frame = author.locator('iframe')
  await expect(frame).toBeVisible()
  await expect(link).toBeHidden()
  // While MoonClerk's checkout shows, the frame surrounds it, inside the author's element, at its top.
  const frameBox = await boxOf(frame)
  expect(within(frameBox, await boxOf(framed), FRAME_INSET)).toBe(true)
  expect(within(await boxOf(framed), await boxOf(author))).toBe(true)
  expect(Math.abs(frameBox.y - (await boxOf(author)).y - FRAME_INSET)).toBeLessThanOrEqual(1)
  await noCspViolations(page)
})

test("after a failure the merchant's frame surrounds the link to the hosted checkout", async ({ page }) => {
  await page.goto('/e2e/csp-on-screen-failing.html')
  const author = page.locator('[data-moonclerk-checkout="p5w3n8vd1c"]')
  await expect(author).toHaveAttribute('data-moonclerk-state', 'error')
  const framed = page.locator('#mcp5w3n8vd1c')
  const link = author.getByRole('link', { name: 'Pay now' })
  await expect(framed).toHaveAttribute('data-moonclerk-checkout', 'p5w3n8vd1c')
  await expect(link).toBeVisible()
  const [linkBox, framedBox] = [await boxOf(link), await boxOf(framed)]
  expect(within(linkBox, framedBox, FRAME_INSET)).toBe(true)
  // No empty box of the library's below it: the frame ends just under the link (a line box's leading aside).
  expect(framedBox.y + framedBox.height - (linkBox.y + linkBox.height)).toBeLessThan(FRAME_INSET + 8)
  await noCspViolations(page)
})

test('click mode says waiting until the click; console messages name the form', async ({ page }) => {
  await page.goto('/e2e/csp-on-screen.html')
  const checkout = page.locator('#click')
  await expect(checkout.getByRole('link')).toHaveAttribute('data-moonclerk-button', '')
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'waiting')
  await checkout.getByRole('link').click()
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')

  const errors = consoleMessages(page, 'error')
  await page.goto('/e2e/csp-on-screen-failing.html')
  await expect(page.locator('[data-moonclerk-checkout]')).toHaveAttribute('data-moonclerk-state', 'error')
  expect(errors.filter((text) => text.startsWith('[moonclerk-checkout]'))).toEqual([
    expect.stringMatching(/^\[moonclerk-checkout\] <div[^>]*> \(form p5w3n8vd1c\): /),
  ])
})

test("a theme's a.button rule does not bring the hidden fallback link back above the checkout", async ({ page }) => {
  await page.goto('/e2e/csp-on-screen.html')
  const checkout = page.locator('#theme')
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
  const frame = checkout.locator('iframe')
  await expect(frame).toBeVisible()
  await expect(checkout.getByRole('link', { name: 'Pay now', includeHidden: true })).toBeHidden()
  expect(Math.abs((await boxOf(frame)).y - (await boxOf(checkout)).y)).toBeLessThanOrEqual(1)
  await noCspViolations(page)
})
