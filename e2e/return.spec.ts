// Paying through the stand-in's hosted checkout and coming back through the form's redirect URL
// (harness/forms.json): the success page hears moonclerk:return, checked against what the stand-in
// recorded and against the cid this tab passed in.
import type { Page } from '@playwright/test'
import { consoleMessages, expect, pay, returnDetails, standInPayment, test } from './helpers'

const LEON = { name: 'Leon Bridges', email: 'leon@example.com' }
const CHECKOUT_TOKEN = /^[A-Za-z0-9]{16,}$/

/** The page's only moonclerk:return, once dispatched. */
async function theReturn(page: Page) {
  await expect.poll(() => returnDetails(page)).toHaveLength(1)
  return (await returnDetails(page))[0]
}

/** Where the stand-in's 303 leads: the form's template with MoonClerk's placeholders filled in. */
const thanksUrl = (page: Page, name: string, query: string) =>
  new URL(`/e2e/return-${name}-thanks.html?${query}`, page.url()).href

/** What a first return from `payment` reports: a one-time payment for the cid this tab sent, unless `changes` say otherwise. */
const paidReturn = (payment: { checkoutToken: string; id: number } | null | undefined, changes: object = {}) => ({
  customId: '234',
  checkoutToken: payment!.checkoutToken,
  paymentId: String(payment!.id),
  customerId: null,
  cidMatches: true,
  repeated: false,
  source: 'url',
  ...changes,
})

/**
 * Pays on the checkout fixture `return-<name>.html` in the stand-in's frame, lands on its success
 * page, and gives the return heard there with the stand-in's record of that payment.
 */
async function payAndComeBack(page: Page, name: string, token: string) {
  await page.goto(`/e2e/return-${name}.html`)
  await pay(page, token)
  await page.waitForURL(`**/e2e/return-${name}-thanks.html?**`)
  const detail = await theReturn(page)
  return { detail, payment: await standInPayment(page, detail.checkoutToken) }
}

test('one-time: pay, come back with the payment, reload (repeated), then a hand-made address (cid mismatch)', async ({
  page,
}) => {
  const { detail, payment } = await payAndComeBack(page, 'one-time', 'e2eonetime')
  expect(detail.checkoutToken).toMatch(CHECKOUT_TOKEN)
  expect(payment).toStrictEqual({
    token: 'e2eonetime',
    checkoutToken: detail.checkoutToken,
    customId: '234',
    kind: 'one-time',
    id: expect.any(Number),
    amountCents: 1000,
    ...LEON,
  })
  const paid = paidReturn(payment)
  expect(detail).toStrictEqual(paid)
  expect(page.url()).toBe(
    thanksUrl(page, 'one-time', `custom_id=234&checkout_token=${paid.checkoutToken}&payment_id=${paid.paymentId}`),
  )

  // A reload is the same return again: a page that counts returns must not count it twice.
  await page.reload()
  expect(await theReturn(page)).toStrictEqual({ ...paid, repeated: true })

  // Typed or shared by someone: a cid this tab never passed in, a checkout token it never saw.
  const typed = new URL(page.url())
  typed.searchParams.set('custom_id', '999')
  typed.searchParams.set('checkout_token', 'typedByHand123')
  await page.goto(typed.href)
  expect(await theReturn(page)).toStrictEqual({
    ...paid,
    customId: '999',
    checkoutToken: 'typedByHand123',
    cidMatches: false,
  })
})

test('recurring: the customer id comes back, and the unfilled {{payment_id}} counts as absent', async ({ page }) => {
  const { detail, payment } = await payAndComeBack(page, 'recurring', 'e2erecurring')
  expect(payment).toMatchObject({
    token: 'e2erecurring',
    customId: '234',
    kind: 'recurring',
    amountCents: 2500,
    ...LEON,
  })
  expect(detail).toStrictEqual(paidReturn(payment, { paymentId: null, customerId: String(payment!.id) }))
  // MoonClerk leaves a placeholder it cannot fill as it is.
  expect(new URL(page.url()).searchParams.get('payment_id')).toBe('{{payment_id}}')
})

test('in-frame redirect: the success page loads in the checkout frame and the checkout page hears the return', async ({
  page,
}) => {
  await page.goto('/e2e/return-in-frame.html')
  const checkoutUrl = page.url()
  await pay(page, 'e2einframe')
  await expect(page.frameLocator('#mce2einframe iframe').locator('h1')).toHaveText('Thank you')

  const detail = await theReturn(page)
  const payment = await standInPayment(page, detail.checkoutToken)
  expect(payment).toMatchObject({ token: 'e2einframe', customId: '234', kind: 'one-time' })
  expect(detail).toStrictEqual(paidReturn(payment))
  expect(page.url()).toBe(checkoutUrl)
  // The success page in the frame heard the same return, once.
  const frame = page.frames().find((f) => f.url().includes('/e2e/return-in-frame-thanks.html?'))
  expect(frame, 'the success page in the checkout frame').toBeDefined()
  expect(await returnDetails(frame!)).toStrictEqual([detail])
})

test('break out of frame: the success page takes the whole window and reports the return there', async ({ page }) => {
  const { detail, payment } = await payAndComeBack(page, 'break-out', 'e2ebreakout')
  expect(payment).toMatchObject({ token: 'e2ebreakout', customId: '234' })
  // Not repeated: the copy in the frame moved the window without reporting (or remembering) the return.
  expect(detail).toStrictEqual(paidReturn(payment))
  expect(page.url()).toBe(
    thanksUrl(page, 'break-out', `custom_id=234&checkout_token=${payment!.checkoutToken}&payment_id=${payment!.id}`),
  )
  expect(page.frames()).toHaveLength(1)
})

test('clean URL: the return parameters leave the address bar, the other parameter and the fragment stay', async ({
  page,
}) => {
  const { detail, payment } = await payAndComeBack(page, 'clean-url', 'e2ecleanurl')
  expect(payment).toMatchObject({ token: 'e2ecleanurl', customId: '234' })
  expect(detail).toMatchObject({ customId: '234', paymentId: String(payment!.id), cidMatches: true, repeated: false })
  expect(page.url()).toBe(thanksUrl(page, 'clean-url', 'ref=mail') + '#receipt')

  // Cleaned for good: reloading the cleaned address reports nothing.
  await page.reload()
  expect(await returnDetails(page)).toStrictEqual([])
})

test('no cid passed in: {{custom_id}} comes back unfilled, customId and cidMatches are null, and the console says why', async ({
  page,
}) => {
  const warnings = consoleMessages(page, 'warning')
  await page.goto('/e2e/return-no-cid.html')
  // The form's amount is decided at checkout: the payer types it.
  const checkout = page.frameLocator('#mce2enocid iframe')
  await checkout.getByLabel('Amount in dollars').fill('12.50')
  await pay(page, 'e2enocid')
  await page.waitForURL('**/e2e/return-no-cid-thanks.html?**')

  expect(new URL(page.url()).searchParams.get('custom_id')).toBe('{{custom_id}}')
  const detail = await theReturn(page)
  const payment = await standInPayment(page, detail.checkoutToken)
  expect(payment).toMatchObject({ token: 'e2enocid', customId: null, amountCents: 1250, ...LEON })
  expect(detail).toStrictEqual(paidReturn(payment, { customId: null, cidMatches: null }))
  expect(warnings.filter((text) => text.startsWith('[moonclerk-checkout]'))).toStrictEqual([
    expect.stringMatching(/custom_id/),
  ])
})
