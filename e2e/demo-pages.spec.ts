// Every page of the demo site (demo/, served under its strict CSP) does what it shows, and leaves
// a full-page screenshot in the test's output folder. The index page's screenshot at 1200px goes
// to demo/screenshot.png when UPDATE_SCREENSHOT=1.
import path from 'node:path'
import type { Page, TestInfo } from '@playwright/test'
import { countEmbedRequests, cspConsoleMessages, expect, test } from './helpers'

/** The page's event-log lines, as the demo shows them. */
const logLines = (page: Page) => page.locator('#event-log li')

/** Opens a demo page and collects its CSP complaints; the test's end checks there were none. */
async function open(page: Page, url: string, waitUntil: 'load' | 'domcontentloaded' = 'load') {
  const csp = cspConsoleMessages(page)
  const response = await page.goto(url, { waitUntil })
  expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self' http:\/\/127\.0\.0\.1:\d+;/)
  return csp
}

async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true })
}

test('index: links every demo page', async ({ page }, testInfo) => {
  const csp = await open(page, '/')
  const hrefs = await page
    .locator('nav.pages a')
    .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname))
  for (const href of hrefs) {
    const response = await page.request.get(href)
    expect(response.status(), href).toBe(200)
  }
  expect(hrefs.length).toBeGreaterThanOrEqual(11)
  await expect(page.locator('main [data-moonclerk-checkout]')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('nav.pages .mode')).toContainText('local MoonClerk stand-in')
  await screenshot(page, testInfo, 'index')
  expect(csp).toEqual([])
})

test('static site, one tag: the checkout sits right after the script tag', async ({ page }, testInfo) => {
  const csp = await open(page, '/demo/static-one-tag.html')
  const added = page.locator('#before + script[data-moonclerk-checkout] + div')
  await expect(added).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#before + script + div + #after')).toHaveCount(1)
  await expect(added.locator('iframe')).toBeVisible()
  // The markup shown is the markup used.
  await expect(page.locator('pre').first()).toContainText(
    'data-moonclerk-checkout="8h7frjfytj" data-moonclerk-cid="234"',
  )
  await screenshot(page, testInfo, 'static-one-tag')
  expect(csp).toEqual([])
})

test('static site, placeholders: three forms, one async script, one embed.js', async ({ page }, testInfo) => {
  const embed = countEmbedRequests(page)
  const csp = await open(page, '/demo/static-placeholder.html')
  for (const token of ['8h7frjfytj', 'k2m9q4zr7x', 'p5w3n8vd1c'])
    await expect(page.locator(`[data-moonclerk-checkout="${token}"]`)).toHaveAttribute(
      'data-moonclerk-state',
      'displayed',
    )
  await expect(logLines(page)).toHaveCount(3)
  await expect(logLines(page).filter({ hasText: 'p5w3n8vd1c' })).toContainText('"amount_cents":2500')
  expect(embed).toHaveLength(1)
  await screenshot(page, testInfo, 'static-placeholder')
  expect(csp).toEqual([])
})

test('CMS page: the script tag’s cid and prefill reach every placeholder; a placeholder’s own cid wins', async ({
  page,
}, testInfo) => {
  const csp = await open(page, '/demo/cms.html')
  await expect(logLines(page)).toHaveCount(2)
  await expect(logLines(page).filter({ hasText: '"token":"8h7frjfytj"' })).toContainText(
    '"cid":"234","name":"Leon Bridges","email":"leon@example.com"',
  )
  await expect(logLines(page).filter({ hasText: '"token":"k2m9q4zr7x"' })).toContainText(
    '"width":"420px","cid":"member-42"',
  )
  await screenshot(page, testInfo, 'cms')
  expect(csp).toEqual([])
})

test('CMS page with global config: the cid comes from the async function, fetched from the server', async ({
  page,
}, testInfo) => {
  const fetched = await (await page.request.get('/demo/api/checkout-id')).text()
  expect(fetched).toMatch(/^[0-9a-f]{20}$/)
  const csp = await open(page, '/demo/cms-config.html')
  await expect(logLines(page)).toHaveCount(2)
  for (const token of ['8h7frjfytj', 'p5w3n8vd1c']) {
    const placeholder = page.locator(`[data-moonclerk-checkout="${token}"]`)
    await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'displayed')
    await expect(placeholder.locator('iframe')).toHaveAttribute(
      'src',
      new RegExp(`\\?cid=${fetched}&name=Leon\\+Bridges&`),
    )
  }
  // The config shown is the config that runs.
  await expect(page.locator('code[data-source="/demo/cms-config.js"]')).toHaveText(
    await (await page.request.get('/demo/cms-config.js')).text(),
  )
  await screenshot(page, testInfo, 'cms-config')
  expect(csp).toEqual([])
})

