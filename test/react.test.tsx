// `moonclerk-checkout/react`: <MoonClerkCheckout> rendered on a server, hydrated, in StrictMode,
// re-rendered with changed options and callbacks, unmounted, and its ref. embed.js is faked
// (test/helpers.ts): each test decides when it arrives or fails.
import { act, StrictMode, useRef, type ReactNode } from 'react'
import { createRoot, hydrateRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { mount, type CheckoutHandle, type DisplayDetail, type ErrorDetail } from '../src/index'
import { MoonClerkCheckout, type MoonClerkCheckoutProps } from '../src/react'
import { arrive, captureScripts, EMBED_SRC, fail, FakeEmbed, settle } from './helpers'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true

let scripts: HTMLScriptElement[]
beforeEach(() => {
  scripts = captureScripts()
  window.MoonClerkCheckoutConfig = { embedSrc: EMBED_SRC }
})

const LINK = '<a href="https://app.moonclerk.com/pay/a1">Pay with MoonClerk</a>'
const containers = () => document.querySelectorAll('[data-moonclerk-container="a1"]')
const frames = () => document.querySelectorAll('iframe')
const stock = (cid: string) => ({ checkoutToken: 'a1', width: '100%', cid })

/** A host in the document, and a root that renders into it, in act(). */
function render(node: ReactNode): {
  host: HTMLElement
  root: Root
  update(node: ReactNode): Promise<void>
  unmount(): Promise<void>
} {
  const host = document.body.appendChild(document.createElement('div'))
  const root = createRoot(host)
  act(() => root.render(node))
  return {
    host,
    root,
    update: (next) => act(async () => root.render(next)),
    unmount: () => act(async () => root.unmount()),
  }
}

/** Renders as a server does: no window, no document. */
function serverRender(node: ReactNode): string {
  vi.stubGlobal('window', undefined)
  vi.stubGlobal('document', undefined)
  try {
    return renderToString(node)
  } finally {
    vi.unstubAllGlobals()
  }
}

describe('on the server', () => {
  test('renders a <div> with the fallback link, nothing of a mounted checkout', () => {
    const html = serverRender(<MoonClerkCheckout token="a1" cid="5" className="pay" />)
    expect(html).toBe(`<div class="pay">${LINK}</div>`)
    expect(scripts).toHaveLength(0)
  })

  test('the link goes to payUrl + token, labelled label; children replace it', () => {
    expect(serverRender(<MoonClerkCheckout token="a1" payUrl="https://pay.example/p/" label="Donate" />)).toBe(
      '<div><a href="https://pay.example/p/a1">Donate</a></div>',
    )
    expect(serverRender(<MoonClerkCheckout token="a1">Loading the checkout…</MoonClerkCheckout>)).toBe(
      '<div>Loading the checkout…</div>',
    )
  })

  test('hydrates without a mismatch, then mounts and shows the checkout', async () => {
    const page = <MoonClerkCheckout token="a1" cid="5" className="pay" />
    const host = document.body.appendChild(document.createElement('div'))
    host.innerHTML = serverRender(page)
    const served = host.firstElementChild!
    const errors = vi.spyOn(console, 'error')
    const recoverable = vi.fn()
    await act(() => void hydrateRoot(host, page, { onRecoverableError: recoverable }))
    expect(recoverable).not.toHaveBeenCalled()
    expect(errors).not.toHaveBeenCalled()
    // React kept the server's nodes, and the checkout mounted in them.
    expect(host.firstElementChild).toBe(served)
    expect(served.getAttribute('data-moonclerk-state')).toBe('loading')
    expect(containers()).toHaveLength(1)
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('5')])
    expect(served.querySelector('a')!.hidden).toBe(true)
  })
})

