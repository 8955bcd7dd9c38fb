// Forms whose controls shadow the DOM members the library reads, on a page that arrives in parts:
// the tab keeps answering while the parser waits inside such a form, and every other checkout
// displays. The server holds the page back until the test releases it, for everyone: so
// playwright.config.ts runs this spec alone, after the others.
import type { Page } from '@playwright/test'
import { expect, test } from './helpers'

// Read in the page through Element's prototype: Playwright's own locator checks walk the DOM with
// the forms' shadowed members (`element.hasAttribute is not a function` while building a failure's
// snapshot), so they cannot be used on this page.
const stateOf = (page: Page, id: string) =>
  page.evaluate((id) => {
    const element = Document.prototype.getElementById.call(document, id)
    return element && Element.prototype.getAttribute.call(element, 'data-moonclerk-state')
  }, id)
const frameHeight = (page: Page, id: string) =>
  page.evaluate((id) => {
    const element = Document.prototype.getElementById.call(document, id)
    return (element && Element.prototype.querySelector.call(element, 'iframe')?.getBoundingClientRect().height) || 0
  }, id)

test('a <form> placeholder and a form with a control named parentNode around one: the tab keeps answering, the other checkouts display', async ({
  page,
}) => {
  const warnings: string[] = []
  page.on('console', (message) => message.type() == 'warning' && warnings.push(message.text()))
  await page.goto('/e2e/clobbered-forms.html', { waitUntil: 'commit' })
  await expect.poll(() => stateOf(page, 'before')).toBe('displayed')
  // Held inside the form: the mid-parse check walks the placeholder's ancestors on every batch.
  // The tab answers within a bound (it used to spin forever on the form's clobbered parentNode).
  const answered = await Promise.race([
    page.evaluate(() => document.readyState),
    new Promise((resolve) => setTimeout(() => resolve('no answer'), 3000)),
  ])
  expect(answered).toBe('loading')
  expect(await (await page.request.get('/e2e/__release')).text()).toBe('released 1\n')
  await expect.poll(() => stateOf(page, 'inside')).toBe('displayed')
  await expect.poll(() => stateOf(page, 'after')).toBe('displayed')
  await expect.poll(() => frameHeight(page, 'after')).toBeGreaterThan(0)
  // The forms are no placeholders: left alone, with a warning each; the library is all there.
  expect(
    await page.evaluate(() =>
      [...document.forms].map((form) => Element.prototype.getAttribute.call(form, 'data-moonclerk-state')),
    ),
  ).toStrictEqual([null, null, null])
  expect(warnings.filter((text) => text.includes('a <form> cannot hold a checkout'))).toHaveLength(2)
  expect(
    await page.evaluate(() => [
      typeof (window as unknown as { MoonClerkCheckout: { mount?: unknown } }).MoonClerkCheckout.mount,
      !!customElements.get('moonclerk-checkout'),
    ]),
  ).toStrictEqual(['function', true])
})
