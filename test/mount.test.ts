import { beforeEach, describe, expect, test, vi } from 'vitest'
import { rememberOwnScript } from '../src/config'
import { mount, mountAll } from '../src/mount'
import { arrive, captureScripts, fail, FakeEmbed, EMBED_SRC, html, recordEvents, scriptTag, settle } from './helpers'

const events = recordEvents()

/** A placeholder plus a fresh embed.js URL; returns the placeholder and the captured scripts. */
function page(markup: string) {
  const scripts = captureScripts()
  window.MoonClerkCheckoutConfig = { embedSrc: EMBED_SRC }
  return { el: html(markup), scripts }
}

const linkOf = (el: Element) => el.querySelector('a')!

/** As the browser reports an element under `display: none`: no boxes (happy-dom gives every element one). */
const notRendered = (el: Element) => vi.spyOn(el, 'getClientRects').mockReturnValue([] as unknown as DOMRectList)

describe('a displayed checkout', () => {
  test('passes MoonClerk exactly the stock opts and keeps the instance in window.mc<token>', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="8h7frjfytj" data-moonclerk-cid="234" data-moonclerk-name="Leon Bridges" data-moonclerk-email="leon@example.com" data-moonclerk-amount-cents="1000" data-moonclerk-width="480px"></div>',
    )
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    const expected = {
      checkoutToken: '8h7frjfytj',
      width: '480px',
      cid: '234',
      name: 'Leon Bridges',
      email: 'leon@example.com',
      amount_cents: 1000,
    }
    expect(FakeEmbed.displayed).toStrictEqual([expected])
    expect(handle.opts).toStrictEqual(expected)
    expect((window as any).mc8h7frjfytj).toBeInstanceOf(FakeEmbed)
    expect(el.querySelector('#mc8h7frjfytj iframe')).not.toBeNull()
  })

  test('goes loading → displayed and fires moonclerk:display on the placeholder', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1" data-moonclerk-cid="7"></div>')
    const handle = mount(el)
    expect(el.getAttribute('data-moonclerk-state')).toBe('loading')
    expect(events).toHaveLength(0)
    arrive(scripts[0])
    await handle.displayed
    expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
    expect(events).toStrictEqual([
      { type: 'moonclerk:display', target: el, detail: { token: 'a1', opts: handle.opts } },
    ])
  })

  test("keeps the author's id and content; the fallback is hidden, never moved, while the checkout shows", async () => {
    const { el, scripts } = page(
      '<section id="pay" data-moonclerk-checkout="a1"><p>Pay by card</p> or by bank</section>',
    )
    const paragraph = el.querySelector('p')!
    const text = el.childNodes[1]
    const handle = mount(el)
    expect(el.id).toBe('pay')
    expect(el.querySelector('[data-moonclerk-container="a1"]')!.parentElement).toBe(el)
    arrive(scripts[0])
    await handle.displayed
    // The same nodes, where they were: a framework that owns them finds them at its next update.
    expect(el.firstChild).toBe(paragraph)
    expect(paragraph.hidden).toBe(true)
    expect(text.isConnected).toBe(true)
    expect(text.textContent).toBe('')
    expect(linkOf(el).hidden).toBe(true)
    expect(el.querySelectorAll('iframe')).toHaveLength(1)
    // Only the fallback is hidden: the container that holds MoonClerk's frame shows.
    expect(el.querySelector<HTMLElement>('#mca1')!.hidden).toBe(false)
    handle.destroy()
    expect(el.outerHTML).toBe('<section id="pay" data-moonclerk-checkout="a1"><p>Pay by card</p> or by bank</section>')
    expect(el.firstChild).toBe(paragraph)
  })

  test("a placeholder whose id is mc<token> (the stock snippet's markup) keeps it while MoonClerk loads, lends it to the library's container only while the checkout shows, and gets it back", async () => {
    const markup =
      '<div id="mc8h7frjfytj" data-moonclerk-checkout="8h7frjfytj"><a href="https://app.moonclerk.com/pay/8h7frjfytj">My Payment Form</a></div>'
    const { el, scripts } = page(markup)
    const authorLink = linkOf(el)
    const handle = mount(el)
    // Merchants' CSS styles #mc<token>: while the link is what shows, their border and padding frame it.
    expect(el.id).toBe('mc8h7frjfytj')
    const container = el.lastElementChild!
    expect(container.getAttribute('data-moonclerk-container')).toBe('8h7frjfytj')
    expect(container.hasAttribute('id')).toBe(false)
    arrive(scripts[0])
    await handle.displayed
    expect(el.hasAttribute('id')).toBe(false)
    expect(container.id).toBe('mc8h7frjfytj')
    // MoonClerk's embed replaced what its container held: ours, not the author's link.
    expect(el.firstElementChild).toBe(authorLink)
    expect(authorLink.hidden).toBe(true)
    expect(el.querySelector('#mc8h7frjfytj > iframe')).not.toBeNull()
    handle.destroy()
    expect(el.id).toBe('mc8h7frjfytj')
    expect(el.innerHTML).toBe('<a href="https://app.moonclerk.com/pay/8h7frjfytj">My Payment Form</a>')
    expect(el.firstElementChild).toBe(authorLink)
  })

  test.each([
    ['embed.js fails to load', (script: HTMLScriptElement) => fail(script)],
    [
      'display() throws',
      (script: HTMLScriptElement) => {
        vi.spyOn(FakeEmbed.prototype, 'display').mockImplementation(() => {
          throw new Error('boom')
        })
        arrive(script)
      },
    ],
  ])(
    "after a failure (%s) the stock snippet's element has its id, around its link, and no other element has it",
    async (_, outcome) => {
      const { el, scripts } = page(
        '<div id="mca1" class="button" data-moonclerk-checkout="a1"><a href="https://app.moonclerk.com/pay/a1">Pay now</a></div>',
      )
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const handle = mount(el)
      outcome(scripts[0])
      await expect(handle.displayed).rejects.toThrow()
      expect(el.id).toBe('mca1')
      expect(document.querySelectorAll('#mca1')).toHaveLength(1)
      expect(linkOf(el).hidden).toBe(false)
      handle.destroy()
      expect(el.id).toBe('mca1')
      expect(el.innerHTML).toBe('<a href="https://app.moonclerk.com/pay/a1">Pay now</a>')
    },
  )

  test('destroy() leaves what a framework changed meanwhile: a new id, a link to another form', async () => {
    // React's <div id={'mc' + token}><a href={payUrl + token}>, re-rendered from a1 to b2 before the effect's cleanup.
    const { el, scripts } = page('<div id="mca1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div>')
    const handle = mount(el, { token: 'a1', cid: '7' })
    arrive(scripts[0])
    await handle.displayed
    el.id = 'mcb2'
    linkOf(el).setAttribute('href', 'https://app.moonclerk.com/pay/b2')
    handle.destroy()
    expect(el.id).toBe('mcb2')
    expect(linkOf(el).getAttribute('href')).toBe('https://app.moonclerk.com/pay/b2')
  })

  test("a theme's rule (a.button { display: inline-block }) does not show the hidden fallback; destroy gives it back to the theme", async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1"><a class="button" href="https://app.moonclerk.com/pay/a1">Pay now</a><svg class="icon"></svg></div><style>a.button, svg.icon { display: inline-block }</style>',
    )
    const [link, icon] = [linkOf(el), el.querySelector('svg')!]
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    expect(link.hidden).toBe(true)
    expect(getComputedStyle(link).display).toBe('none')
    expect(getComputedStyle(icon).display).toBe('none')
    // A rule of ours, never a style attribute: pages with a strict CSP refuse those.
    expect(document.querySelectorAll('[style]')).toHaveLength(0)
    handle.destroy()
    expect(getComputedStyle(link).display).toBe('inline-block')
    expect(getComputedStyle(icon).display).toBe('inline-block')
    expect(el.innerHTML).toBe(
      '<a class="button" href="https://app.moonclerk.com/pay/a1">Pay now</a><svg class="icon"></svg>',
    )
  })

  test('an SVG icon in the fallback is hidden too, and shown again', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1"><svg width="16" height="16"></svg><a href="https://app.moonclerk.com/pay/a1">Pay</a></div>',
    )
    const icon = el.querySelector('svg')!
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    expect(icon.getAttribute('display')).toBe('none')
    handle.destroy()
    expect(icon.hasAttribute('display')).toBe(false)
  })

  test('a fallback element hidden by its author stays hidden after destroy', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"><p hidden>Later</p></div>')
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    handle.destroy()
    expect(el.querySelector('p')!.hidden).toBe(true)
  })

  test('an SVG its author hid with a display attribute keeps it after destroy', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"><svg display="none"></svg></div>')
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    handle.destroy()
    expect(el.querySelector('svg')!.getAttribute('display')).toBe('none')
  })

  test('the custom id may come from a function, sync or async', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div><div data-moonclerk-checkout="b2"></div>')
    const first = mount(el, { cid: () => 234 })
    const second = mount(el.nextElementSibling!, { cid: () => Promise.resolve('hashed-9f2c') })
    arrive(scripts[0])
    await Promise.all([first.displayed, second.displayed])
    expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['234', 'hashed-9f2c'])
  })

  test('embed.js is already loading while a cid function is pending', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    let giveCid!: (cid: string) => void
    const handle = mount(el, { cid: () => new Promise<string>((resolve) => (giveCid = resolve)) })
    expect(scripts).toHaveLength(1)
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.created).toHaveLength(0)
    giveCid('late-7')
    await handle.displayed
    expect(handle.opts!.cid).toBe('late-7')
  })

  test('a global config cid function is used too', async () => {
    const { scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    window.MoonClerkCheckoutConfig!.cid = async () => 'from-server'
    const handle = mount('[data-moonclerk-checkout]')
    arrive(scripts[0])
    await handle.displayed
    expect(handle.opts!.cid).toBe('from-server')
  })
})

