// Churn: mount() + destroy() over and over on the same placeholder (eager, visible and click load
// modes) and the same <moonclerk-checkout> appended and removed, in one page. Afterwards the page
// is as it was: DOM nodes, event listeners (counted by Chromium's DevTools protocol), live timers,
// live IntersectionObservers, own enumerable globals, sessionStorage, and one embed.js request.
import type { CDPSession, Page } from '@playwright/test'
import type { MoonClerkCheckoutElement } from '../src/element'
import { countRequests, expect, isEmbedScript, test } from './helpers'
import { watchPage, type Api } from './hardening-helpers'

const EAGER_CYCLES = 1000
const LAZY_CYCLES = 200
const ELEMENT_CYCLES = 200

/** The page-side counters the init script keeps (a non-enumerable global, so not a global of the page's own). */
interface Counters {
  timers(): number
  observers(): number
  /** Resolves at the next IntersectionObserver's first observe(): the visible mode is set up. */
  nextObserve(): Promise<void>
  /** Resolves once `link` looks like a button: the click mode is set up and handles clicks. */
  button(link: Element): Promise<void>
  element: MoonClerkCheckoutElement
}

/**
 * Init script: counts live timers (setTimeout not yet run or cleared, setInterval not cleared) and
 * live IntersectionObservers (made and not disconnected).
 */
function installCounters() {
  const timers = new Set<number>()
  const { setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: stop } = window
  const forget = (id: number | undefined) => id !== undefined && timers.delete(id)
  window.setTimeout = function (handler: TimerHandler, ms?: number, ...args: unknown[]) {
    if (typeof handler != 'function') return set(handler, ms, ...args)
    const id: number = set(
      function (this: unknown, ...params: unknown[]) {
        timers.delete(id)
        return (handler as (...a: unknown[]) => unknown).apply(this, params)
      },
      ms,
      ...args,
    )
    timers.add(id)
    return id
  } as typeof window.setTimeout
  window.setInterval = function (handler: TimerHandler, ms?: number, ...args: unknown[]) {
    const id = every(handler, ms, ...args)
    timers.add(id)
    return id
  } as typeof window.setInterval
  // The two clear functions share one list of ids, as in browsers.
  window.clearTimeout = ((id?: number) => (forget(id), clear(id))) as typeof window.clearTimeout
  window.clearInterval = ((id?: number) => (forget(id), stop(id))) as typeof window.clearInterval

  const observers = new Set<IntersectionObserver>()
  let observing: Array<() => void> = []
  const Observer = window.IntersectionObserver
  window.IntersectionObserver = class extends Observer {
    constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
      super(callback, options)
      observers.add(this)
    }
    observe(target: Element) {
      super.observe(target)
      observing.splice(0).forEach((resolve) => resolve())
    }
    disconnect() {
      observers.delete(this)
      super.disconnect()
    }
  }
  Object.defineProperty(window, '__churn', {
    enumerable: false,
    value: {
      timers: () => timers.size,
      observers: () => observers.size,
      nextObserve: () => new Promise<void>((resolve) => observing.push(resolve)),
      // The lazy modes arrive as a module of their own, a moment after mount().
      button: (link: Element) =>
        new Promise<void>((resolve) => {
          const ready = () => link.hasAttribute('data-moonclerk-button') && (watch.disconnect(), resolve(), true)
          const watch = new MutationObserver(ready)
          if (!ready()) watch.observe(link, { attributes: true })
        }),
    },
  })
}

