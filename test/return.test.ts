import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { rememberOwnScript } from '../src/config'
import { rememberSentCid as recordCid } from '../src/memory'
import { handleReturn, onReturn } from '../src/return'
import { readReturn } from '../src/return-url'
import { scriptTag, settle } from './helpers'

const NONE = { customId: null, checkoutToken: null, paymentId: null, customerId: null }

describe('readReturn (pure)', () => {
  test.each([
    'https://shop.example/thanks#/done?custom_id=1\n2&checkout_token=t',
    'https://shop.example/thanks?custom_id=%E0%A4%A&checkout_token=%',
    '\n?#\r\u2028#?&=&==',
    '',
    '#',
    '%%%?%%%#%%%',
  ])('never throws, whatever the string: %j', (url) => {
    expect(() => readReturn(url)).not.toThrow()
  })

  test('an address crafted to make the parsing quadratic (200,000 `+` then `x`) is read in linear time', () => {
    const started = performance.now()
    expect(readReturn('https://shop.example/thanks#custom_id=' + '+'.repeat(200_000) + 'x')).toBeNull()
    expect(readReturn('https://shop.example/thanks?custom_id=' + '%20'.repeat(60_000) + '{{x}}')).toBeNull()
    // Was 17 s in Chromium: a bound far from both, on a noisy machine.
    expect(performance.now() - started).toBeLessThan(1000)
  })

  test('only the first 8,192 characters of an address are read', () => {
    expect(readReturn('https://shop.example/thanks?ref=' + 'a'.repeat(8100) + '&custom_id=1')).toStrictEqual({
      ...NONE,
      customId: '1',
    })
    expect(readReturn('https://shop.example/thanks?ref=' + 'a'.repeat(8200) + '&custom_id=1')).toBeNull()
    // A `?` inside a value is no place to cut.
    expect(
      readReturn('https://shop.example/thanks?ref=' + 'a'.repeat(8130) + '&custom_id=abc?' + 'd'.repeat(100)),
    ).toBeNull()
    // The parameter the cap falls in is left out, not cut to another cid.
    expect(readReturn('https://shop.example/thanks?checkout_token=t&custom_id=' + '7'.repeat(9000))).toStrictEqual({
      ...NONE,
      checkoutToken: 't',
    })
  })

  test('a placeholder or spaces with line breaks around them still count as absent', () => {
    expect(
      readReturn('https://shop.example/thanks?custom_id=%0A%20{{custom_id}}%20%0A&checkout_token=t'),
    ).toStrictEqual({ ...NONE, checkoutToken: 't' })
  })

  test('a line break inside the fragment stays part of the value', () => {
    expect(readReturn('https://shop.example/thanks#/done?custom_id=1%0A2&checkout_token=t\nu')).toMatchObject({
      customId: '1\n2',
      checkoutToken: 't\nu',
    })
  })

  test('reads the documented parameters from the query', () => {
    expect(readReturn('https://shop.example/thanks?custom_id=234&checkout_token=ab12&payment_id=99')).toStrictEqual({
      customId: '234',
      checkoutToken: 'ab12',
      paymentId: '99',
      customerId: null,
    })
  })

  test('reads customer_id, of the older redirect instructions for plans', () => {
    expect(readReturn('https://shop.example/thanks?custom_id=234&customer_id=77')).toMatchObject({
      customId: '234',
      customerId: '77',
    })
  })

  test('null when the URL brings nothing back', () => {
    expect(readReturn('https://shop.example/thanks?ref=mail#top')).toBeNull()
    expect(readReturn('https://shop.example/')).toBeNull()
  })

  test('a plain anchor is not a query', () => {
    expect(readReturn('https://shop.example/thanks#custom_id')).toBeNull()
  })

  test('reads a query in the fragment, as hash-routed hosts have it', () => {
    expect(readReturn('https://shop.example/#/thanks?custom_id=7')).toStrictEqual({ ...NONE, customId: '7' })
    expect(readReturn('https://shop.example/#custom_id=7&checkout_token=t1')).toStrictEqual({
      ...NONE,
      customId: '7',
      checkoutToken: 't1',
    })
  })

  test('the merchant chooses the names', () => {
    expect(readReturn('/thanks?uid=5&t=x9&custom_id=ignored', { customId: 'uid', checkoutToken: 't' })).toStrictEqual({
      ...NONE,
      customId: '5',
      checkoutToken: 'x9',
    })
  })

  test('decodes values: percent-encoding and + for spaces', () => {
    expect(readReturn('?custom_id=Leon+Bridges%20%C3%BC%26more')!.customId).toBe('Leon Bridges ü&more')
  })

  test.each([
    ['?custom_id={{custom_id}}&checkout_token=t1', null],
    ['?custom_id=%7B%7Bcustom_id%7D%7D&checkout_token=t1', null],
    ['?custom_id=&checkout_token=t1', null],
    ['?custom_id=%20&checkout_token=t1', null],
  ])('an unfilled placeholder or an empty value counts as absent: %s', (query, customId) => {
    expect(readReturn(query)).toStrictEqual({ ...NONE, checkoutToken: 't1', customId })
  })

  test('only unfilled placeholders: nothing came back', () => {
    expect(readReturn('?custom_id={{custom_id}}&customer_id={{customer_id}}')).toBeNull()
  })

  test('rule: the first of repeated parameters wins, the query before the fragment', () => {
    expect(readReturn('?custom_id=1&custom_id=2#custom_id=3')!.customId).toBe('1')
    expect(readReturn('?ref=x#custom_id=3&custom_id=4')!.customId).toBe('3')
  })

  test('rule: a value that cannot be decoded is kept raw', () => {
    expect(readReturn('?custom_id=100%25&checkout_token=%E0%A4%A')).toStrictEqual({
      ...NONE,
      customId: '100%',
      checkoutToken: '%E0%A4%A',
    })
    expect(readReturn('?custom_id=%zz+1')!.customId).toBe('%zz+1')
  })

  test('never throws on odd input; a value longer than the address cap is left out, never cut', () => {
    expect(readReturn(`?checkout_token=t&custom_id=${'x'.repeat(100_000)}`)).toStrictEqual({
      ...NONE,
      checkoutToken: 't',
    })
    expect(readReturn(`?custom_id=${'x'.repeat(100_000)}`)).toBeNull()
    for (const url of [
      '',
      '?',
      '#',
      '?&&=&=x',
      '??custom_id=1',
      '?custom_id',
      '?__proto__=1&constructor=2',
      '%%%?%%%#%%%',
    ])
      expect(() => readReturn(url)).not.toThrow()
    expect(readReturn('?constructor=1')).toBeNull()
  })
})