describe('the fallback link', () => {
  test('is added with the values URL-encoded, before anything has loaded', async () => {
    const { el } = page(
      '<div data-moonclerk-checkout="8h7frjfytj" data-moonclerk-cid="2 4&5" data-moonclerk-name="Leon Bridges"></div>',
    )
    mount(el)
    await settle()
    expect(linkOf(el).href).toBe('https://app.moonclerk.com/pay/8h7frjfytj?cid=2+4%265&name=Leon+Bridges')
    expect(linkOf(el).textContent).toBe('Pay with MoonClerk')
  })

  test('takes its text from data-moonclerk-label and its base from the pay URL', async () => {
    const { el } = page('<div data-moonclerk-checkout="a1" data-moonclerk-label="Donate now"></div>')
    window.MoonClerkCheckoutConfig!.payUrl = '/pay/'
    mount(el)
    await settle()
    expect(linkOf(el).textContent).toBe('Donate now')
    expect(linkOf(el).href).toBe('https://shop.example/pay/a1')
  })

  test("an author's link gets the parameters, keeps its own, and is not duplicated", async () => {
    const { el } = page(
      '<div data-moonclerk-checkout="a1" data-moonclerk-cid="9"><a href="https://app.moonclerk.com/pay/a1?utm_source=news">Pay</a></div>',
    )
    mount(el)
    await settle()
    expect(el.querySelectorAll('a')).toHaveLength(1)
    expect(linkOf(el).href).toBe('https://app.moonclerk.com/pay/a1?utm_source=news&cid=9')
  })

  test('stays visible and usable when the checkout fails', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1" data-moonclerk-cid="9"></div>')
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = mount(el)
    fail(scripts[0])
    await expect(handle.displayed).rejects.toMatchObject({ reason: 'script-load' })
    expect(linkOf(el).href).toBe('https://app.moonclerk.com/pay/a1?cid=9')
  })

  test('comes back when display() throws', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"><p>Pay by card</p></div>')
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(FakeEmbed.prototype, 'display').mockImplementation(function () {
      document.getElementById('mca1')!.append('half-drawn')
      throw new Error('boom')
    })
    const handle = mount(el)
    arrive(scripts[0])
    await expect(handle.displayed).rejects.toMatchObject({ reason: 'embed-threw' })
    expect(el.querySelector('p')).not.toBeNull()
    expect(el.querySelector('a')).not.toBeNull()
    expect(el.querySelector('[data-moonclerk-container="a1"]')!.textContent).toBe('')
  })
})

