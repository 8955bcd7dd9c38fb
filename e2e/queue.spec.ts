// Calls queued on window.MoonClerkCheckout before the async script build arrives run once it has
// loaded; a push after that runs at once.
import { expect, standInDisplays, test } from './helpers'

interface Api {
  mount: (target: string, options: { token: string; cid: string }) => unknown
}
declare global {
  interface Window {
    /** Filled by e2e/fixtures/queue-early.js. */
    __queue: { atPush: { isArray: boolean; hasMount: boolean } | null; calls: Array<{ mount: string }> }
  }
}

test('a call queued before the library loads sees api.mount and takes effect; a later push runs at once', async ({
  page,
}) => {
  await page.goto('/e2e/queue.html')
  // The queue script ran first: the global was still its own array, without the API.
  expect(await page.evaluate(() => window.__queue.atPush)).toEqual({ isArray: true, hasMount: false })
  await expect(page.locator('#queued')).toHaveAttribute('data-moonclerk-state', 'displayed')
  await expect(page.locator('#queued #mck2m9q4zr7x iframe')).toBeVisible()
  expect(await page.evaluate(() => window.__queue.calls)).toEqual([{ mount: 'function' }])
  expect(await standInDisplays(page)).toEqual([{ checkoutToken: 'k2m9q4zr7x', width: '100%', cid: 'queued-1' }])

  const ranAtOnce = await page.evaluate(() => {
    let ran = false
    const queue = (window as unknown as { MoonClerkCheckout: Array<(api: Api) => void> }).MoonClerkCheckout
    queue.push((api) => {
      ran = typeof api.mount == 'function'
      api.mount('#late', { token: '8h7frjfytj', cid: 'late-1' })
    })
    return ran
  })
  expect(ranAtOnce).toBe(true)
  await expect(page.locator('#late')).toHaveAttribute('data-moonclerk-state', 'displayed')
  expect((await standInDisplays(page)).map((opts) => opts.cid)).toEqual(['queued-1', 'late-1'])
})

test('a cross-origin frame named MoonClerkCheckout: the queue snippet of docs/frameworks.md does not throw, and the queued call runs', async ({
  page,
}) => {
  await page.goto('/e2e/queue-framed.html')
  await expect(page.locator('#queued')).toHaveAttribute('data-moonclerk-state', 'displayed')
  expect(await page.evaluate(() => (window as unknown as { __queue: unknown }).__queue)).toEqual({
    calls: [{ mount: 'function', onReturn: 'function' }],
    snippetThrew: false,
  })
  // The frame was another site's when the snippet and the library looked.
  expect(
    await page.evaluate(() => (window.frames[0] as Window).location.origin).catch((error: Error) => error.message),
  ).toMatch(/cross-origin|Blocked/)
  expect(
    await page.evaluate(
      () => typeof (window as unknown as { MoonClerkCheckout: { mount?: unknown } }).MoonClerkCheckout.mount,
    ),
  ).toBe('function')
})

test('a cross-origin frame named MoonClerkCheckout and no queue: the library sets up its global API without throwing', async ({
  page,
}) => {
  await page.goto('/e2e/queue-framed.html?snippet=0')
  await expect
    .poll(() =>
      page.evaluate(
        () => typeof (window as unknown as { MoonClerkCheckout: { mount?: unknown } }).MoonClerkCheckout.mount,
      ),
    )
    .toBe('function')
  expect(await page.evaluate(() => (window as unknown as { __queue: unknown }).__queue)).toEqual({
    calls: [],
    snippetThrew: null,
  })
})