describe('handleReturn and the moonclerk:return event', () => {
  let heard: Array<CustomEvent['detail']>
  const listener = (event: Event) => heard.push((event as CustomEvent).detail)

  beforeEach(() => {
    heard = []
    window.addEventListener('moonclerk:return', listener)
    sessionStorage.clear()
    history.replaceState(null, '', '/checkout/')
  })
  afterEach(() => {
    window.removeEventListener('moonclerk:return', listener)
  })

  test('dispatches on document (heard on window) with cidMatches null when this tab sent no cid', () => {
    history.replaceState(null, '', '/thanks?custom_id=234&checkout_token=t1')
    const detail = handleReturn()
    expect(detail).toStrictEqual({
      ...NONE,
      customId: '234',
      checkoutToken: 't1',
      cidMatches: null,
      repeated: false,
      source: 'url',
    })
    expect(heard).toStrictEqual([detail])
  })

  test('no return, no event', () => {
    history.replaceState(null, '', '/thanks?ref=mail')
    expect(handleReturn()).toBeNull()
    expect(heard).toHaveLength(0)
  })

  test('cidMatches: true for a cid this tab sent, false for another', () => {
    recordCid('234')
    recordCid('hashed-1')
    expect(handleReturn({ url: '/thanks?custom_id=234&checkout_token=t1' })!.cidMatches).toBe(true)
    expect(handleReturn({ url: '/thanks?custom_id=999&checkout_token=t2' })!.cidMatches).toBe(false)
    // Nothing came back to compare.
    expect(handleReturn({ url: '/thanks?checkout_token=t3' })!.cidMatches).toBeNull()
  })

  test('repeated: the same checkout token again (a reload), or the same custom id when there is no token', () => {
    const url = '/thanks?custom_id=234&checkout_token=t1'
    expect(handleReturn({ url })!.repeated).toBe(false)
    expect(handleReturn({ url })!.repeated).toBe(true)
    expect(handleReturn({ url: '/thanks?custom_id=234&checkout_token=t2' })!.repeated).toBe(false)
    expect(handleReturn({ url: '/thanks?custom_id=5' })!.repeated).toBe(false)
    expect(handleReturn({ url: '/thanks?custom_id=5' })!.repeated).toBe(true)
    expect(handleReturn({ url: '/thanks?custom_id=6' })!.repeated).toBe(false)
    expect(heard).toHaveLength(6)
  })

  test.each([
    [
      'reading sessionStorage throws (sandboxed frame, privacy mode)',
      () => {
        throw new DOMException('denied', 'SecurityError')
      },
    ],
    [
      'writing throws (quota)',
      () => ({
        getItem: () => null,
        setItem: () => {
          throw new DOMException('full', 'QuotaExceededError')
        },
      }),
    ],
  ])('storage failing counts as empty, never as an error: %s', (_, storage) => {
    vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(storage as unknown as () => Storage)
    expect(() => recordCid('1')).not.toThrow()
    const url = '/thanks?custom_id=1&checkout_token=t1'
    expect(handleReturn({ url })).toMatchObject({ cidMatches: null, repeated: false })
    expect(handleReturn({ url })).toMatchObject({ cidMatches: null, repeated: false })
  })

  test('junk in storage counts as empty', () => {
    sessionStorage.setItem('moonclerk-checkout:cids', '{"not":"a list"}')
    sessionStorage.setItem('moonclerk-checkout:returns', 'not json')
    expect(handleReturn({ url: '/?custom_id=1' })).toMatchObject({ cidMatches: null, repeated: false })
  })

  test('the memory stays small however many cids a tab sends', () => {
    for (let i = 0; i < 100; i++) recordCid(String(i))
    recordCid('5')
    const kept = JSON.parse(sessionStorage.getItem('moonclerk-checkout:cids')!)
    expect(kept).toHaveLength(20)
    expect(kept.at(-1)).toBe('5')
  })

  test('a page of checkouts with one cid writes the memory once', () => {
    const setItem = vi.spyOn(sessionStorage, 'setItem')
    for (let i = 0; i < 10; i++) recordCid('234')
    expect(setItem).toHaveBeenCalledTimes(1)
    recordCid('235')
    recordCid('234')
    expect(setItem).toHaveBeenCalledTimes(3)
    expect(JSON.parse(sessionStorage.getItem('moonclerk-checkout:cids')!)).toEqual(['235', '234'])
    setItem.mockRestore()
  })

  test('one console warning for unfilled placeholders, explaining the likely cause', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    handleReturn({ url: '/thanks?custom_id={{custom_id}}&checkout_token=' })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0][0]).toBe(
      '[moonclerk-checkout] no value for custom_id, checkout_token in the return URL: no cid went into the checkout, or a placeholder is misspelled',
    )
    warn.mockClear()
    // Newer MoonClerk fills neither {{payment_id}} nor {{customer_id}}: expected, not worth a warning.
    handleReturn({ url: '/thanks?custom_id=1&checkout_token=t1&payment_id={{payment_id}}&customer_id=' })
    handleReturn({ url: '/thanks?checkout_token=t1' })
    expect(warn).not.toHaveBeenCalled()
  })

  test('names and options come from the global config and our script tag', () => {
    window.MoonClerkCheckoutConfig = { returnParams: { customId: 'uid' } }
    history.replaceState(null, '', '/thanks?uid=8&t=x1&ref=mail#done')
    expect(handleReturn()).toMatchObject({ customId: '8', checkoutToken: null })
    rememberOwnScript(
      scriptTag({
        'data-moonclerk-return-params': 'customId = uid, checkoutToken=t, bogus',
        'data-moonclerk-clean-url': '',
      }),
    )
    expect(handleReturn()).toMatchObject({ customId: '8', checkoutToken: 'x1' })
    expect(location.pathname + location.search + location.hash).toBe('/thanks?ref=mail#done')
  })

  test('cleanReturnUrl removes only the return parameters, from the query and the fragment', () => {
    history.replaceState({ route: 1 }, '', '/thanks?a=%20x&custom_id=1&checkout_token=t&b=2#/done?payment_id=9&keep=1')
    handleReturn({ cleanReturnUrl: true })
    expect(location.pathname + location.search + location.hash).toBe('/thanks?a=%20x&b=2#/done?keep=1')
    expect(history.state).toStrictEqual({ route: 1 })
    history.replaceState(null, '', '/thanks?custom_id=1#custom_id=1')
    handleReturn({ cleanReturnUrl: true })
    expect(location.href).toBe('https://shop.example/thanks')
    // A plain anchor that happens to carry a parameter's name is an anchor, not a query.
    history.replaceState(null, '', '/thanks?custom_id=1#custom_id')
    handleReturn({ cleanReturnUrl: true })
    expect(location.href).toBe('https://shop.example/thanks#custom_id')
  })

  test('cleanReturnUrl on an address with a return only in its query, or only in its fragment', () => {
    history.replaceState(null, '', '/thanks?custom_id=1&ref=mail')
    handleReturn({ cleanReturnUrl: true })
    expect(location.href).toBe('https://shop.example/thanks?ref=mail')
    history.replaceState(null, '', '/thanks#custom_id=1')
    handleReturn({ cleanReturnUrl: true })
    expect(location.href).toBe('https://shop.example/thanks')
  })

  test('without cleanReturnUrl the address stays as it is', () => {
    history.replaceState(null, '', '/thanks?custom_id=1')
    handleReturn()
    expect(location.search).toBe('?custom_id=1')
  })
})