describe('errors', () => {
  async function failure(markup: string, act: (scripts: HTMLScriptElement[]) => void = () => {}, options = {}) {
    const { el, scripts } = page(markup)
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = mount(el, options)
    act(scripts)
    const error = await handle.displayed.then(
      () => null,
      (e) => e,
    )
    return { el, error, logged, scripts, event: events.find((e) => e.type == 'moonclerk:error') }
  }

  test.each([
    ['invalid-config', '<div data-moonclerk-checkout="8h7-x"></div>', /data-moonclerk-checkout/],
    [
      'invalid-config',
      '<div data-moonclerk-checkout="a1" data-moonclerk-embed-src="x" data-moonclerk-load="soon"></div>',
      /data-moonclerk-load.*"soon"/,
    ],
  ])('%s for %s', async (reason, markup, message) => {
    const { el, error, logged, event } = await failure(markup)
    expect(error.reason).toBe(reason)
    expect(error.message).toMatch(message)
    // The form's token names the checkout, though the element has no id (and this one is no valid token).
    expect(error.message.startsWith(`<div> (form ${el.getAttribute('data-moonclerk-checkout')}): `)).toBe(true)
    expect(el.getAttribute('data-moonclerk-state')).toBe('error')
    expect(event).toMatchObject({ target: el, detail: { reason, message: error.message } })
    expect(logged).toHaveBeenCalledTimes(1)
    expect(logged.mock.calls[0][0]).toBe('[moonclerk-checkout] ' + error.message)
    expect(FakeEmbed.created).toHaveLength(0)
  })

  test('invalid-config for a bad timeout, naming the script attribute, before embed.js is requested; the link leads to the form', async () => {
    const { error, el, scripts } = await failure('<div id="pay" data-moonclerk-checkout="a1"></div>', () => {}, {
      timeoutMs: 'soon',
      cid: '5',
    })
    expect(error.message).toBe(
      '<div#pay> (form a1): timeoutMs (data-moonclerk-timeout) must be a positive integer, got "soon"',
    )
    expect(scripts).toHaveLength(0)
    expect(linkOf(el).href).toBe('https://app.moonclerk.com/pay/a1')
  })

  test.each([
    [
      'throws',
      () => {
        throw new Error('offline')
      },
      /the cid function failed: Error: offline/,
    ],
    ['rejects', () => Promise.reject(new Error('403')), /failed: Error: 403/],
    ['returns empty', () => '', /returned ""/],
    ['returns only spaces', () => '   ', /returned "   "/],
    ['returns nothing', () => undefined as unknown as string, /returned undefined/],
  ])('cid-unavailable when the cid function %s', async (_, cid, message) => {
    const { error, event, el } = await failure('<div data-moonclerk-checkout="a1"></div>', (s) => arrive(s[0]), { cid })
    expect(error.reason).toBe('cid-unavailable')
    expect(error.message).toMatch(message)
    expect(event!.detail.reason).toBe('cid-unavailable')
    expect(FakeEmbed.created).toHaveLength(0)
    expect(linkOf(el).href).toBe('https://app.moonclerk.com/pay/a1')
  })

  test.each([
    ['script-load', (s: HTMLScriptElement[]) => fail(s[0])],
    ['embed-missing', (s: HTMLScriptElement[]) => arrive(s[0], false)],
  ])('%s', async (reason, act) => {
    const { error, event } = await failure('<div data-moonclerk-checkout="a1"></div>', act)
    expect(error.reason).toBe(reason)
    expect(event!.detail).toMatchObject({ token: 'a1', reason })
  })

  test('several checkouts failing on one load: each reports an error of its own, naming only itself, the shared failure as cause', async () => {
    const { scripts } = page(
      '<div id="pa" data-moonclerk-checkout="a1"></div><div id="pb" data-moonclerk-checkout="b2"></div><div id="pc" data-moonclerk-checkout="c3"></div>',
    )
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const handles = mountAll()
    fail(scripts[0])
    const errors = await Promise.all(handles.map((handle) => handle.displayed.catch((error) => error)))
    expect(errors.map((error) => error.message)).toStrictEqual(
      [
        ['pa', 'a1'],
        ['pb', 'b2'],
        ['pc', 'c3'],
      ].map(([id, token]) => `<div#${id}> (form ${token}): ${scripts[0].src} failed to load`),
    )
    expect(errors.map((error) => error.reason)).toStrictEqual(['script-load', 'script-load', 'script-load'])
    expect(new Set(errors).size).toBe(3)
    expect(errors[0].cause).toMatchObject({ reason: 'script-load', message: `${scripts[0].src} failed to load` })
    expect(errors[1].cause).toBe(errors[0].cause)
    expect(events.filter((e) => e.type == 'moonclerk:error').map((e) => e.detail.message)).toStrictEqual(
      errors.map((error) => error.message),
    )
  })

  test.each([
    ['embedSrc', { embedSrc: 'data:text/javascript,alert(1)' }],
    ['embedSrc', { embedSrc: 'http://cdn.example/embed.js' }],
    ['payUrl', { payUrl: 'javascript:alert(1)//' }],
    ['payUrl', { payUrl: 'http://pay.example/' }],
  ])('invalid-config for an unusable %s, before any request, and no link to it', async (key, options) => {
    const { error, el, scripts } = await failure('<div data-moonclerk-checkout="a1"></div>', () => {}, options)
    expect(error).toMatchObject({
      reason: 'invalid-config',
      message: expect.stringContaining(`${key} (data-moonclerk-`),
    })
    expect(error.message).toContain('must be an https: URL (http: only for localhost)')
    expect(scripts).toHaveLength(0)
    expect(document.head.querySelectorAll('link[rel=preconnect]')).toHaveLength(0)
    expect(Array.from(el.querySelectorAll('a'), (a) => a.getAttribute('href'))).not.toContainEqual(
      expect.stringMatching(/^(javascript|http):/),
    )
  })

  test("a cid that MoonClerk's embed.js would alter is invalid-config, and the link carries it exactly", async () => {
    const cid = 'a&b#c+d%'
    const { error, el, scripts } = await failure('<div data-moonclerk-checkout="a1"></div>', () => {}, {
      cid,
      email: 'leon+tag@example.com',
    })
    expect(error).toMatchObject({
      reason: 'invalid-config',
      message: expect.stringContaining('cid (data-moonclerk-cid) must be free of'),
    })
    // A value known at mount is checked before anything is requested.
    expect(scripts).toHaveLength(0)
    const link = new URL(linkOf(el).href)
    expect(link.searchParams.get('cid')).toBe(cid)
    expect(link.searchParams.get('email')).toBe('leon+tag@example.com')
  })

  test('script-timeout', async () => {
    vi.useFakeTimers()
    try {
      const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const handle = mount(el, { timeoutMs: 300 })
      expect(scripts).toHaveLength(1)
      let reason = ''
      handle.displayed.catch((e) => (reason = e.reason))
      await vi.advanceTimersByTimeAsync(300)
      expect(reason).toBe('script-timeout')
    } finally {
      vi.useRealTimers()
    }
  })

  test('embed-threw when the constructor throws', async () => {
    const { error } = await failure('<div data-moonclerk-checkout="a1"></div>', (s) => {
      window.MoonclerkEmbed = class {
        constructor() {
          throw new TypeError('bad opts')
        }
        display() {}
      }
      s[0].dispatchEvent(new Event('load'))
    })
    expect(error.reason).toBe('embed-threw')
    expect(error.message).toMatch(/TypeError: bad opts/)
  })

  test('duplicate-token for a second checkout of the same form; the first still displays', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1"></div><div id="second" data-moonclerk-checkout="a1" data-moonclerk-cid="77"></div>',
    )
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const [first, second] = mountAll()
    arrive(scripts[0])
    await first.displayed
    await expect(second.displayed).rejects.toMatchObject({
      reason: 'duplicate-token',
      message: expect.stringMatching(/^<div#second> \(form a1\): id mca1 is taken/),
    })
    expect(el.querySelector('iframe')).not.toBeNull()
    expect(document.querySelectorAll('#mca1')).toHaveLength(1)
    // The payer of the second one keeps a link that still tracks them.
    expect(linkOf(second.element!).href).toBe('https://app.moonclerk.com/pay/a1?cid=77')
  })

  test("a second checkout of a stock snippet's form while the first still loads: duplicate-token, though the first has not taken the id yet", async () => {
    const { el, scripts } = page(
      '<div id="mca1" data-moonclerk-checkout="a1"></div><div id="again" data-moonclerk-checkout="a1"></div>',
    )
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const first = mount(el)
    const second = mount('#again')
    await expect(second.displayed).rejects.toMatchObject({ reason: 'duplicate-token' })
    // destroy() of the second undoes only its own: the first still displays.
    second.destroy()
    arrive(scripts[0])
    await first.displayed
    expect(document.querySelector('#again')!.innerHTML).toBe('')
    expect(document.querySelectorAll('#mca1')).toHaveLength(1)
    expect(el.querySelector('#mca1 > iframe')).not.toBeNull()
  })

  test('a checkout that is not rendered (a route kept hidden) gives its place to the same form where the payer is, and waits', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1" data-moonclerk-cid="1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div><div id="again" data-moonclerk-checkout="a1" data-moonclerk-cid="2"></div>',
    )
    const first = mount(el)
    arrive(scripts[0])
    await first.displayed
    notRendered(el)
    const second = mount('#again')
    await second.displayed
    expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['1', '2'])
    expect(document.querySelectorAll('#mca1')).toHaveLength(1)
    expect(document.querySelector('#again #mca1 > iframe')).not.toBeNull()
    // The first holds nothing now (shown again, it mounts afresh): the author's markup as written.
    expect(el.getAttribute('data-moonclerk-state')).toBe('waiting')
    expect(el.innerHTML).toBe('<a href="https://app.moonclerk.com/pay/a1">Pay</a>')
    expect(events.map((event) => event.type)).toStrictEqual(['moonclerk:display', 'moonclerk:display'])
    first.destroy()
    expect(el.hasAttribute('data-moonclerk-state')).toBe(false)
  })

  test('a second checkout of a form that is not rendered itself (a closed tab panel) waits, without an error', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1"></div><div id="again" data-moonclerk-checkout="a1"></div>',
    )
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const first = mount(el)
    notRendered(document.querySelector('#again')!)
    const second = mount('#again')
    arrive(scripts[0])
    await first.displayed
    await settle()
    expect(second.element!.getAttribute('data-moonclerk-state')).toBe('waiting')
    expect(error).not.toHaveBeenCalled()
    expect(events.map((event) => event.type)).toStrictEqual(['moonclerk:display'])
  })

  describe('parked checkouts coming back (the review of session 8)', () => {
    /** A ResizeObserver the test drives: `resize()` calls every live observer's callback, as a layout change would. */
    let observers: Set<() => void>
    beforeEach(() => {
      observers = new Set()
      vi.stubGlobal(
        'ResizeObserver',
        class {
          private callback: () => void
          constructor(callback: () => void) {
            this.callback = callback
          }
          observe() {
            observers.add(this.callback)
          }
          disconnect() {
            observers.delete(this.callback)
          }
        },
      )
      return () => vi.unstubAllGlobals()
    })
    const resize = () => [...observers].forEach((callback) => callback())
    /** Hides or shows an element as `display: none` would: its boxes. */
    const shown = (el: Element, rendered: boolean) =>
      vi.spyOn(el, 'getClientRects').mockReturnValue((rendered ? [{}] : []) as unknown as DOMRectList)

    test("a stock snippet's container (id=mc<token>) in a parked placeholder does not block the form where the payer is", async () => {
      const { el, scripts } = page(
        '<div id="mca1" data-moonclerk-checkout="a1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div><div id="b" data-moonclerk-checkout="a1"></div>',
      )
      const a = mount(el)
      arrive(scripts[0])
      await a.displayed
      shown(el, false)
      const b = mount('#b')
      await b.displayed
      expect(document.querySelectorAll('#mca1')).toHaveLength(1)
      expect(document.querySelector('#b #mca1 > iframe')).not.toBeNull()
      // Back on A's page: B is hidden now; A takes its place again, its own id included.
      shown(el, true)
      shown(document.querySelector('#b')!, false)
      resize()
      await settle()
      expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
      expect(document.querySelectorAll('#mca1')).toHaveLength(1)
      expect(el.querySelector('#mca1 > iframe')).not.toBeNull()
      expect(document.querySelector('#b')!.getAttribute('data-moonclerk-state')).toBe('waiting')
    })

    test('five round trips: a cid function runs once, destroy() undoes once, nothing is left', async () => {
      const { el, scripts } = page(
        '<div data-moonclerk-checkout="a1"></div><div id="b" data-moonclerk-checkout="a1" data-moonclerk-cid="2"></div>',
      )
      const cid = vi.fn(async () => '1')
      const a = mount(el, { cid })
      arrive(scripts[0])
      await a.displayed
      const b = mount('#b')
      const other = document.querySelector('#b')!
      for (let trip = 0; trip < 5; trip++) {
        shown(el, false)
        shown(other, true)
        if (trip) resize()
        await settle()
        expect(other.getAttribute('data-moonclerk-state')).toBe('displayed')
        shown(el, true)
        shown(other, false)
        resize()
        await settle()
        expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
      }
      expect(cid).toHaveBeenCalledTimes(1)
      expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['1', ...Array(5).fill(['2', '1']).flat()])
      const removeAttribute = vi.spyOn(el, 'removeAttribute')
      a.destroy()
      b.destroy()
      // Once for the placeholder and once for the element (the same here): not once per round trip.
      expect(removeAttribute.mock.calls.filter(([name]) => name == 'data-moonclerk-state')).toHaveLength(2)
      expect(observers.size).toBe(0)
      expect(document.querySelectorAll('[data-moonclerk-state], [id^="mc"], iframe')).toHaveLength(0)
    })

    test('coming back while the other still shows (an exit animation) waits for it to go, then shows', async () => {
      const { el, scripts } = page(
        '<div data-moonclerk-checkout="a1"></div><div id="b" data-moonclerk-checkout="a1"></div>',
      )
      const error = vi.spyOn(console, 'error').mockImplementation(() => {})
      mount(el)
      arrive(scripts[0])
      await settle()
      shown(el, false)
      mount('#b')
      await settle()
      const other = document.querySelector('#b')!
      // Both rendered for a moment: A comes back, B still shows.
      shown(el, true)
      resize()
      await settle()
      expect(el.getAttribute('data-moonclerk-state')).toBe('waiting')
      expect(other.getAttribute('data-moonclerk-state')).toBe('displayed')
      // B's route is hidden at the end of the animation.
      shown(other, false)
      resize()
      await settle()
      expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
      expect(error).not.toHaveBeenCalled()
    })

    test('both hidden: the newcomer waits and the holder keeps its place', async () => {
      const { el, scripts } = page(
        '<div data-moonclerk-checkout="a1"></div><div id="b" data-moonclerk-checkout="a1"></div>',
      )
      const a = mount(el)
      arrive(scripts[0])
      await a.displayed
      shown(el, false)
      shown(document.querySelector('#b')!, false)
      mount('#b')
      await settle()
      expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
      expect(document.querySelector('#b')!.getAttribute('data-moonclerk-state')).toBe('waiting')
    })
  })

  test('a second checkout of a form requests nothing: not even an embed.js of its own', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1"></div><div id="again" data-moonclerk-checkout="a1"></div>',
    )
    vi.spyOn(console, 'error').mockImplementation(() => {})
    mount(el)
    const second = mount('#again', { embedSrc: 'https://other-cdn.example/embed.js' })
    await expect(second.displayed).rejects.toMatchObject({ reason: 'duplicate-token' })
    expect(scripts.map((script) => script.src)).toStrictEqual([EMBED_SRC])
  })

  test("the stock snippet's container kept inside a placeholder lends its id, and gets it back", async () => {
    const { el, scripts } = page(
      '<section data-moonclerk-checkout="a1"><div id="mca1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div></section>',
    )
    const stock = el.querySelector('div')!
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    expect(stock.hasAttribute('id')).toBe(false)
    expect(el.querySelector('#mca1 > iframe')).not.toBeNull()
    handle.destroy()
    expect(stock.id).toBe('mca1')
    expect(document.querySelectorAll('#mca1')).toHaveLength(1)
  })

  test('a failed load is retried by a later mount', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const first = mount(el)
    fail(scripts[0])
    await first.displayed.catch(() => {})
    first.destroy()
    await settle()
    const second = mount(el)
    expect(scripts).toHaveLength(2)
    arrive(scripts[1])
    await second.displayed
    expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
  })

  test('no unhandled rejection when nobody awaits the handle', async () => {
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    mount(el)
    fail(scripts[0])
    // The signal that the handle has settled; Node reports unhandled rejections once the microtasks after it have run.
    await vi.waitFor(() => expect(events.map((e) => e.type)).toContain('moonclerk:error'))
    await settle()
    process.off('unhandledRejection', unhandled)
    expect(unhandled).not.toHaveBeenCalled()
  })
})