/** Everything that must come back to where it was. */
async function snapshot(page: Page, cdp: CDPSession) {
  const listeners: Record<string, Record<string, number>> = {}
  for (const [name, expression] of Object.entries({
    window: 'window',
    document: 'document',
    placeholder: "document.getElementById('churn')",
    authorLink: "document.getElementById('author-link')",
    element: 'window.__churn.element || document.createElement("moonclerk-checkout")',
  })) {
    const { result } = await cdp.send('Runtime.evaluate', { expression })
    if (!result.objectId) throw new Error(`no object for ${expression}`)
    const found = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId })
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId })
    listeners[name] = {}
    for (const { type } of found.listeners) listeners[name][type] = (listeners[name][type] || 0) + 1
  }
  const page_ = await page.evaluate(() => {
    const counters = (window as unknown as { __churn: Counters }).__churn
    const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL)
    let nodes = 1
    while (walker.nextNode()) nodes++
    return {
      nodes,
      iframes: document.querySelectorAll('iframe').length,
      timers: counters.timers(),
      observers: counters.observers(),
      globals: Object.keys(window).sort(),
      sessionStorage: Object.fromEntries(
        Object.keys(sessionStorage)
          .sort()
          .map((key) => [key, sessionStorage.getItem(key)]),
      ),
      placeholder: document.getElementById('churn')!.outerHTML,
      element: counters.element ? counters.element.outerHTML : null,
      elementConnected: counters.element ? counters.element.isConnected : null,
    }
  })
  return { ...page_, listeners }
}