describe('onReturn', () => {
  beforeEach(() => sessionStorage.clear())

  test('is sticky: a listener added after the event gets it, asynchronously, once', async () => {
    const detail = handleReturn({ url: '/thanks?custom_id=1&checkout_token=late' })
    const listener = vi.fn()
    onReturn(listener)
    expect(listener).not.toHaveBeenCalled()
    await settle()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener).toHaveBeenCalledWith(detail)
  })

  test('hears later returns, and stops after unsubscribing (even before the sticky call)', async () => {
    handleReturn({ url: '/thanks?custom_id=1&checkout_token=a' })
    const listener = vi.fn()
    const off = onReturn(listener)
    off()
    await settle()
    handleReturn({ url: '/thanks?custom_id=1&checkout_token=b' })
    expect(listener).not.toHaveBeenCalled()

    const live = vi.fn()
    const stop = onReturn(live)
    await settle()
    live.mockClear()
    handleReturn({ url: '/thanks?custom_id=1&checkout_token=c' })
    expect(live).toHaveBeenCalledWith(expect.objectContaining({ checkoutToken: 'c' }))
    stop()
  })
})

describe('in a same-origin frame', () => {
  test('the parent document hears the return too', () => {
    const parentDocument = document.implementation.createHTMLDocument('parent')
    const heardInParent = vi.fn()
    parentDocument.addEventListener('moonclerk:return', (event) => heardInParent((event as CustomEvent).detail))
    vi.spyOn(window, 'parent', 'get').mockReturnValue({ document: parentDocument } as unknown as Window)
    const detail = handleReturn({ url: '/thanks?custom_id=1&checkout_token=f1' })
    expect(heardInParent).toHaveBeenCalledWith(detail)
  })

  /** A stand-in for a window: its own parent unless given one; its document readable unless cross-origin. */
  function frame(parent?: object, crossOrigin = false) {
    const win: Record<string, unknown> = { location: { href: 'https://shop.example/checkout' } }
    win.parent = parent || win
    Object.defineProperty(win, 'document', {
      get() {
        if (crossOrigin) throw new DOMException('Blocked a frame', 'SecurityError')
        return document.implementation.createHTMLDocument()
      },
    })
    return win as unknown as Window & { location: { href: string } }
  }

  test('breakOutOfFrame moves the outermost same-origin window to the success page instead, and records nothing', () => {
    sessionStorage.clear()
    const top = frame()
    vi.spyOn(window, 'parent', 'get').mockReturnValue(frame(top))
    history.replaceState(null, '', '/thanks?custom_id=1&checkout_token=f2')
    expect(handleReturn({ breakOutOfFrame: true })).toBeNull()
    expect(top.location.href).toBe('https://shop.example/thanks?custom_id=1&checkout_token=f2')
    vi.restoreAllMocks()
    expect(handleReturn({ url: '/thanks?custom_id=1&checkout_token=f2' })!.repeated).toBe(false)
  })

  test('handleReturn({ url, breakOutOfFrame }) sends the outer window to the url it was given', () => {
    const top = frame()
    vi.spyOn(window, 'parent', 'get').mockReturnValue(top)
    expect(
      handleReturn({ url: 'https://shop.example/spa#/thanks?custom_id=1&checkout_token=f4', breakOutOfFrame: true }),
    ).toBeNull()
    expect(top.location.href).toBe('https://shop.example/spa#/thanks?custom_id=1&checkout_token=f4')
  })

  test('a merchant page framed by another site: the merchant page is moved, never the foreign top, and nothing throws', () => {
    const foreignTop = frame(undefined, true)
    const foreignHref = Object.getOwnPropertyDescriptor(foreignTop.location, 'href')
    Object.defineProperty(foreignTop.location, 'href', {
      set() {
        throw new DOMException('Unsafe attempt to navigate', 'SecurityError')
      },
      get: () => foreignHref!.value,
    })
    const merchant = frame(foreignTop)
    vi.spyOn(window, 'parent', 'get').mockReturnValue(merchant)
    expect(() => handleReturn({ url: '/thanks?custom_id=1&checkout_token=f5', breakOutOfFrame: true })).not.toThrow()
    expect(merchant.location.href).toBe('https://shop.example/thanks?custom_id=1&checkout_token=f5')
  })

  test.each([
    'javascript:alert(document.domain)//?custom_id=1&checkout_token=f7',
    'https://evil.example/?custom_id=1&checkout_token=f7',
  ])('breakOutOfFrame with a url off this site (%s): nothing is navigated, the return is reported here', (url) => {
    const top = frame()
    vi.spyOn(window, 'parent', 'get').mockReturnValue(top)
    expect(handleReturn({ url, breakOutOfFrame: true })).toMatchObject({ customId: '1', checkoutToken: 'f7' })
    expect(top.location.href).toBe('https://shop.example/checkout')
  })

  test("a framer's sandbox forbids moving its window: the return is reported here, nothing throws", () => {
    const sandboxed = frame()
    Object.defineProperty(sandboxed.location, 'href', {
      get: () => 'https://shop.example/checkout',
      set() {
        throw new DOMException('The frame attempting navigation is sandboxed', 'SecurityError')
      },
    })
    vi.spyOn(window, 'parent', 'get').mockReturnValue(sandboxed)
    expect(handleReturn({ url: '/thanks?custom_id=1&checkout_token=f8', breakOutOfFrame: true })).toMatchObject({
      checkoutToken: 'f8',
    })
  })

  test('framed only by another site: the return is reported in this frame', () => {
    vi.spyOn(window, 'parent', 'get').mockReturnValue(frame(undefined, true))
    const heard = vi.fn()
    const stop = onReturn(heard)
    const detail = handleReturn({ url: '/thanks?custom_id=1&checkout_token=f6', breakOutOfFrame: true })
    expect(detail).toMatchObject({ customId: '1', checkoutToken: 'f6' })
    expect(heard).toHaveBeenCalledWith(detail)
    stop()
  })

  test('a cross-origin parent is left alone', () => {
    vi.spyOn(window, 'parent', 'get').mockReturnValue({
      get document(): Document {
        throw new DOMException('Blocked a frame', 'SecurityError')
      },
    } as unknown as Window)
    expect(() => handleReturn({ url: '/thanks?custom_id=1&checkout_token=f3', breakOutOfFrame: true })).not.toThrow()
  })
})