test('events cross shadow roots: a listener on the document hears a checkout inside one', async () => {
  page('<section id="host"></section>')
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const host = document.getElementById('host')!
  // MoonClerk's embed cannot find a container inside a shadow root (docs/element.md: light DOM only), so this one fails; its event still reaches the page.
  const placeholder = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('div'))
  const heard: string[] = []
  document.addEventListener('moonclerk:error', (event) => heard.push(event.detail.reason))
  await mount(placeholder, { token: 'a1', cid: 'a&b' }).displayed.catch(() => {})
  // (A browser also retargets event.target to the host; happy-dom does not.)
  expect(heard).toStrictEqual(['invalid-config'])
})

describe('one embed.js per page', () => {
  test('three placeholders, one script', async () => {
    const { scripts } = page(
      '<div data-moonclerk-checkout="a1"></div><div data-moonclerk-checkout="b2"></div><div data-moonclerk-checkout="c3"></div>',
    )
    const handles = mountAll()
    expect(scripts).toHaveLength(1)
    arrive(scripts[0])
    await Promise.all(handles.map((h) => h.displayed))
    expect(FakeEmbed.displayed.map((o) => o.checkoutToken)).toStrictEqual(['a1', 'b2', 'c3'])
  })

  test('mountAll is idempotent and returns the same handles', () => {
    page('<div data-moonclerk-checkout="a1"></div><div data-moonclerk-checkout="b2"></div>')
    const first = mountAll()
    const second = mountAll()
    expect(second).toStrictEqual(first)
    expect(document.querySelectorAll('[data-moonclerk-container]')).toHaveLength(2)
    expect(mount(first[0].element!)).toBe(first[0])
  })

  test('mountAll scans only under its root, the root included', () => {
    const { el } = page(
      '<section data-moonclerk-checkout="a1"><div data-moonclerk-checkout="b2"></div></section><div data-moonclerk-checkout="c3"></div>',
    )
    expect(mountAll(el).map((h) => h.element)).toStrictEqual([el, el.firstElementChild])
  })

  test("a <script data-moonclerk-checkout> that is not the library's own is ignored, with one warning", () => {
    const { scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    const injected = scriptTag({
      'data-moonclerk-checkout': 'b2',
      'data-moonclerk-embed-src': 'data:text/javascript,alert(1)',
    })
    document.body.append(injected)
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(mountAll().map((h) => h.element)).toStrictEqual([document.querySelector('div')])
    mountAll()
    expect(warned).toHaveBeenCalledTimes(1)
    expect(warned.mock.calls[0][0]).toMatch(/^\[moonclerk-checkout\] ignored a <script> placeholder that is not ours/)
    expect(injected.hasAttribute('data-moonclerk-state')).toBe(false)
    expect(scripts.map((script) => script.src)).not.toContainEqual(expect.stringMatching(/^data:/))
  })

  test('leaves placeholders that another copy of the library mounted', () => {
    page(
      '<div data-moonclerk-checkout="a1" data-moonclerk-state="displayed"></div><div data-moonclerk-checkout="b2"></div>',
    )
    expect(mountAll()).toHaveLength(1)
  })
})

describe('destroy', () => {
  test('undoes everything, and the element can be mounted again', async () => {
    const markup =
      '<div id="pay" data-moonclerk-checkout="a1" data-moonclerk-cid="5"><a href="https://app.moonclerk.com/pay/a1">Pay</a> or call us</div>'
    const { el, scripts } = page(markup)
    const before = document.body.innerHTML
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    handle.destroy()
    expect(document.body.innerHTML).toBe(before)
    expect('mca1' in window).toBe(false)
    handle.destroy()
    const again = mount(el)
    expect(again).not.toBe(handle)
    await again.displayed
    expect(FakeEmbed.displayed).toHaveLength(2)
    expect(document.body.innerHTML).not.toBe(before)
  })

  test('before display: nothing is shown, no event fires, displayed never settles', async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    const handle = mount(el)
    handle.destroy()
    arrive(scripts[0])
    const outcome = await Promise.race([handle.displayed.then(() => 'settled'), settle().then(() => 'pending')])
    expect(outcome).toBe('pending')
    expect(FakeEmbed.created).toHaveLength(0)
    expect(events).toHaveLength(0)
    expect(document.body.innerHTML).toBe('<div data-moonclerk-checkout="a1"></div>')
  })

  test('while a cid function is pending: nothing is shown, no event fires, the link is not decorated, the cid not remembered', async () => {
    sessionStorage.clear()
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    let giveCid!: (cid: string) => void
    const handle = mount(el, { cid: () => new Promise<string>((resolve) => (giveCid = resolve)) })
    arrive(scripts[0])
    handle.destroy()
    giveCid('late-8')
    const outcome = await Promise.race([
      handle.displayed.then(
        () => 'settled',
        () => 'settled',
      ),
      settle().then(() => 'pending'),
    ])
    expect(outcome).toBe('pending')
    expect(FakeEmbed.created).toHaveLength(0)
    expect(events).toHaveLength(0)
    expect(document.body.innerHTML).toBe('<div data-moonclerk-checkout="a1"></div>')
    expect(sessionStorage.length).toBe(0)
  })

  test.each([
    ['arrives', arrive],
    ['fails', fail],
  ])('while embed.js is loading: it %s to nothing, no event fires', async (_, outcome) => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    const handle = mount(el)
    await settle()
    handle.destroy()
    outcome(scripts[0])
    const settled = await Promise.race([
      handle.displayed.then(
        () => 'settled',
        () => 'settled',
      ),
      settle().then(() => 'pending'),
    ])
    expect(settled).toBe('pending')
    expect(FakeEmbed.created).toHaveLength(0)
    expect(events).toHaveLength(0)
    expect(el.hasAttribute('data-moonclerk-state')).toBe(false)
  })

  test("a placeholder that is its own container (the author's id mc<token>) stays in the page after destroy", async () => {
    const { el, scripts } = page('<div id="mca1" data-moonclerk-checkout="a1"></div>')
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    handle.destroy()
    expect(el.isConnected).toBe(true)
    expect(el.id).toBe('mca1')
  })

  test("empties but keeps a stock snippet's var mc<token>", async () => {
    const { el, scripts } = page('<div data-moonclerk-checkout="a1"></div>')
    Object.defineProperty(window, 'mca1', { value: undefined, writable: true, configurable: false })
    const handle = mount(el)
    arrive(scripts[0])
    await handle.displayed
    expect((window as any).mca1).toBeInstanceOf(FakeEmbed)
    handle.destroy()
    expect((window as any).mca1).toBeUndefined()
  })
})

