// @vitest-environment node
// Server rendering: importing any entry and calling the API must neither throw nor touch `window`.
import { expect, test } from 'vitest'

test('no DOM: importing every entry is harmless, mount returns an inert handle', async () => {
  expect(typeof window).toBe('undefined')
  const api = await import('../src/index')
  await import('../src/auto')
  await import('../src/iife')
  const { MoonClerkCheckoutElement } = await import('../src/element')
  expect(typeof MoonClerkCheckoutElement).toBe('function')
  const { define } = await import('../src/define')
  expect(() => define()).not.toThrow()
  expect(api.readReturn('https://shop.example/?custom_id=1')).toMatchObject({ customId: '1' })
  expect(api.handleReturn()).toBeNull()
  expect(api.onReturn(() => {})).toBeTypeOf('function')
  expect(() => api.decorateLinks()).not.toThrow()
  const handle = api.mount('#checkout', { cid: '1' })
  expect(handle.element).toBeNull()
  expect(handle.opts).toBeNull()
  expect(() => handle.destroy()).not.toThrow()
  expect(api.mountAll()).toStrictEqual([])
  expect(() => api.start()).not.toThrow()
  expect(api.checkoutUrl('a1', { cid: '1' })).toBe('https://app.moonclerk.com/pay/a1?cid=1')
})

// Skipped by `npm run mutate` (MUTATE=1): it tests dist/, which mutants of src/ never change.
test.skipIf(process.env.MUTATE === '1')(
  'no DOM: every built entry in dist/ imports without throwing (needs `npm run build`)',
  async () => {
    const exported: Record<string, string[]> = {
      'moonclerk-checkout.mjs': ['mount', 'mountAll', 'readReturn', 'start'],
      'auto.mjs': [],
      'element.mjs': ['MoonClerkCheckoutElement'],
      'define.mjs': ['TAG', 'define'],
      'server.mjs': [
        'CidError',
        'MoonClerkApiError',
        'WebhookError',
        'confirmCheckout',
        'hashCid',
        'openCid',
        'parseWebhook',
        'sealCid',
      ],
    }
    for (const [entry, names] of Object.entries(exported)) {
      const module = await import(new URL(`../dist/${entry}`, import.meta.url).href)
      // auto.mjs, an entry for its side effect, exports nothing; the others at least these names.
      if (names.length) expect(Object.keys(module), entry).toEqual(expect.arrayContaining(names))
      else expect(Object.keys(module), entry).toStrictEqual([])
    }
    // Without a DOM, no entry set up the global API.
    expect('MoonClerkCheckout' in globalThis).toBe(false)
    const { mount } = await import(new URL('../dist/moonclerk-checkout.mjs', import.meta.url).href)
    expect(mount('#x').element).toBeNull()
  },
)
