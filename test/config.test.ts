import { afterEach, describe, expect, test } from 'vitest'
import { checkoutOptions, merge, pageOptions, readAttributes, rememberOwnScript } from '../src/config'
import { attributeName, DEFAULTS } from '../src/schema'
import { html, scriptTag } from './helpers'

describe('attribute names', () => {
  test.each([
    ['token', 'data-moonclerk-checkout'],
    ['amountCents', 'data-moonclerk-amount-cents'],
    ['embedSrc', 'data-moonclerk-embed-src'],
    ['payUrl', 'data-moonclerk-pay-url'],
    ['timeoutMs', 'data-moonclerk-timeout'],
    ['cid', 'data-moonclerk-cid'],
    ['returnParams', 'data-moonclerk-return-params'],
    ['cleanReturnUrl', 'data-moonclerk-clean-url'],
    ['breakOutOfFrame', 'data-moonclerk-break-out-of-frame'],
  ] as const)('%s is read from %s', (key, attribute) => expect(attributeName(key)).toBe(attribute))
})

test('readAttributes keeps values as given, empty ones too, and skips absent ones', () => {
  const el = html('<div data-moonclerk-checkout="a1" data-moonclerk-cid="" data-moonclerk-amount-cents=" 12 "></div>')
  expect(readAttributes(el, ['token', 'cid', 'amountCents', 'name'])).toStrictEqual({
    token: 'a1',
    cid: '',
    amountCents: ' 12 ',
  })
})

test('merge ignores __proto__, constructor and prototype keys (a config parsed from JSON, say)', () => {
  const merged = merge(
    JSON.parse(
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "prototype": 1, "cid": "7"}',
    ),
  )
  expect(merged).toStrictEqual({ cid: '7' })
  expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
})

test('merge drops only those exact keys: names that contain them are kept', () => {
  expect(merge({ constructorName: 'a', my_prototype: 'b', x__proto__: 'c' })).toStrictEqual({
    constructorName: 'a',
    my_prototype: 'b',
    x__proto__: 'c',
  })
})

test('merge: later sources win and undefined never hides a lower value', () => {
  expect(merge({ cid: '1', name: 'a' }, { cid: undefined, name: 'b' }, null)).toStrictEqual({ cid: '1', name: 'b' })
})

describe('precedence', () => {
  test('JS options > placeholder > script tag > global config > defaults', () => {
    window.MoonClerkCheckoutConfig = {
      cid: 'global',
      name: 'Global',
      email: 'g@example.com',
      width: '300px',
      amountCents: 1,
      payUrl: '/g/',
    }
    const script = scriptTag({ 'data-moonclerk-cid': 'script', 'data-moonclerk-name': 'Script' })
    rememberOwnScript(script)
    const el = html('<div data-moonclerk-checkout="a1" data-moonclerk-cid="placeholder"></div>')

    expect(checkoutOptions(el, { cid: 'js' })).toMatchObject({
      token: 'a1',
      cid: 'js',
      name: 'Script',
      email: 'g@example.com',
      width: '300px',
      amountCents: 1,
      payUrl: '/g/',
      embedSrc: 'https://d2l7e0y6ygya2s.cloudfront.net/assets/embed.js',
      timeoutMs: 15000,
    })
    expect(checkoutOptions(el).cid).toBe('placeholder')
    el.removeAttribute('data-moonclerk-cid')
    expect(checkoutOptions(el).cid).toBe('script')
    script.removeAttribute('data-moonclerk-cid')
    expect(checkoutOptions(el).cid).toBe('global')
  })

  test('the script tag sets page-wide loading options; a placeholder cannot', () => {
    rememberOwnScript(
      scriptTag({
        'data-moonclerk-embed-src': '/mc/embed.js',
        'data-moonclerk-pay-url': '/mc/pay/',
        'data-moonclerk-timeout': '500',
        nonce: 'n0nce',
      }),
    )
    expect(pageOptions()).toMatchObject({
      embedSrc: '/mc/embed.js',
      payUrl: '/mc/pay/',
      timeoutMs: '500',
      nonce: 'n0nce',
    })
    const el = html('<div data-moonclerk-checkout="a1" data-moonclerk-embed-src="/evil.js"></div>')
    expect(checkoutOptions(el).embedSrc).toBe('/mc/embed.js')
  })

  test('our own <script> placeholder is its own page-wide source and placeholder', () => {
    const script = scriptTag({
      'data-moonclerk-checkout': 'a1',
      'data-moonclerk-amount-cents': '500',
      'data-moonclerk-embed-src': '/mine.js',
    })
    rememberOwnScript(script)
    expect(checkoutOptions(script)).toMatchObject({ token: 'a1', amountCents: '500', embedSrc: '/mine.js' })
  })

  test('another <script> gives no page-wide settings: injected markup cannot choose embed.js or the pay URL', () => {
    rememberOwnScript(scriptTag({}))
    const injected = scriptTag({
      'data-moonclerk-checkout': 'a1',
      'data-moonclerk-embed-src': 'data:text/javascript,alert(1)',
      'data-moonclerk-pay-url': 'javascript:alert(1)//',
    })
    expect(checkoutOptions(injected)).toMatchObject({
      token: 'a1',
      embedSrc: DEFAULTS.embedSrc,
      payUrl: DEFAULTS.payUrl,
    })
  })
})