test.each(['clicks', 'onclick'])('the load mode %j is invalid-config', async (load) => {
  const { el } = page(`<div data-moonclerk-checkout="a1" data-moonclerk-load="${load}"></div>`)
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const error = await mount(el).displayed.catch((e) => e)
  expect(error).toMatchObject({ reason: 'invalid-config' })
})

test("a link of the author's to elsewhere is left alone: the fallback link is added beside it", async () => {
  const { el } = page('<div data-moonclerk-checkout="a1" data-moonclerk-cid="7"><a href="/help">Help</a></div>')
  mount(el)
  await settle()
  expect(el.querySelector('a')!.getAttribute('href')).toBe('/help')
  expect([...el.querySelectorAll('a')].map((a) => a.href)).toContain('https://app.moonclerk.com/pay/a1?cid=7')
})

describe('the one-tag replacement', () => {
  test('a <script> placeholder mounts in an element right after it, removed on destroy', async () => {
    const scripts = captureScripts()
    document.body.innerHTML = '<p>before</p><p>after</p>'
    const script = scriptTag({
      'data-moonclerk-checkout': 'a1',
      'data-moonclerk-embed-src': EMBED_SRC,
      'data-moonclerk-cid': '42',
    })
    document.body.firstElementChild!.after(script)
    rememberOwnScript(script)
    const handle = mount(script)
    expect(script.nextElementSibling).toBe(handle.element)
    arrive(scripts[0])
    await handle.displayed
    expect(handle.element!.querySelector('#mca1 iframe')).not.toBeNull()
    expect(handle.opts!.cid).toBe('42')
    expect(script.getAttribute('data-moonclerk-state')).toBe('displayed')
    handle.destroy()
    expect(script.nextElementSibling!.textContent).toBe('after')
  })
})

