// `define(options)` from `moonclerk-checkout/element`: page-wide settings applied before the
// elements already in the page upgrade. Its own file: the tag must not be registered yet.
import { afterEach, expect, test, vi } from 'vitest'
import { configure } from '../src/index'
import { define, TAG } from '../src/registration'
import { captureScripts, settle } from './helpers'

afterEach(() => {
  delete window.MoonClerkCheckoutConfig
})

test('a server-rendered element upgrades with the embedSrc and payUrl given to define(), never the production ones', () => {
  const scripts = captureScripts()
  // The global config an app sets in its own module, too late to be read first, is below define()'s.
  window.MoonClerkCheckoutConfig = { embedSrc: 'https://cdn.other.example/embed.js', frameTitle: 'Pay' }
  document.body.innerHTML =
    '<moonclerk-checkout token="a1"><a href="https://pay.shop.example/pay/a1">Pay</a></moonclerk-checkout>'
  expect(customElements.get(TAG)).toBeUndefined()
  define({ embedSrc: 'https://cdn.shop.example/embed.js', payUrl: 'https://pay.shop.example/pay/' })
  expect(scripts.map((script) => script.src)).toStrictEqual(['https://cdn.shop.example/embed.js'])
  const element = document.querySelector(TAG)!
  expect(element.getAttribute('data-moonclerk-state')).toBe('loading')
  // The author's link is under the configured pay URL: it is the fallback, not a second one.
  expect([...element.querySelectorAll('a')].map((a) => a.href)).toStrictEqual(['https://pay.shop.example/pay/a1'])
})

test('configure() merges: a later call adds or replaces keys, define() without options keeps them', () => {
  const scripts = captureScripts()
  configure({ embedSrc: 'https://cdn.shop.example/embed.js', timeoutMs: 5000 })
  configure({ embedSrc: 'https://cdn2.shop.example/embed.js' })
  define()
  document.body.innerHTML = '<moonclerk-checkout token="b2"></moonclerk-checkout>'
  expect(scripts.map((script) => script.src)).toStrictEqual(['https://cdn2.shop.example/embed.js'])
})

test('a bad setting is reported by the checkout that uses it, as the global config is', async () => {
  const scripts = captureScripts()
  const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
  define({ embedSrc: 'http://cdn.shop.example/embed.js' })
  const errors: string[] = []
  document.addEventListener('moonclerk:error', (event) => errors.push(event.detail.reason), { once: true })
  document.body.innerHTML = '<moonclerk-checkout token="c3"></moonclerk-checkout>'
  await settle()
  expect(errors).toStrictEqual(['invalid-config'])
  expect(logged).toHaveBeenCalledWith(expect.stringMatching(/embedSrc|embed-src/))
  expect(scripts).toStrictEqual([])
})
