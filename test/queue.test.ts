// The script build's queue: calls made before the script arrived are not lost.
import { expect, test, vi } from 'vitest'
import { settle } from './helpers'

test('queued calls run once the library is there, later pushes at once, a throwing call does not stop the rest', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const calls: unknown[] = []
  const queue: Array<(api: unknown) => void> = [
    (api) => calls.push(['first', api]),
    () => {
      throw new Error('broken call')
    },
    () => calls.push('third'),
  ]
  ;(window as unknown as { MoonClerkCheckout: unknown }).MoonClerkCheckout = queue
  await import('../src/iife')
  await settle()
  expect(calls).toStrictEqual([['first', queue], 'third'])
  expect(queue).toHaveLength(0)
  queue.push(() => calls.push('later'))
  expect(calls.at(-1)).toBe('later')
  expect(console.error).toHaveBeenCalledTimes(1)
})

test('an element named MoonClerkCheckout (<img name=…> shows through window) is replaced by the API, which takes pushes', async () => {
  const img = document.createElement('img')
  ;(window as unknown as { MoonClerkCheckout: unknown }).MoonClerkCheckout = img
  vi.resetModules()
  await import('../src/iife')
  await settle()
  const api = (
    window as unknown as { MoonClerkCheckout: { mount?: unknown; push(call: (api: unknown) => void): void } }
  ).MoonClerkCheckout
  expect(api).not.toBe(img)
  expect(typeof api.mount).toBe('function')
  expect('mount' in img).toBe(false)
  const calls: unknown[] = []
  api.push((given) => calls.push(given))
  expect(calls).toStrictEqual([api])
})

test('without a queue nothing runs and nothing is logged; the global carries the API and the element class', async () => {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
  delete (window as unknown as { MoonClerkCheckout?: unknown }).MoonClerkCheckout
  vi.resetModules()
  await import('../src/iife')
  await settle()
  const api = (window as unknown as { MoonClerkCheckout: Record<string, unknown> }).MoonClerkCheckout
  expect(errors).not.toHaveBeenCalled()
  expect(typeof api.mount).toBe('function')
  // The class itself (an earlier import in this file registered its own copy with the browser).
  expect((api.MoonClerkCheckoutElement as { prototype: unknown }).prototype).toBeInstanceOf(HTMLElement)
})
