// A page with a strict, nonce-based CSP (no unsafe-inline, no unsafe-eval): the library's own tag
// carries the nonce, the library injects embed.js with it, and nothing is blocked.
import { countEmbedRequests, cspConsoleMessages, expect, recordedEvents, standInDisplays, test } from './helpers'

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

test('a CSP that does not allow embed.js: script-load, the link to the hosted checkout works, and the violation is the browser\'s, not ours', async ({ page }) => {
  await page.goto('/e2e/csp-strict-blocked.html')
  const eager = page.locator('#eager')
  await expect(eager).toHaveAttribute('data-moonclerk-state', 'error')
  expect((await recordedEvents(page)).map((event) => [event.type, 'reason' in event.detail ? event.detail.reason : null])).toEqual([['moonclerk:error', 'script-load']])
  await expect(eager.getByRole('link')).toHaveAttribute('href', /\/pay\/8h7frjfytj\?cid=234$/)
  // The only violation is the blocked embed.js: nothing of the library itself (no inline script or style).
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([expect.stringMatching(/^script-src(-elem)? blocked http:\/\/127\.0\.0\.2:9\/assets\/embed\.js/)])
})

test('Trusted Types required: embed.js goes through the moonclerk-checkout policy, without a violation', async ({ page }) => {
  const consoleViolations = cspConsoleMessages(page)
  const response = await page.goto('/e2e/csp-trusted-types.html')
  expect(response!.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'; trusted-types moonclerk-checkout")
  await expect(page.locator('#eager')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#eager iframe')).toBeVisible()
  await page.locator('#click').getByRole('link').click()
  await expect(page.locator('#click iframe')).toBeVisible()
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([])
  expect(consoleViolations).toEqual([])
})