test('single-page app: routes mount, destroy and use the element; a return route is announced; one embed.js', async ({
  page,
}, testInfo) => {
  const embed = countEmbedRequests(page)
  const csp = await open(page, '/demo/spa/')
  const view = page.locator('#view')
  await page.getByRole('link', { name: 'Pay (mount)' }).click()
  await expect(page).toHaveURL(/\/demo\/spa\/pay$/)
  await expect(view.locator('[data-moonclerk-state="displayed"]')).toHaveCount(2)
  await expect(page.locator('#route-status')).toContainText('8h7frjfytj: displayed with cid 234')
  await screenshot(page, testInfo, 'spa')

  await page.getByRole('link', { name: 'Give (element)' }).click()
  await expect(view.locator('moonclerk-checkout')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#mc8h7frjfytj, #mck2m9q4zr7x')).toHaveCount(0)

  await page.getByRole('link', { name: 'Thanks (a return)' }).click()
  await expect(page.locator('#mcp5w3n8vd1c')).toHaveCount(0)
  await expect(logLines(page).filter({ hasText: 'moonclerk:return' })).toContainText(
    '"customId":"234","checkoutToken":"spaDemo123"',
  )

  await page.goBack()
  await expect(view.locator('moonclerk-checkout')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await page.goBack()
  await expect(view.locator('[data-moonclerk-state="displayed"]')).toHaveCount(2)
  // A reload of a client-side route serves the app again.
  expect((await page.request.get('/demo/spa/element')).status()).toBe(200)
  expect(embed).toHaveLength(1)
  // The code shown is the code that runs.
  await expect(page.locator('#spa-source')).toHaveText(await (await page.request.get('/demo/spa.js')).text())
  expect(csp).toEqual([])
})

test('element page: eager at once, click on click, visible on scrolling; one embed.js', async ({ page }, testInfo) => {
  const embed = countEmbedRequests(page)
  const csp = await open(page, '/demo/element.html')
  const eager = page.locator('moonclerk-checkout[token="8h7frjfytj"]')
  const click = page.locator('moonclerk-checkout[token="k2m9q4zr7x"]')
  const visible = page.locator('moonclerk-checkout[token="p5w3n8vd1c"]')
  await expect(eager).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(click).toHaveAttribute('data-moonclerk-state', 'waiting')
  await expect(visible).toHaveAttribute('data-moonclerk-state', 'waiting')
  await screenshot(page, testInfo, 'element')
  await click.getByRole('link', { name: 'Show the monthly plan checkout' }).click()
  await expect(click).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(visible).toHaveAttribute('data-moonclerk-state', 'waiting')
  await visible.scrollIntoViewIfNeeded()
  await expect(visible).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(logLines(page)).toHaveCount(3)
  expect(embed).toHaveLength(1)
  expect(csp).toEqual([])
})

test('linked checkout: links carry the page-wide cid and email, their own values and parameters', async ({
  page,
}, testInfo) => {
  const embed = countEmbedRequests(page)
  const csp = await open(page, '/demo/linked.html')
  const links = page.locator('a[data-moonclerk-link]')
  await expect(links.nth(0)).toHaveAttribute('href', /\/pay\/8h7frjfytj\?cid=234&email=leon%40example\.com$/)
  await expect(links.nth(1)).toHaveAttribute(
    'href',
    /\/pay\/p5w3n8vd1c\?hat_size=L&cid=234&email=leon%40example\.com&amount_cents=2500$/,
  )
  await expect(page.locator('#link-hrefs li').nth(0)).toHaveText(/\?cid=234&email=leon%40example\.com$/)
  await links.nth(0).click()
  await expect(page.locator('[data-field="cid"]')).toHaveText('234')
  expect(embed).toEqual([])
  await page.goBack()
  await screenshot(page, testInfo, 'linked')
  expect(csp).toEqual([])
})

for (const { file, reason, selector } of [
  { file: 'failure-blocked', reason: 'script-load', selector: '[data-moonclerk-checkout]' },
  { file: 'failure-timeout', reason: 'script-timeout', selector: '[data-moonclerk-checkout]' },
  { file: 'failure-duplicate', reason: 'duplicate-token', selector: '#second' },
]) {
  test(`failure page ${file}: the fallback link with the cid, and moonclerk:error ${reason}`, async ({
    page,
  }, testInfo) => {
    // The timeout page's embed.js never answers, which holds back the load event.
    const csp = await open(page, `/demo/${file}.html`, 'domcontentloaded')
    const placeholder = page.locator(selector)
    await expect(placeholder).toHaveAttribute('data-moonclerk-state', 'error')
    await expect(placeholder.getByRole('link')).toBeVisible()
    await expect(placeholder.getByRole('link')).toHaveAttribute('href', /\/pay\/8h7frjfytj\?cid=234$/)
    await expect(logLines(page).filter({ hasText: 'moonclerk:error' })).toContainText(`"reason":"${reason}"`)
    if (file == 'failure-duplicate')
      await expect(page.locator('#first')).toHaveAttribute('data-moonclerk-state', 'displayed')
    await screenshot(page, testInfo, file)
    expect(csp).toEqual([])
  })
}

test('success page screenshot, with a return in the address', async ({ page }, testInfo) => {
  const csp = await open(page, '/demo/success.html?custom_id=234&checkout_token=demoCheckout123&payment_id=100001')
  await expect(page.locator('#thanks-details')).toBeVisible()
  await screenshot(page, testInfo, 'success')
  expect(csp).toEqual([])
})

test('index page at 1200px: demo/screenshot.png (written only with UPDATE_SCREENSHOT=1)', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1200, height: 900 })
  await open(page, '/')
  await expect(page.locator('main [data-moonclerk-checkout]')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await page.screenshot({ path: testInfo.outputPath('index-1200.png'), fullPage: true })
  if (process.env.UPDATE_SCREENSHOT == '1')
    await page.screenshot({
      path: path.resolve(testInfo.project.testDir, '..', 'demo', 'screenshot.png'),
      fullPage: true,
    })
})
