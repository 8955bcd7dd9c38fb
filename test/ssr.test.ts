// @vitest-environment node
// Server rendering: importing any entry and calling the API must neither throw nor touch `window`.
import { expect, test } from 'vitest'

test('no DOM: importing every entry is harmless, mount returns an inert handle', async () => {
  expect(typeof window).toBe('undefined')
  const api = await import('../src/index')
  await import('../src/auto')
  await import('../src/umd')
  const handle = api.mount('#checkout', { cid: '1' })
  expect(handle.element).toBeNull()
  expect(handle.opts).toBeNull()
  expect(() => handle.destroy()).not.toThrow()
  expect(api.mountAll()).toStrictEqual([])
  expect(() => api.start()).not.toThrow()
  expect(api.checkoutUrl('a1', { cid: '1' })).toBe('https://app.moonclerk.com/pay/a1?cid=1')
})
