import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { mount } from '../src/mount'
import type { CheckoutHandle } from '../src/types'
import { arrive, captureScripts, fail, FakeEmbed, EMBED_SRC, html, settle } from './helpers'

/** An IntersectionObserver the test drives: `enter()` says the element came into range. */
class FakeObserver {
  static last: FakeObserver | undefined
  observed: Element[] = []
  disconnected = false
  constructor(
    public callback: IntersectionObserverCallback,
    public options?: IntersectionObserverInit,
  ) {
    FakeObserver.last = this
  }
  observe(element: Element) {
    this.observed.push(element)
  }
  disconnect() {
    this.disconnected = true
  }
  enter(isIntersecting = true) {
    this.callback([{ isIntersecting } as IntersectionObserverEntry], this as unknown as IntersectionObserver)
  }
}

const click = (target: Element, init: MouseEventInit = {}) => {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true, ...init })
  target.dispatchEvent(event)
  return event.defaultPrevented
}
const hints = () =>
  Array.from(document.head.querySelectorAll('link[rel=preconnect]')).map((link) => link.getAttribute('href'))

let scripts: HTMLScriptElement[]
beforeEach(() => {
  scripts = captureScripts()
  FakeObserver.last = undefined
  vi.stubGlobal('IntersectionObserver', FakeObserver)
})
afterEach(() => vi.unstubAllGlobals())

/** The lazy modes' module has arrived and set the checkout up: its observer, or its button. */
const setUp = (handle: CheckoutHandle) =>
  vi.waitFor(() => expect(FakeObserver.last || handle.element!.querySelector('[data-moonclerk-button]')).toBeTruthy())

/** A placeholder in `mode`, embed.js and the pay URL on other origins, once the mode is set up (`wait`). */
const lazy = async (mode: string, { extra = '', wait = true } = {}) => {
  const handle = mount(
    html(`<div data-moonclerk-checkout="a1" data-moonclerk-load="${mode}" data-moonclerk-cid="9" ${extra}></div>`),
    {
      embedSrc: EMBED_SRC,
      payUrl: 'https://pay.example/pay/',
    },
  )
  if (wait) await setUp(handle)
  return handle
}

describe('load="visible"', () => {
  test('loads nothing until the checkout comes within 200px of the viewport', async () => {
    const handle = await lazy('visible')
    await settle()
    expect(scripts).toHaveLength(0)
    expect(FakeObserver.last!.options).toMatchObject({ rootMargin: '200px' })
    expect(FakeObserver.last!.observed).toStrictEqual([handle.element])
    FakeObserver.last!.enter(false)
    await settle()
    expect(scripts).toHaveLength(0)
    FakeObserver.last!.enter()
    await settle()
    expect(scripts).toHaveLength(1)
    expect(FakeObserver.last!.disconnected).toBe(true)
    arrive(scripts[0])
    await handle.displayed
    expect(FakeEmbed.displayed).toHaveLength(1)
  })

  test('data-moonclerk-state says waiting until the checkout comes within range, then loading', async () => {
    const handle = await lazy('visible')
    expect(handle.element!.getAttribute('data-moonclerk-state')).toBe('waiting')
    FakeObserver.last!.enter()
    await settle()
    expect(handle.element!.getAttribute('data-moonclerk-state')).toBe('loading')
    handle.destroy()
    expect(handle.element!.hasAttribute('data-moonclerk-state')).toBe(false)
  })

  test('the fallback link carries the cid before anything loads', async () => {
    const handle = await lazy('visible')
    await settle()
    expect(handle.element!.querySelector('a')!.href).toMatch(/\?cid=9$/)
  })

  test('loads at once where IntersectionObserver is missing', async () => {
    vi.stubGlobal('IntersectionObserver', undefined)
    await lazy('visible', { wait: false })
    await vi.waitFor(() => expect(scripts).toHaveLength(1))
  })

  test('destroyed while the lazy modes arrive: nothing is observed, nothing loads', async () => {
    const handle = await lazy('visible', { wait: false })
    handle.destroy()
    // The module the checkout asked for has arrived once this import has.
    await import('../src/intent')
    await settle()
    expect(FakeObserver.last).toBeUndefined()
    expect(scripts).toHaveLength(0)
  })

  test('destroy stops observing', async () => {
    ;(await lazy('visible')).destroy()
    expect(FakeObserver.last!.disconnected).toBe(true)
  })
})