test(`churn: ${EAGER_CYCLES} eager, ${LAZY_CYCLES} visible, ${LAZY_CYCLES} click mount/destroy cycles and ${ELEMENT_CYCLES} element append/remove leave nothing behind`, async ({
  page,
}) => {
  test.setTimeout(30_000)
  const watch = watchPage(page)
  const embedRequests = countRequests(page, isEmbedScript)
  await page.addInitScript(installCounters)
  await page.goto('/e2e/hardening-churn.html')
  const cdp = await page.context().newCDPSession(page)
  const original = await snapshot(page, cdp)

  // One cycle of each kind first: embed.js, the click button's stylesheet and MoonClerk's globals
  // arrive once per page, and the starting point is taken after them.
  const warm = await page.evaluate(async () => {
    const api = (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout
    const element = document.createElement('moonclerk-checkout')
    element.setAttribute('token', 'churn2')
    element.setAttribute('cid', '234')
    Object.assign((window as unknown as { __churn: object }).__churn, { element })
    const placeholder = document.getElementById('churn')!
    const shown: boolean[] = []
    const counters = (window as unknown as { __churn: Counters }).__churn
    for (const load of ['eager', 'visible', 'click'] as const) {
      const handle = api.mount(placeholder, { token: 'churn1', cid: '234', load })
      if (load == 'click') {
        const link = document.getElementById('author-link')!
        await counters.button(link)
        link.click()
      }
      await handle.displayed
      shown.push(!!placeholder.querySelector('#mcchurn1 iframe'))
      handle.destroy()
    }
    document.getElementById('element-stage')!.append(element)
    await element.displayed
    shown.push(!!element.querySelector('#mcchurn2 iframe'))
    element.remove()
    return shown
  })
  expect(warm).toEqual([true, true, true, true])
  const before = await snapshot(page, cdp)
  // What the warm-up may leave, and nothing more: embed.js's script (no hint: eager mode asks for
  // embed.js at once, and no pointer came near the lazy ones), MoonClerk's own globals, and the cid
  // this tab sent.
  expect(before).toEqual({
    ...original,
    nodes: original.nodes + 1,
    globals: [...original.globals, 'MoonclerkEmbed', '__moonclerkStandIn'].sort(),
    sessionStorage: { ...original.sessionStorage, 'moonclerk-checkout:cids': '["234"]' },
    element: before.element,
    elementConnected: false,
  })
  expect(before).toMatchObject({ iframes: 0, timers: 0, observers: 0 })

  // The counters see what a mounted checkout holds: a visible-mode observer and a pending timer,
  // the click mode's listeners on the placeholder and its link.
  const during = await page.evaluate(async () => {
    const api = (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout
    const counters = (window as unknown as { __churn: Counters }).__churn
    const observed = counters.nextObserve()
    const visible = api.mount('#churn', { token: 'churn1', cid: '234', load: 'visible' })
    await observed
    const observers = counters.observers()
    visible.destroy()
    const timer = setTimeout(() => {}, 10_000)
    const timers = counters.timers()
    clearTimeout(timer)
    api.mount('#churn', { token: 'churn1', cid: '234', load: 'click' })
    await counters.button(document.getElementById('author-link')!)
    return { observers, timers }
  })
  expect(during).toEqual({ observers: 1, timers: 1 })
  const clickMounted = await snapshot(page, cdp)
  expect(clickMounted.listeners.placeholder).toEqual({ ...before.listeners.placeholder, pointerenter: 1, focusin: 1 })
  expect(clickMounted.listeners.authorLink).toEqual({ ...before.listeners.authorLink, click: 1 })
  await page.evaluate(() =>
    (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout.mount('#churn').destroy(),
  )
  expect(await snapshot(page, cdp)).toEqual(before)

  /**
   * Page-side: `cycles` mounts of the placeholder in `load` mode, or appends of the element. They
   * are destroyed in turn at once, one microtask later (while the cid resolves), and once displayed
   * (in click mode, after a click on the link). Returns how many displayed, and the opts they had.
   */
  const churn = (load: 'eager' | 'visible' | 'click' | 'element', cycles: number) =>
    page.evaluate(
      async ({ load, cycles }) => {
        const api = (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout
        const { element, button } = (window as unknown as { __churn: Counters }).__churn
        const placeholder = document.getElementById('churn')!
        const stage = document.getElementById('element-stage')!
        const spacer = document.getElementById('spacer')!
        const displayedBefore = window.__events.filter((event) => event.type == 'moonclerk:display').length
        let awaited = 0
        const cids = new Set<string>()
        for (let i = 0; i < cycles; i++) {
          let handle: { displayed: Promise<void>; readonly opts: { cid?: string } | null; destroy(): void }
          if (load == 'element') {
            stage.append(element)
            handle = {
              displayed: element.displayed!,
              get opts() {
                return element.opts
              },
              destroy: () => element.remove(),
            }
          } else handle = api.mount(placeholder, { token: 'churn1', cid: '234', load })
          const when = i % 3
          // The checkouts destroyed before showing sit below the fold, where a visible-mode observer
          // never fires: only destroy() can end it (as for a checkout whose route went away).
          spacer.hidden = when == 2
          if (when == 1) await Promise.resolve()
          else if (when == 2) {
            if (load == 'click') {
              const link = document.getElementById('author-link')!
              await button(link)
              link.click()
            }
            await handle.displayed
            awaited++
            cids.add(String(handle.opts && handle.opts.cid))
          }
          handle.destroy()
        }
        // Left as the last cycles had it: the snapshot comes while their observers could not have fired.
        const displayed = window.__events.filter((event) => event.type == 'moonclerk:display').length - displayedBefore
        return { awaited, displayed, cids: [...cids] }
      },
      { load, cycles },
    )

  for (const [load, cycles] of [
    ['eager', EAGER_CYCLES],
    ['visible', LAZY_CYCLES],
    ['click', LAZY_CYCLES],
    ['element', ELEMENT_CYCLES],
  ] as const) {
    const result = await churn(load, cycles)
    // Every third cycle waited for the checkout; the others were gone before it could show.
    const awaited = Math.floor(cycles / 3)
    expect(result.awaited, `${load}: cycles that waited for display`).toBe(awaited)
    expect(result.displayed, `${load}: moonclerk:display events`).toBeGreaterThanOrEqual(awaited)
    expect(result.cids).toEqual(['234'])
    expect(await snapshot(page, cdp), `after ${cycles} ${load} cycles`).toEqual(before)
  }

  expect(embedRequests, 'embed.js requests in the whole page').toHaveLength(1)
  expect(await watch.unhandled()).toEqual([])
  // Still working after all that.
  const lastCid = await page.evaluate(async () => {
    const api = (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout
    const handle = api.mount('#churn', { token: 'churn1', cid: '235' })
    await handle.displayed
    const cid = document.querySelector('#mcchurn1 iframe') && handle.opts && handle.opts.cid
    handle.destroy()
    return cid
  })
  expect(lastCid).toBe('235')
})
