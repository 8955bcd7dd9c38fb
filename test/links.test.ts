import { beforeEach, expect, test, vi } from 'vitest'
import { rememberOwnScript } from '../src/config'
import { decorateLinks } from '../src/links'
import { mount } from '../src/mount'
import { handleReturn } from '../src/return'
import { arrive, captureScripts, EMBED_SRC, html, recordEvents, scriptTag, settle } from './helpers'

const events = recordEvents()
const href = (selector: string) => document.querySelector<HTMLAnchorElement>(selector)!.href

beforeEach(() => sessionStorage.clear())

test('marked links get the page-wide cid and prefill values, keeping their own parameters', async () => {
  window.MoonClerkCheckoutConfig = { cid: '234', name: 'Leon Bridges' }
  html(`<p>
    <a id="plain" href="https://app.moonclerk.com/pay/8h7frjfytj" data-moonclerk-link>Pay</a>
    <a id="utm" href="https://app.moonclerk.com/pay/8h7frjfytj?utm_source=mail#top" data-moonclerk-link data-moonclerk-amount-cents="500">Pay</a>
    <a id="other" href="https://app.moonclerk.com/pay/8h7frjfytj">not marked</a>
  </p>`)
  decorateLinks()
  await settle()
  expect(href('#plain')).toBe('https://app.moonclerk.com/pay/8h7frjfytj?cid=234&name=Leon+Bridges')
  expect(href('#utm')).toBe(
    'https://app.moonclerk.com/pay/8h7frjfytj?utm_source=mail&cid=234&name=Leon+Bridges&amount_cents=500#top',
  )
  expect(href('#other')).toBe('https://app.moonclerk.com/pay/8h7frjfytj')
})

test("a link's own attributes win; the script tag's defaults apply; decorating twice changes nothing", async () => {
  rememberOwnScript(scriptTag({ 'data-moonclerk-cid': 'page', 'data-moonclerk-pay-url': '/pay/' }))
  html(
    '<a href="/pay/a1" data-moonclerk-link data-moonclerk-cid="own">Pay</a><a href="/pay/b2" data-moonclerk-link>Pay</a>',
  )
  decorateLinks()
  decorateLinks()
  await settle()
  expect(href('a')).toBe('https://shop.example/pay/a1?cid=own')
  expect(href('a + a')).toBe('https://shop.example/pay/b2?cid=page')
})

test('a marked link that does not go to the hosted checkout is left alone, with a warning, and its cid is not remembered', async () => {
  window.MoonClerkCheckoutConfig = { cid: 'page-7', email: 'leon@example.com' }
  const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
  html(`<p>
    <a id="evil" href="https://evil.example/c" data-moonclerk-link data-moonclerk-cid="planted">Pay</a>
    <a id="lookalike" href="https://app.moonclerk.com.evil.example/pay/a1" data-moonclerk-link>Pay</a>
    <a id="path" href="https://app.moonclerk.com/admin/a1" data-moonclerk-link>Pay</a>
  </p>`)
  decorateLinks()
  await settle()
  expect(href('#evil')).toBe('https://evil.example/c')
  expect(href('#lookalike')).toBe('https://app.moonclerk.com.evil.example/pay/a1')
  expect(href('#path')).toBe('https://app.moonclerk.com/admin/a1')
  expect(warned).toHaveBeenCalledTimes(3)
  expect(warned.mock.calls[0][0]).toBe(
    '[moonclerk-checkout] https://evil.example/c is not under https://app.moonclerk.com/pay/: left alone',
  )
  expect(handleReturn({ url: '/thanks?custom_id=planted&checkout_token=t' })!.cidMatches).toBeNull()
})

test('the cid a link carries counts for the return double check', async () => {
  window.MoonClerkCheckoutConfig = { cid: async () => 'hashed-7' }
  html('<a href="https://app.moonclerk.com/pay/a1" data-moonclerk-link>Pay</a>')
  decorateLinks()
  await settle()
  expect(handleReturn({ url: '/thanks?custom_id=hashed-7' })!.cidMatches).toBe(true)
})

test('a cid that cannot be had leaves the link working and says why', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  window.MoonClerkCheckoutConfig = { cid: () => Promise.reject(new Error('401')) }
  html('<a id="pay" href="https://app.moonclerk.com/pay/a1" data-moonclerk-link>Pay</a>')
  decorateLinks()
  await settle()
  expect(href('a')).toBe('https://app.moonclerk.com/pay/a1')
  expect(events).toMatchObject([
    {
      type: 'moonclerk:error',
      detail: {
        token: 'a1',
        reason: 'cid-unavailable',
        message: '<a#pay> (form a1): the cid function failed: Error: 401',
      },
    },
  ])
})

test('a mounted checkout records its cid for the double check', async () => {
  const scripts = captureScripts()
  const handle = mount(html('<div data-moonclerk-checkout="a1" data-moonclerk-cid="mounted-1"></div>'), {
    embedSrc: EMBED_SRC,
  })
  arrive(scripts[0])
  await handle.displayed
  expect(handleReturn({ url: '/thanks?custom_id=mounted-1' })!.cidMatches).toBe(true)
  expect(handleReturn({ url: '/thanks?custom_id=mounted-2' })!.cidMatches).toBe(false)
})