test('mount throws for a selector that matches nothing', () => {
  expect(() => mount('#missing')).toThrow('[moonclerk-checkout] no element matches "#missing"')
})

describe('templates that render empty or odd values: the checkout shows without them', () => {
  /** Mounts `markup` with `options`, lets embed.js arrive, and returns what MoonClerk got and what the console heard. */
  async function shown(markup: string, options = {}) {
    const { el, scripts } = page(markup)
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const handle = mount(el, options)
    // The fallback link, as it is before the checkout shows (it is hidden then).
    const link = new URL(linkOf(el).href)
    await vi.waitFor(() => expect(scripts).toHaveLength(1))
    arrive(scripts[0])
    await handle.displayed
    return { el, link, opts: FakeEmbed.created[0], warnings: warned.mock.calls.map((call) => String(call[0])) }
  }

  test('an empty cid attribute counts as absent, with a warning: the stock snippet would show the checkout too', async () => {
    const { opts, warnings, el } = await shown(
      '<div id="pay" data-moonclerk-checkout="a1" data-moonclerk-cid=""></div>',
    )
    expect(opts).toStrictEqual({ checkoutToken: 'a1', width: '100%' })
    expect(warnings).toStrictEqual([
      '[moonclerk-checkout] <div#pay> (form a1): cid (data-moonclerk-cid) is empty: the checkout runs without a custom id',
    ])
    expect(el.getAttribute('data-moonclerk-state')).toBe('displayed')
  })

  test.each([
    [
      'amount-cents',
      '10.00',
      'amountCents (data-moonclerk-amount-cents) must be a positive integer, got "10.00": left out',
    ],
    ['amount-cents', '0', 'amountCents (data-moonclerk-amount-cents) must be a positive integer, got "0": left out'],
    ['amount-cents', '-5', 'amountCents (data-moonclerk-amount-cents) must be a positive integer, got "-5": left out'],
    [
      'width',
      '100%;color:red',
      'width (data-moonclerk-width) must be a CSS length such as 100% or 600px, got "100%;color:red": left out',
    ],
    [
      'height',
      '80vh',
      'height (data-moonclerk-height) must be a number of pixels or a percentage, got "80vh": left out',
    ],
    [
      'height',
      '500" onload="alert(1)',
      'height (data-moonclerk-height) must be a number of pixels or a percentage, got "500\\" onload=\\"alert(1)": left out',
    ],
  ])(
    'data-moonclerk-%s="%s" is left out, with a warning naming the element and the attribute',
    async (attribute, value, warning) => {
      const placeholder = document.createElement('div')
      placeholder.setAttribute('data-moonclerk-checkout', 'a1')
      placeholder.setAttribute('data-moonclerk-' + attribute, value)
      const { opts, warnings, link } = await shown(placeholder.outerHTML)
      expect(opts).toStrictEqual({ checkoutToken: 'a1', width: '100%' })
      expect(warnings).toStrictEqual(['[moonclerk-checkout] <div> (form a1): ' + warning])
      expect(link.searchParams.has('amount_cents')).toBe(false)
    },
  )

  test('a name or email embed.js would alter is left out of the embed, with a warning; the link carries it', async () => {
    const { opts, warnings, link } = await shown('<div data-moonclerk-checkout="a1" data-moonclerk-cid="7"></div>', {
      name: 'A&B',
      email: 'leon+tag@example.com',
    })
    expect(opts).toStrictEqual({ checkoutToken: 'a1', width: '100%', cid: '7' })
    expect(warnings).toHaveLength(2)
    expect(warnings[1]).toBe(
      '[moonclerk-checkout] <div> (form a1): email (data-moonclerk-email) must be free of " # % & + ; < >, control characters and end spaces to be embedded, got "leon+tag@example.com": left out of the embedded checkout, the link carries it',
    )
    expect([link.searchParams.get('name'), link.searchParams.get('email')]).toStrictEqual([
      'A&B',
      'leon+tag@example.com',
    ])
  })

  test('values that look percent-encoded get a warning: they go to MoonClerk as given', async () => {
    const { opts, warnings } = await shown(
      '<div data-moonclerk-checkout="a1" data-moonclerk-name="Leon%20Bridges" data-moonclerk-cid="7"></div>',
    )
    expect(warnings[0]).toBe(
      '[moonclerk-checkout] <div> (form a1): name (data-moonclerk-name) "Leon%20Bridges" looks percent-encoded: values are not decoded, pass them as they are',
    )
    // `%` is among what embed.js would alter: the name is left out of the embed too.
    expect(opts).toStrictEqual({ checkoutToken: 'a1', width: '100%', cid: '7' })
  })

  test('a percent sign that starts no %XX escape gets no percent-encoded warning', async () => {
    const { warnings } = await shown(
      '<div data-moonclerk-checkout="a1" data-moonclerk-name="50%a off" data-moonclerk-cid="7"></div>',
    )
    expect(warnings.filter((w) => w.includes('percent-encoded'))).toStrictEqual([])
  })

  test('height and a numeric width reach MoonClerk as given', async () => {
    const { opts, warnings } = await shown('<div data-moonclerk-checkout="a1" data-moonclerk-height="100%"></div>', {
      width: 600,
    })
    expect(opts).toStrictEqual({ checkoutToken: 'a1', width: '600', height: '100%' })
    expect(warnings).toStrictEqual([])
  })
})