test('typed transforms: a record, and booleans where presence means true', () => {
  const script = scriptTag({
    'data-moonclerk-return-params': ' customId=uid ,checkoutToken = t,broken,=x,paymentId=',
    'data-moonclerk-clean-url': '',
    'data-moonclerk-break-out-of-frame': 'false',
  })
  expect(readAttributes(script, ['returnParams', 'cleanReturnUrl', 'breakOutOfFrame'])).toStrictEqual({
    returnParams: { customId: 'uid', checkoutToken: 't' },
    cleanReturnUrl: true,
    breakOutOfFrame: false,
  })
})

describe('cidFromUrl', () => {
  afterEach(() => history.replaceState(null, '', '/checkout/'))

  test('is off by default: a ?cid= on the page changes nothing', () => {
    history.replaceState(null, '', '/landing?cid=attacker')
    window.MoonClerkCheckoutConfig = { cid: 'page' }
    expect(pageOptions().cid).toBe('page')
  })

  test('when enabled, the page URL gives the page-wide cid; a placeholder still wins', () => {
    history.replaceState(null, '', '/landing?cid=from-url&uid=other')
    window.MoonClerkCheckoutConfig = { cid: 'page', cidFromUrl: true }
    expect(pageOptions().cid).toBe('from-url')
    window.MoonClerkCheckoutConfig = { cidFromUrl: 'uid' }
    expect(pageOptions().cid).toBe('other')
    expect(checkoutOptions(html('<div data-moonclerk-checkout="a1" data-moonclerk-cid="own"></div>')).cid).toBe('own')
  })

  test("on our script tag, the page URL's cid still wins over the tag's own cid for every placeholder", () => {
    history.replaceState(null, '', '/landing?cid=from-url')
    rememberOwnScript(scriptTag({ 'data-moonclerk-cid': 'script', 'data-moonclerk-cid-from-url': '' }))
    expect(checkoutOptions(html('<div data-moonclerk-checkout="a1"></div>')).cid).toBe('from-url')
  })

  test('an absent or empty parameter leaves the cid as it was', () => {
    history.replaceState(null, '', '/landing?cid=')
    window.MoonClerkCheckoutConfig = { cid: 'page', cidFromUrl: true }
    expect(pageOptions().cid).toBe('page')
  })

  test('on the script tag: present means the cid parameter, a value names it, "false" turns it off', () => {
    expect(readAttributes(scriptTag({ 'data-moonclerk-cid-from-url': '' }), ['cidFromUrl'])).toStrictEqual({
      cidFromUrl: true,
    })
    expect(readAttributes(scriptTag({ 'data-moonclerk-cid-from-url': 'ref' }), ['cidFromUrl'])).toStrictEqual({
      cidFromUrl: 'ref',
    })
    expect(readAttributes(scriptTag({ 'data-moonclerk-cid-from-url': 'false' }), ['cidFromUrl'])).toStrictEqual({
      cidFromUrl: false,
    })
  })
})