// Without a DOM, decorateLinks() does nothing: test/ssr.test.ts runs it in Node.
test('decorates only the links under the root it is given', async () => {
  window.MoonClerkCheckoutConfig = { cid: '234' }
  html(
    '<section><a id="inside" href="https://app.moonclerk.com/pay/a1" data-moonclerk-link>Pay</a></section><a id="outside" href="https://app.moonclerk.com/pay/b2" data-moonclerk-link>Pay</a>',
  )
  decorateLinks(document.querySelector('section')!)
  await settle()
  expect(href('#inside')).toBe('https://app.moonclerk.com/pay/a1?cid=234')
  expect(href('#outside')).toBe('https://app.moonclerk.com/pay/b2')
})

test('a link leaves out what a template rendered unusable, with a warning, and keeps the rest', async () => {
  const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
  html(
    '<a id="pay" href="https://app.moonclerk.com/pay/8h7frjfytj" data-moonclerk-link data-moonclerk-cid="" data-moonclerk-amount-cents="10.00" data-moonclerk-name="Leon">Pay</a>',
  )
  decorateLinks()
  await settle()
  expect(href('#pay')).toBe('https://app.moonclerk.com/pay/8h7frjfytj?name=Leon')
  expect(warned.mock.calls.map((call) => call[0])).toStrictEqual([
    '[moonclerk-checkout] <a#pay> (form 8h7frjfytj): cid (data-moonclerk-cid) is empty: the checkout runs without a custom id',
    '[moonclerk-checkout] <a#pay> (form 8h7frjfytj): amountCents (data-moonclerk-amount-cents) must be a positive integer, got "10.00": left out',
  ])
  expect(events).toStrictEqual([])
})

test("a link takes custom fields from its data attribute, as MoonClerk's parameters", async () => {
  html(
    '<a id="pay" href="https://app.moonclerk.com/pay/8h7frjfytj" data-moonclerk-link data-moonclerk-fields="hat_size=L&interests[]=sports&interests[]=music">Pay</a>',
  )
  decorateLinks()
  await settle()
  expect([...new URL(href('#pay')).searchParams]).toStrictEqual([
    ['fields[hat_size]', 'L'],
    ['fields[interests][]', 'sports'],
    ['fields[interests][]', 'music'],
  ])
})

test('a link elsewhere is warned about once however often links are decorated', async () => {
  const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
  html('<a href="https://evil.example/c" data-moonclerk-link>Pay</a>')
  decorateLinks()
  decorateLinks()
  await settle()
  expect(warned).toHaveBeenCalledTimes(1)
})

test('an unusable pay URL (not https:) decorates no link: each is left alone with a warning', async () => {
  window.MoonClerkCheckoutConfig = { cid: '234', payUrl: 'http://app.moonclerk.com/pay/' }
  const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
  html('<a href="http://app.moonclerk.com/pay/a1" data-moonclerk-link>Pay</a>')
  decorateLinks()
  await settle()
  expect(href('a')).toBe('http://app.moonclerk.com/pay/a1')
  expect(warned).toHaveBeenCalledTimes(1)
})

test("a link without a cid leaves the tab's memory of cids untouched", async () => {
  html('<a href="https://app.moonclerk.com/pay/a1" data-moonclerk-link data-moonclerk-name="Leon">Pay</a>')
  decorateLinks()
  await settle()
  expect(href('a')).toBe('https://app.moonclerk.com/pay/a1?name=Leon')
  expect(sessionStorage.getItem('moonclerk-checkout:cids')).toBeNull()
})

test('a link with ping gets no values, marked or fallback: a click would post them to the ping URLs too', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  window.MoonClerkCheckoutConfig = { cid: '234', name: 'Leon Bridges', email: 'leon@example.com' }
  html(`<a id="marked" href="https://app.moonclerk.com/pay/a1" ping="https://collector.example/c" data-moonclerk-link>Pay</a>
    <div id="placeholder" data-moonclerk-checkout="b2"><a href="https://app.moonclerk.com/pay/b2" ping="https://collector.example/c">Pay</a></div>`)
  captureScripts()
  decorateLinks()
  mount('#placeholder', { embedSrc: EMBED_SRC })
  await settle()
  expect(href('#marked')).toBe('https://app.moonclerk.com/pay/a1')
  expect(href('#placeholder a')).toBe('https://app.moonclerk.com/pay/b2')
  expect(warn).toHaveBeenCalledWith(expect.stringMatching(/a link with ping gets no values/))
  warn.mockRestore()
})

test('an SVG <a href> is no link: in a placeholder (an icon) or marked, it stops nothing and gets nothing', async () => {
  window.MoonClerkCheckoutConfig = { cid: '234' }
  html(`<div id="placeholder" data-moonclerk-checkout="b2"><svg><a href="https://app.moonclerk.com/pay/b2"><text>icon</text></a></svg><a id="html" href="https://app.moonclerk.com/pay/b2">Pay</a></div>
    <svg><a id="svg-marked" href="https://app.moonclerk.com/pay/a1" data-moonclerk-link><text>Pay</text></a></svg>`)
  captureScripts()
  expect(() => decorateLinks()).not.toThrow()
  const handle = mount('#placeholder', { embedSrc: EMBED_SRC })
  await settle()
  expect(handle.element!.getAttribute('data-moonclerk-state')).toBe('loading')
  expect(href('#html')).toBe('https://app.moonclerk.com/pay/b2?cid=234')
  expect(document.getElementById('svg-marked')!.getAttribute('href')).toBe('https://app.moonclerk.com/pay/a1')
})