describe('custom fields', () => {
  test('from the data attribute: opts.fields for the embed, fields[…] parameters on the link', async () => {
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1" data-moonclerk-fields="hat_size=L&address[line1]=123 Main St"></div>',
    )
    const handle = mount(el, { cid: '7' })
    expect([...new URL(linkOf(el).href).searchParams]).toStrictEqual([
      ['cid', '7'],
      ['fields[hat_size]', 'L'],
      ['fields[address][line1]', '123 Main St'],
    ])
    arrive(scripts[0])
    await handle.displayed
    expect(FakeEmbed.created[0]).toStrictEqual({
      checkoutToken: 'a1',
      width: '100%',
      cid: '7',
      fields: { 'fields[hat_size]': 'L', 'fields[address][line1]': '123 Main St' },
    })
  })

  test('several checkbox values: the link carries them all, the embed the last, and the console says so', async () => {
    const { el, scripts } = page('<div id="pay" data-moonclerk-checkout="a1"></div>')
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const handle = mount(el, { fields: { interests: ['sports', 'music'], note: 'A&B' } })
    expect(new URL(linkOf(el).href).searchParams.getAll('fields[interests][]')).toStrictEqual(['sports', 'music'])
    expect(new URL(linkOf(el).href).searchParams.get('fields[note]')).toBe('A&B')
    arrive(scripts[0])
    await handle.displayed
    expect(FakeEmbed.created[0].fields).toStrictEqual({ 'fields[interests][]': 'music' })
    expect(warned.mock.calls.map((call) => call[0])).toStrictEqual([
      '[moonclerk-checkout] <div#pay> (form a1): fields (data-moonclerk-fields): fields[interests][] has several values: the embedded checkout gets the last, "music"; the link carries them all',
      '[moonclerk-checkout] <div#pay> (form a1): fields (data-moonclerk-fields): fields[note] must be free of " # % & + ; < >, control characters and end spaces to be embedded, got "A&B": left out of the embedded checkout, the link carries it',
    ])
  })
})