describe('load="click"', () => {
  test('the link is a button; the first plain click shows the checkout in place instead of navigating', async () => {
    const handle = await lazy('click')
    const link = handle.element!.querySelector('a')!
    expect(link.hasAttribute('data-moonclerk-button')).toBe(true)
    await settle()
    expect(scripts).toHaveLength(0)
    expect(click(link)).toBe(true)
    await settle()
    expect(scripts).toHaveLength(1)
    arrive(scripts[0])
    await handle.displayed
    expect(handle.element!.querySelector('iframe')).not.toBeNull()
  })

  test.each([{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }])(
    'a click meant for a new tab or window (%o) still follows the link',
    async (init) => {
      const handle = await lazy('click')
      expect(click(handle.element!.querySelector('a')!, init)).toBe(false)
      await settle()
      expect(scripts).toHaveLength(0)
    },
  )

  test('once the checkout shows, the button look no longer keeps the hidden button on screen', async () => {
    const handle = await lazy('click')
    const link = handle.element!.querySelector('a')!
    expect(getComputedStyle(link).display).toBe('inline-block')
    click(link)
    await settle()
    arrive(scripts[0])
    await handle.displayed
    expect(link.hidden).toBe(true)
    // The browser's own [hidden] rule loses to any rule of the page's; the button look must not apply.
    expect(getComputedStyle(link).display).not.toBe('inline-block')
  })

  test('data-moonclerk-state says waiting until the click, loading after it, then displayed', async () => {
    const handle = await lazy('click')
    const state = () => handle.element!.getAttribute('data-moonclerk-state')
    expect(state()).toBe('waiting')
    // A click meant for a new tab is no intent here.
    click(handle.element!.querySelector('a')!, { ctrlKey: true })
    await settle()
    expect(state()).toBe('waiting')
    click(handle.element!.querySelector('a')!)
    await settle()
    expect(state()).toBe('loading')
    arrive(scripts[0])
    await handle.displayed
    expect(state()).toBe('displayed')
  })

  test('a checkout that failed while it waited stays failed when the payer clicks', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = mount(html('<div data-moonclerk-checkout="a1" data-moonclerk-load="click"></div>'), {
      embedSrc: EMBED_SRC,
      cid: () => Promise.reject(new Error('401')),
    })
    await setUp(handle)
    await expect(handle.displayed).rejects.toMatchObject({ reason: 'cid-unavailable' })
    click(handle.element!.querySelector('a')!)
    await settle()
    expect(handle.element!.getAttribute('data-moonclerk-state')).toBe('error')
  })

  test('when the checkout fails after the click, the link works again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = await lazy('click')
    const link = handle.element!.querySelector('a')!
    click(link)
    await settle()
    fail(scripts[0])
    await handle.displayed.catch(() => {})
    expect(handle.element!.contains(link)).toBe(true)
    expect(click(link)).toBe(false)
  })

  test('destroy removes the click handler and the button look', async () => {
    const handle = await lazy('click')
    const link = handle.element!.querySelector('a')!
    handle.destroy()
    expect(link.isConnected).toBe(false)
    expect(link.hasAttribute('data-moonclerk-button')).toBe(false)
    // A handler left behind would take this click for the payer's intent, and load embed.js.
    expect(click(link)).toBe(false)
    await settle()
    expect(scripts).toHaveLength(0)
  })

  test("an author's link keeps working with modified clicks and loses the button look on destroy", () => {
    const handle = mount(
      html(
        '<div data-moonclerk-checkout="a1" data-moonclerk-load="click"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div>',
      ),
      {
        embedSrc: EMBED_SRC,
      },
    )
    const link = handle.element!.querySelector('a')!
    handle.destroy()
    expect(link.hasAttribute('data-moonclerk-button')).toBe(false)
    expect(click(link)).toBe(false)
  })
})