describe('in the browser', () => {
  test('mounts after rendering, and calls onDisplay with the detail', async () => {
    const onDisplay = vi.fn<(detail: DisplayDetail) => void>()
    const { host, unmount } = render(<MoonClerkCheckout token="a1" cid="5" onDisplay={onDisplay} />)
    const div = host.firstElementChild!
    expect(div.getAttribute('data-moonclerk-state')).toBe('loading')
    expect(scripts).toHaveLength(1)
    expect(div.querySelectorAll('[data-moonclerk-container="a1"]')).toHaveLength(1)
    // The link React rendered is the checkout's fallback, with the cid: no second one.
    expect(div.querySelectorAll('a')).toHaveLength(1)
    expect(div.querySelector('a')!.href).toBe('https://app.moonclerk.com/pay/a1?cid=5')
    arrive(scripts[0])
    await settle()
    expect(onDisplay).toHaveBeenCalledTimes(1)
    expect(onDisplay).toHaveBeenCalledWith({ token: 'a1', opts: stock('5') })
    expect(div.querySelectorAll('#mca1 iframe')).toHaveLength(1)
    await unmount()
  })

  test('calls onError with the detail; the fallback link stays', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const onError = vi.fn<(detail: ErrorDetail) => void>()
    const onDisplay = vi.fn()
    const { host, unmount } = render(<MoonClerkCheckout token="a1" onError={onError} onDisplay={onDisplay} />)
    fail(scripts[0])
    await settle()
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError.mock.calls[0][0]).toMatchObject({ token: 'a1', reason: 'script-load' })
    expect(onError.mock.calls[0][0].message).toMatch(/embed\.js|load/)
    expect(onDisplay).not.toHaveBeenCalled()
    expect(host.querySelector('a')!.hidden).toBe(false)
    await unmount()
  })

  test('in StrictMode (effects mount, unmount and mount again): one embed.js, one container, one checkout', async () => {
    const onDisplay = vi.fn()
    const { unmount } = render(
      <StrictMode>
        <MoonClerkCheckout token="a1" cid="5" onDisplay={onDisplay} />
      </StrictMode>,
    )
    expect(scripts).toHaveLength(1)
    expect(containers()).toHaveLength(1)
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.created).toStrictEqual([stock('5')])
    expect(frames()).toHaveLength(1)
    expect(onDisplay).toHaveBeenCalledTimes(1)
    await unmount()
    expect('mca1' in window).toBe(false)
  })

  test('a changed cid mounts afresh; fields equal by value, changed callbacks or className do not', async () => {
    const first = vi.fn()
    const { host, update, unmount } = render(
      <MoonClerkCheckout token="a1" cid="5" fields={{ size: 'L' }} onDisplay={first} />,
    )
    arrive(scripts[0])
    await settle()
    const later = vi.fn()
    await update(
      <MoonClerkCheckout
        token="a1"
        cid="5"
        fields={{ size: 'L' }}
        onDisplay={later}
        onError={() => {}}
        className="pay"
      />,
    )
    await settle()
    expect(FakeEmbed.created).toHaveLength(1)
    expect(host.firstElementChild!.className).toBe('pay')

    await update(<MoonClerkCheckout token="a1" cid="6" fields={{ size: 'L' }} onDisplay={later} />)
    await settle()
    expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['5', '6'])
    // The latest callback hears the new checkout; the first one only its own.
    expect(first).toHaveBeenCalledTimes(1)
    expect(later).toHaveBeenCalledTimes(1)
    expect(containers()).toHaveLength(1)
    expect(frames()).toHaveLength(1)

    await update(<MoonClerkCheckout token="a1" cid="6" fields={{ size: 'M' }} onDisplay={later} />)
    await settle()
    expect(FakeEmbed.displayed).toHaveLength(3)
    await unmount()
  })

  test('a cid function counts by identity, and its value reaches MoonClerk', async () => {
    const cid = () => Promise.resolve('7')
    const { update, unmount } = render(<MoonClerkCheckout token="a1" cid={cid} />)
    arrive(scripts[0])
    await settle()
    await update(<MoonClerkCheckout token="a1" cid={cid} />)
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('7')])
    await update(<MoonClerkCheckout token="a1" cid={() => '8'} />)
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('7'), stock('8')])
    await unmount()
  })

  test('unmounting destroys the checkout: the fallback is back, nothing is left', async () => {
    const { host, unmount } = render(<MoonClerkCheckout token="a1" cid="5" />)
    const div = host.firstElementChild!
    arrive(scripts[0])
    await settle()
    expect(div.querySelector('a')!.hidden).toBe(true)
    await unmount()
    // React has removed its <div>; what destroy() undid shows on it, detached.
    expect(div.outerHTML).toBe(`<div>${LINK}</div>`)
    expect(frames()).toHaveLength(0)
    expect('mca1' in window).toBe(false)
  })

  test("ref is the mount() handle while mounted, and null after; a callback ref's too", async () => {
    let handle: { current: CheckoutHandle | null } = { current: null }
    const seen: Array<CheckoutHandle | null> = []
    function Page({ cid }: { cid: string }) {
      const ref = useRef<CheckoutHandle>(null)
      handle = ref
      return (
        <>
          <MoonClerkCheckout ref={ref} token="a1" cid={cid} />
          <MoonClerkCheckout ref={(h) => void seen.push(h)} token="b2" />
        </>
      )
    }
    const { host, update, unmount } = render(<Page cid="5" />)
    const [first, second] = host.children
    const mounted = handle.current!
    expect(mount(first)).toBe(mounted)
    expect(mounted.element).toBe(first)
    arrive(scripts[0])
    await expect(mounted.displayed).resolves.toBeUndefined()
    expect(mounted.opts).toStrictEqual(stock('5'))
    expect(seen).toStrictEqual([mount(second)])

    await update(<Page cid="6" />)
    expect(handle.current).not.toBe(mounted)
    expect(handle.current).toBe(mount(first))
    await unmount()
    expect(handle.current).toBeNull()
    expect(seen.at(-1)).toBeNull()
  })

  test('custom fallback content gets the link added in the browser, hidden with it once the checkout shows', async () => {
    const { host, unmount } = render(
      <MoonClerkCheckout token="a1">
        <p>Loading the checkout…</p>
      </MoonClerkCheckout>,
    )
    const div = host.firstElementChild!
    expect(div.querySelector('a')!.getAttribute('href')).toBe('https://app.moonclerk.com/pay/a1')
    arrive(scripts[0])
    await settle()
    expect(div.querySelector('p')!.hidden).toBe(true)
    await unmount()
  })
})

test('its props are typed', () => {
  const wrong = () => [
    // @ts-expect-error the token is required
    <MoonClerkCheckout cid="5" />,
    // @ts-expect-error not a load mode
    <MoonClerkCheckout token="a1" load="lazy" />,
    // @ts-expect-error amountCents is a number or a string of digits
    <MoonClerkCheckout token="a1" amountCents={[1]} />,
    // @ts-expect-error the detail is a DisplayDetail
    <MoonClerkCheckout token="a1" onDisplay={(detail: ErrorDetail) => detail} />,
    // @ts-expect-error the ref is a handle's
    <MoonClerkCheckout token="a1" ref={useRef<HTMLDivElement>(null)} />,
  ]
  const right: MoonClerkCheckoutProps = {
    token: 'a1',
    cid: async () => 5,
    fields: { size: 'L' },
    width: 600,
    height: '700',
    load: 'click',
    frameTitle: 'Pay',
  }
  void wrong
  void right
})