describe('the third trust pass', () => {
  test('a stray id=frame-mc<token> earlier in the page (which the published embed.js resizes): duplicate-token, the fallback back', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { el, scripts } = page(
      '<div id="frame-mca1"></div><div data-moonclerk-checkout="a1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div>',
    )
    const handle = mount(el.nextElementSibling!)
    // As the published embed.js does: its frame, named frame-mc<token>, in the container.
    window.MoonclerkEmbed = class {
      constructor(private opts: { checkoutToken: string }) {}
      display() {
        const frame = document.createElement('iframe')
        frame.id = 'frame-mc' + this.opts.checkoutToken
        document.getElementById('mc' + this.opts.checkoutToken)!.append(frame)
      }
    } as never
    scripts[0].dispatchEvent(new Event('load'))
    const error = await handle.displayed.catch((reason) => reason)
    expect([error.reason, error.message]).toStrictEqual([
      'duplicate-token',
      expect.stringMatching(/another element with id frame-mca1/),
    ])
    expect(document.querySelectorAll('iframe')).toHaveLength(0)
    expect(linkOf(el.nextElementSibling!).hidden).toBe(false)
  })

  test('an element with id mc<token> inserted earlier in the page before display(): duplicate-token, not a checkout rendered into it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { el, scripts } = page(
      '<div data-moonclerk-checkout="a1" data-moonclerk-cid="7"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div>',
    )
    const handle = mount(el)
    // A sanitizer keeps plain ids: a comment's `<div id="mca1" hidden>`, rendered in meanwhile.
    const stray = document.createElement('div')
    stray.id = 'mca1'
    stray.hidden = true
    document.body.prepend(stray)
    arrive(scripts[0])
    const error = await handle.displayed.catch((reason) => reason)
    expect(error.reason).toBe('duplicate-token')
    expect(error.message).toMatch(/another element with id mca1, earlier in the page/)
    expect(stray.childNodes).toHaveLength(0)
    expect(FakeEmbed.displayed).toStrictEqual([])
    expect(el.getAttribute('data-moonclerk-state')).toBe('error')
    expect(linkOf(el).hidden).toBe(false)
    expect(linkOf(el).href).toBe('https://app.moonclerk.com/pay/a1?cid=7')
  })

  test('a <form> is no placeholder: mountAll skips it with a warning and mounts the others; mount(form) says why', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    page(
      '<form data-moonclerk-checkout="a1"><input name="hasAttribute"></form><div id="b" data-moonclerk-checkout="b2"></div>',
    )
    const handles = mountAll()
    expect(handles.map((handle) => handle.element!.id)).toStrictEqual(['b'])
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/a <form> cannot hold a checkout/))
    expect(() => mount(document.querySelector('form')!)).toThrow(/a <form> cannot hold a checkout/)
    warn.mockRestore()
  })
})