describe('warm-up', () => {
  test("eager: no hint (embed.js's request opens its own connection; the checkout's frame could not use one)", () => {
    mount(html('<div data-moonclerk-checkout="a1"></div><div data-moonclerk-checkout="b2"></div>'), {
      embedSrc: 'https://warm-cdn.example/assets/embed.js',
      payUrl: 'https://warm-app.example/pay/',
    })
    mount(document.body.lastElementChild!, {
      embedSrc: 'https://warm-cdn.example/assets/embed.js',
      payUrl: 'https://warm-app.example/pay/',
    })
    expect(hints().filter((href) => href!.includes('warm-'))).toStrictEqual([])
  })

  test.each(['visible', 'click'])(
    "%s: nothing before intent, then a preconnect to embed.js's origin on pointer or focus, once",
    async (mode) => {
      document.head.querySelectorAll('link[rel=preconnect]').forEach((hint) => hint.remove())
      const handle = await lazy(mode)
      expect(hints()).toStrictEqual([])
      handle.element!.dispatchEvent(new Event('focusin'))
      handle.element!.dispatchEvent(new Event('pointerenter'))
      expect(hints()).toStrictEqual([new URL(EMBED_SRC).origin])
    },
  )
})

describe('accessibility', () => {
  test("MoonClerk's iframe gets a title when it has none", async () => {
    const handle = mount(html('<div data-moonclerk-checkout="a1"></div>'), { embedSrc: EMBED_SRC })
    arrive(scripts[0])
    await handle.displayed
    expect(handle.element!.querySelector('iframe')!.title).toBe('MoonClerk checkout')
  })

  test('the title is configurable and an existing one is kept', async () => {
    vi.spyOn(FakeEmbed.prototype, 'display').mockImplementation(function (this: FakeEmbed) {
      document.getElementById('mc' + this.opts.checkoutToken)!.innerHTML =
        '<iframe></iframe><iframe title="Card details"></iframe>'
    })
    const handle = mount(
      html('<div data-moonclerk-checkout="a1" data-moonclerk-frame-title="Donate to the shelter"></div>'),
      { embedSrc: EMBED_SRC },
    )
    arrive(scripts[0])
    await handle.displayed
    expect(Array.from(handle.element!.querySelectorAll('iframe')).map((frame) => frame.title)).toStrictEqual([
      'Donate to the shelter',
      'Card details',
    ])
  })
})

test('an unknown load mode is an invalid-config error naming the attribute', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const handle = await lazy('lazy', { wait: false })
  await expect(handle.displayed).rejects.toMatchObject({
    reason: 'invalid-config',
    message: '<div> (form a1): load (data-moonclerk-load) must be eager, visible or click, got "lazy"',
  })
})

describe('button style, warm-up hints, range', () => {
  const buttonSheets = () =>
    document.adoptedStyleSheets.filter((sheet) =>
      [...sheet.cssRules].some((rule) => rule.cssText.includes('[data-moonclerk-button]')),
    )

  test('click mode: the link gets an empty data-moonclerk-button, styled by one adopted sheet however many checkouts', async () => {
    const first = await lazy('click')
    await lazy('click')
    expect(first.element!.querySelector('a')!.getAttribute('data-moonclerk-button')).toBe('')
    expect(buttonSheets()).toHaveLength(1)
  })

  test("a pointer over the checkout warms embed.js's connection", async () => {
    const handle = await lazy('visible')
    await settle()
    expect(hints()).toStrictEqual([])
    handle.element!.dispatchEvent(new Event('pointerenter'))
    expect(hints()).toStrictEqual(['https://cdn.example'])
  })

  test('no hint for the page’s own origin', async () => {
    const handle = mount(html('<div data-moonclerk-checkout="a1" data-moonclerk-load="click"></div>'), {
      embedSrc: '/own/embed.js',
      payUrl: 'https://pay.example/pay/',
    })
    await setUp(handle)
    handle.element!.dispatchEvent(new Event('pointerenter'))
    expect(hints()).toStrictEqual([])
  })

  test('visible: one entry in range among several is enough', async () => {
    await lazy('visible')
    await settle()
    const observer = FakeObserver.last!
    observer.callback(
      [{ isIntersecting: false }, { isIntersecting: true }] as IntersectionObserverEntry[],
      observer as unknown as IntersectionObserver,
    )
    await settle()
    expect(scripts).toHaveLength(1)
  })
})
