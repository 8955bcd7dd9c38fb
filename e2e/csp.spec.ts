// A page with a strict, nonce-based CSP (no unsafe-inline, no unsafe-eval): the library's own tag
// carries the nonce, the library injects embed.js with it, and nothing is blocked.
import {
  consoleMessages,
  countEmbedRequests,
  cspConsoleMessages,
  expect,
  recordedEvents,
  standInDisplays,
  test,
} from './helpers'

declare global {
  interface Window {
    /** Filled by e2e/fixtures/csp-watch.js. */
    __cspViolations: string[]
  }
}

const nonceOf = (policy: string | undefined) => (/'nonce-([^']+)'/.exec(policy || '') || [])[1]

test('strict CSP with a nonce: eager and click-mode checkouts display without a single violation', async ({ page }) => {
  const consoleViolations = cspConsoleMessages(page)
  const embedRequests = countEmbedRequests(page)
  const response = await page.goto('/e2e/csp-strict.html')
  const policy = response!.headers()['content-security-policy']
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' http:\/\/127\.0\.0\.1:\d+;/)
  expect(policy).toContain("style-src 'self'")
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/)

  const eager = page.locator('#eager')
  await expect(eager).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(eager.locator('iframe')).toBeVisible()

  // The library handed its own tag's nonce to the embed.js it added.
  const nonces = await page.evaluate(() => ({
    own: (document.querySelector('script[src*="moonclerk-checkout"]') as HTMLScriptElement).nonce,
    embed: (document.querySelector('script[src*="/assets/embed.js"]') as HTMLScriptElement).nonce,
  }))
  expect(nonces.own).toBe(nonceOf(policy))
  expect(nonces.embed).toBe(nonces.own)

  // Click mode: the button look is a constructed stylesheet, which style-src 'self' allows.
  const button = page.locator('#click').getByRole('link')
  await expect(button).toHaveCSS('background-color', 'rgb(31, 95, 214)')
  await button.click()
  await expect(page.locator('#click')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#click iframe')).toBeVisible()
  expect((await standInDisplays(page)).map((opts) => opts.checkoutToken)).toEqual(['8h7frjfytj', 'k2m9q4zr7x'])
  expect(embedRequests).toHaveLength(1)

  expect(await page.evaluate(() => window.__cspViolations)).toEqual([])
  expect(consoleViolations).toEqual([])
})

test("a CSP that does not allow embed.js: script-load, the link to the hosted checkout works, and the violation is the browser's, not ours", async ({
  page,
}) => {
  await page.goto('/e2e/csp-strict-blocked.html')
  const eager = page.locator('#eager')
  await expect(eager).toHaveAttribute('data-moonclerk-state', 'error')
  expect(
    (await recordedEvents(page)).map((event) => [event.type, 'reason' in event.detail ? event.detail.reason : null]),
  ).toEqual([['moonclerk:error', 'script-load']])
  await expect(eager.getByRole('link')).toHaveAttribute('href', /\/pay\/8h7frjfytj\?cid=234$/)
  // The only violation is the blocked embed.js: nothing of the library itself (no inline script or style).
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([
    expect.stringMatching(/^script-src(-elem)? blocked http:\/\/127\.0\.0\.2:9\/assets\/embed\.js/),
  ])
})

test('Trusted Types required: an embedSrc given to one call gets neither the policy nor the nonce, and never runs', async ({
  page,
}) => {
  const errors = consoleMessages(page, 'error')
  await page.goto('/e2e/csp-trusted-types.html')
  await expect(page.locator('#eager')).toHaveAttribute('data-moonclerk-state', 'displayed')
  const outcome = await page.evaluate(async () => {
    const api = (window as unknown as { MoonClerkCheckout: Record<string, (...args: unknown[]) => unknown> })
      .MoonClerkCheckout
    // As on a page whose checkouts have not loaded embed.js yet: the loader would otherwise use the one defined.
    delete (window as { MoonclerkEmbed?: unknown }).MoonclerkEmbed
    // A script of the standin's origin that would run, were it loaded: its delay switch makes it another URL.
    const other = new URL(
      '/assets/embed.js?delay=1',
      document.querySelector<HTMLScriptElement>('script[data-moonclerk-embed-src]')!.dataset.moonclerkEmbedSrc,
    ).href
    const loaded = await (api.loadEmbedScript({ embedSrc: other }) as Promise<unknown>).then(
      () => 'loaded',
      (error: { reason: string }) => error.reason,
    )
    const target = document.body.appendChild(document.createElement('div'))
    const handle = api.mount(target, { token: 'p5w3n8vd1c', embedSrc: other }) as { displayed: Promise<void> }
    const mounted = await handle.displayed.then(
      () => 'displayed',
      (error: { reason: string }) => error.reason,
    )
    return { loaded, mounted, scripts: [...document.scripts].filter((script) => script.src.includes('delay=1')).length }
  })
  expect(outcome).toStrictEqual({ loaded: 'invalid-config', mounted: 'invalid-config', scripts: 0 })
  expect(errors).toContainEqual(expect.stringMatching(/must be the page-wide embed\.js URL/))
})

test('Trusted Types required: embed.js goes through the moonclerk-checkout policy, without a violation', async ({
  page,
}) => {
  const consoleViolations = cspConsoleMessages(page)
  const response = await page.goto('/e2e/csp-trusted-types.html')
  expect(response!.headers()['content-security-policy']).toContain(
    "require-trusted-types-for 'script'; trusted-types moonclerk-checkout",
  )
  await expect(page.locator('#eager')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#eager iframe')).toBeVisible()
  await page.locator('#click').getByRole('link').click()
  await expect(page.locator('#click iframe')).toBeVisible()
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([])
  expect(consoleViolations).toEqual([])
})
