// What markup injected into the merchant's page, and another site that frames it, can and cannot
// do (docs/security.md). Each test fails on a library that trusts what it should not.
import {
  consoleMessages,
  cspConsoleMessages,
  countEmbedRequests,
  expect,
  recordedEvents,
  returnDetails,
  standInDisplays,
  test,
} from './helpers'

declare global {
  interface Window {
    __pwned?: unknown
    /** Filled by e2e/fixtures/csp-watch.js. */
    __cspViolations: string[]
  }
}

test('elements named MoonclerkEmbed, currentScript and MoonClerkCheckout stop no checkout, no setting and no queued call', async ({
  page,
}) => {
  const embedRequests = countEmbedRequests(page)
  await page.goto('/e2e/clobbered.html')
  // The named images are there and shadow the globals, as in any browser.
  expect(
    await page.evaluate(() => [
      typeof window.MoonclerkEmbed,
      (document as unknown as Record<string, unknown>).currentScript instanceof HTMLImageElement,
    ]),
  ).toEqual(['function', true])
  await expect(page.locator('#pay')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#queued')).toHaveAttribute('data-moonclerk-state', 'displayed')
  // The script tag's cid reached the placeholder: its settings were read through the shadowed currentScript.
  expect((await standInDisplays(page)).map((opts) => [opts.checkoutToken, opts.cid])).toEqual([
    ['8h7frjfytj', 'from-the-script-tag'],
    ['k2m9q4zr7x', 'queued-1'],
  ])
  expect(embedRequests).toHaveLength(1)
  expect(
    await page.evaluate(
      () => typeof (window as unknown as { MoonClerkCheckout: { mount?: unknown } }).MoonClerkCheckout.mount,
    ),
  ).toBe('function')
})

test('elements named like the document members the library uses (head, baseURI, querySelectorAll, addEventListener, …) stop no checkout', async ({
  page,
}) => {
  const embedRequests = countEmbedRequests(page)
  await page.goto('/e2e/clobbered-document.html')
  // The names shadow document's members, as in any browser (the page's own checks use Document's).
  expect(
    await page.evaluate(() =>
      ['head', 'baseURI', 'querySelectorAll'].map(
        (name) => (document as unknown as Record<string, unknown>)[name] instanceof Element,
      ),
    ),
  ).toEqual([true, true, true])
  const states = () =>
    page.evaluate(() =>
      Array.from(Document.prototype.querySelectorAll.call(document, '[data-moonclerk-checkout]'), (el) =>
        el.getAttribute('data-moonclerk-state'),
      ),
    )
  await expect.poll(states).toEqual(['waiting', 'displayed'])
  expect((await standInDisplays(page)).map((opts) => [opts.checkoutToken, opts.cid])).toEqual([
    ['k2m9q4zr7x', 'from-the-script-tag'],
  ])
  // The click mode's button look (a constructed stylesheet added through adoptedStyleSheets), and its click.
  await page.evaluate(() => (Document.prototype.querySelector.call(document, '#pay a') as HTMLAnchorElement).click())
  await expect.poll(states).toEqual(['displayed', 'displayed'])
  expect(embedRequests).toHaveLength(1)
  expect((await recordedEvents(page)).map((event) => event.type)).toEqual(['moonclerk:display', 'moonclerk:display'])
  // The roots of mountAll() and decorateLinks() (docs/javascript-api.md), given explicitly: document (its querySelectorAll shadowed), and a form whose controls shadow its own.
  expect(
    await page.evaluate(() => {
      const api = (
        window as unknown as {
          MoonClerkCheckout: { mountAll(root?: unknown): unknown[]; decorateLinks(root?: unknown): void }
        }
      ).MoonClerkCheckout
      const form = document.body.appendChild(document.createElement('form'))
      form.innerHTML = '<input name="querySelectorAll"><input name="matches">'
      return [
        api.mountAll(document).length,
        api.mountAll(form).length,
        (api.decorateLinks(document), api.decorateLinks(form), 'decorated'),
      ]
    }),
  ).toEqual([2, 0, 'decorated'])
})

test("a success page declared by a form whose controls are named getAttribute, setAttribute, removeAttribute: the return, its state and the page's checkout all work", async ({
  page,
}) => {
  await page.goto('/e2e/clobbered-success.html')
  // Not with a locator: Playwright's failure snapshot would call the form's shadowed getAttribute.
  await expect
    .poll(() =>
      page.evaluate(() =>
        Element.prototype.getAttribute.call(document.getElementById('eager'), 'data-moonclerk-state'),
      ),
    )
    .toBe('displayed')
  // Read through Element's prototype: Playwright's own toHaveAttribute() would meet the shadowing control.
  const payment = () =>
    page.evaluate(() =>
      Element.prototype.getAttribute.call(document.getElementById('declared'), 'data-moonclerk-payment'),
    )
  await expect.poll(payment).toBe('unconfirmed')
  // The checkout may display before or after DOMContentLoaded, when the return is announced.
  const types = (await recordedEvents(page)).map((event) => event.type)
  expect(types.filter((type) => type != 'moonclerk:display')).toStrictEqual([
    'moonclerk:return',
    'moonclerk:unconfirmed',
  ])
  await expect
    .poll(async () => (await recordedEvents(page)).filter((event) => event.type == 'moonclerk:display').length)
    .toBe(1)
})

test('strict CSP and Trusted Types: an injected <script data-moonclerk-checkout> loads nothing, links nowhere, and the real checkout works', async ({
  page,
}) => {
  const warnings = consoleMessages(page, 'warning')
  const violations = cspConsoleMessages(page)
  const embedRequests = countEmbedRequests(page)
  const scripts: string[] = []
  page.on('request', (request) => request.resourceType() == 'script' && scripts.push(request.url()))
  await page.goto('/e2e/csp-trusted-types-injected.html')
  await expect(page.locator('#eager')).toHaveAttribute('data-moonclerk-state', 'displayed')
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined()
  expect(await page.locator('#comment script').getAttribute('data-moonclerk-state')).toBeNull()
  expect(await page.locator('a[href^="javascript:"]').count()).toBe(0)
  expect(scripts.filter((url) => !url.startsWith('http'))).toEqual([])
  expect(embedRequests).toHaveLength(1)
  expect(warnings).toContain('[moonclerk-checkout] ignored a <script> placeholder that is not ours')
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([])
  expect(violations).toEqual([])
})

test('a merchant page framed by another site: the return breaks out of the checkout frame into the merchant page, never into the foreign top', async ({
  page,
}) => {
  const base = new URL(test.info().project.use.baseURL!)
  // Same server, another origin (and site): localhost is not 127.0.0.1.
  const foreign = new URL('/e2e/framed-by-other-site.html', `http://localhost:${base.port}`)
  foreign.searchParams.set('inner', new URL('/e2e/return-break-out.html', base).href)
  await page.goto(foreign.href)
  const merchant = page.frameLocator('#merchant')
  await expect(merchant.locator('[data-moonclerk-checkout="e2ebreakout"]')).toHaveAttribute(
    'data-moonclerk-state',
    'displayed',
  )
  await merchant
    .frameLocator('#mce2ebreakout iframe')
    .getByRole('button', { name: /^Pay\b/ })
    .click()
  // The success page replaced the merchant page inside the foreign site's frame, and heard the return there.
  const merchantFrame = (await page.locator('#merchant').elementHandle())!.contentFrame()
  const thanks = (await merchantFrame)!
  await expect.poll(() => thanks.url()).toMatch(/\/e2e\/return-break-out-thanks\.html\?/)
  // Until its scripts have run, the new page has no record of events.
  await expect.poll(() => returnDetails(thanks).catch(() => [])).toHaveLength(1)
  // A page framed by another site gets no storage here, so there is nothing to compare the cid with.
  expect((await returnDetails(thanks))[0]).toMatchObject({ customId: '234', cidMatches: null })
  expect(page.url()).toBe(foreign.href)
  expect(page.frames()).toHaveLength(2)
})
