import { beforeEach, expect, test, vi } from 'vitest'
import { define, TAG } from '../src/define'
import { MoonClerkCheckoutElement } from '../src/element'
import { arrive, captureScripts, FakeEmbed, EMBED_SRC, settle } from './helpers'

let scripts: HTMLScriptElement[]
beforeEach(() => {
  scripts = captureScripts()
  window.MoonClerkCheckoutConfig = { embedSrc: EMBED_SRC }
})

function element(attributes: string): MoonClerkCheckoutElement {
  document.body.innerHTML = `<moonclerk-checkout ${attributes}></moonclerk-checkout>`
  return document.querySelector('moonclerk-checkout')!
}

test('importing the module registers <moonclerk-checkout>', () => {
  expect(customElements.get(TAG)).toBe(MoonClerkCheckoutElement)
  expect(document.createElement('moonclerk-checkout')).toBeInstanceOf(MoonClerkCheckoutElement)
})

test('defining again, or after another copy of the library, keeps the first definition', () => {
  expect(() => define()).not.toThrow()
  expect(customElements.get(TAG)).toBe(MoonClerkCheckoutElement)
})

test('mounts on connect with its attributes, in light DOM', async () => {
  const el = element(
    'token="8h7frjfytj" cid="234" name="Leon Bridges" email="leon@example.com" amount-cents="1000" width="480px"',
  )
  expect(el.shadowRoot).toBeNull()
  arrive(scripts[0])
  await el.displayed
  expect(FakeEmbed.displayed).toStrictEqual([
    {
      checkoutToken: '8h7frjfytj',
      width: '480px',
      cid: '234',
      name: 'Leon Bridges',
      email: 'leon@example.com',
      amount_cents: 1000,
    },
  ])
  expect(el.opts).toStrictEqual(FakeEmbed.displayed[0])
  expect(el.querySelector<HTMLIFrameElement>('#mc8h7frjfytj iframe')!.title).toBe('MoonClerk checkout')
})

test('disconnecting destroys everything it mounted', async () => {
  const el = element('token="a1" cid="5"')
  arrive(scripts[0])
  await el.displayed
  el.remove()
  expect(el.innerHTML).toBe('')
  expect(el.hasAttribute('data-moonclerk-state')).toBe(false)
  expect(el.displayed).toBeUndefined()
  expect('mca1' in window).toBe(false)
})

test('a changed cid or prefill mounts again; an unchanged write does nothing', async () => {
  const el = element('token="a1" cid="5"')
  arrive(scripts[0])
  await el.displayed
  const first = el.displayed
  el.setAttribute('cid', '5')
  expect(el.displayed).toBe(first)
  el.cid = '6'
  expect(el.getAttribute('cid')).toBe('6')
  await el.displayed
  el.name = 'Ada'
  await el.displayed
  expect(FakeEmbed.displayed.map((opts) => [opts.cid, opts.name])).toStrictEqual([
    ['5', undefined],
    ['6', undefined],
    ['6', 'Ada'],
  ])
  expect(el.querySelectorAll('iframe')).toHaveLength(1)
})

test('properties reflect attributes, null removes', () => {
  const el = element('token="a1"')
  el.amountCents = '1000'
  el.frameTitle = 'Donate'
  expect(el.getAttribute('amount-cents')).toBe('1000')
  expect(el.getAttribute('frame-title')).toBe('Donate')
  el.amountCents = null
  expect(el.hasAttribute('amount-cents')).toBe(false)
  expect(el.token).toBe('a1')
})

test('a property set before the element was defined is not lost', async () => {
  const el = document.createElement('div') as unknown as MoonClerkCheckoutElement
  Object.assign(el, { cid: 'early' })
  // What an upgrade finds: an own property shadowing the accessor.
  Object.setPrototypeOf(el, MoonClerkCheckoutElement.prototype)
  el.setAttribute('token', 'a1')
  el.connectedCallback()
  expect(el.getAttribute('cid')).toBe('early')
  el.disconnectedCallback()
})

test('load="click" waits for the click', async () => {
  const el = element('token="a1" load="click"')
  // The lazy modes' module has arrived once the link looks like a button.
  await vi.waitFor(() => expect(el.querySelector('a[data-moonclerk-button]')).not.toBeNull())
  expect(scripts).toHaveLength(0)
  el.querySelector('a')!.click()
  await settle()
  expect(scripts).toHaveLength(1)
})

test('errors reach listeners on the element', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const reasons: string[] = []
  document.addEventListener('moonclerk:error', (event) => reasons.push(event.detail.reason), { once: true })
  const el = element('token="a-1"')
  await el.displayed!.catch(() => {})
  expect(reasons).toStrictEqual(['invalid-config'])
  expect(el.querySelector('a')).toBeNull()
})

// React's own marks (src/hydration.ts): its root container, and each node it has hydrated.
const REACT_ROOT = '__reactContainer$test'
const REACT_NODE = '__reactFiber$test'
const REACT_PROPS = '__reactProps$test'
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve))

test('server-rendered markup that React has yet to hydrate stays as the server wrote it; the element mounts once React has hydrated it', async () => {
  const root = document.createElement('div')
  Object.assign(root, { [REACT_ROOT]: {} })
  root.innerHTML =
    '<main><moonclerk-checkout token="a1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></moonclerk-checkout></main>'
  document.body.replaceChildren(root)
  const el = root.querySelector('moonclerk-checkout') as MoonClerkCheckoutElement
  await nextFrame()
  await nextFrame()
  expect(root.innerHTML).toBe(
    '<main><moonclerk-checkout token="a1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></moonclerk-checkout></main>',
  )
  expect(scripts).toHaveLength(0)
  Object.assign(el, { [REACT_NODE]: {} })
  await nextFrame()
  expect(el.getAttribute('data-moonclerk-state')).toBe('loading')
  arrive(scripts[0])
  await el.displayed
  expect(el.querySelector('#mca1 iframe')).not.toBeNull()
})

test("markup React never walks (dangerouslySetInnerHTML, under an element of React's) mounts at once", () => {
  const root = document.createElement('div')
  Object.assign(root, { [REACT_ROOT]: {} })
  root.innerHTML = '<section></section>'
  const section = root.firstElementChild!
  Object.assign(section, { [REACT_NODE]: {}, [REACT_PROPS]: { dangerouslySetInnerHTML: { __html: '' } } })
  document.body.replaceChildren(root)
  section.innerHTML = '<moonclerk-checkout token="a1"></moonclerk-checkout>'
  expect(section.firstElementChild!.getAttribute('data-moonclerk-state')).toBe('loading')
})

test('an element waiting for hydration and then disconnected never mounts', async () => {
  const root = document.createElement('div')
  Object.assign(root, { [REACT_ROOT]: {} })
  root.innerHTML = '<moonclerk-checkout token="a1"></moonclerk-checkout>'
  document.body.replaceChildren(root)
  const el = root.firstElementChild!
  el.remove()
  Object.assign(el, { [REACT_NODE]: {} })
  await nextFrame()
  await nextFrame()
  expect(el.hasAttribute('data-moonclerk-state')).toBe(false)
  expect(scripts).toHaveLength(0)
})

test('markup React never reaches (a tag manager adds it inside React-rendered <body>) mounts after about 5 s anyway', () => {
  vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] })
  try {
    const body = document.createElement('div')
    Object.assign(body, { [REACT_ROOT]: {} })
    document.body.replaceChildren(body)
    body.innerHTML = '<moonclerk-checkout token="a1"></moonclerk-checkout>'
    const el = body.firstElementChild!
    vi.advanceTimersByTime(4_000)
    expect(el.hasAttribute('data-moonclerk-state')).toBe(false)
    vi.advanceTimersByTime(2_000)
    expect(el.getAttribute('data-moonclerk-state')).toBe('loading')
  } finally {
    vi.useRealTimers()
  }
})

test('a root React has unmounted keeps the key of its mark, set to null: what is put there later mounts at once', () => {
  const root = document.createElement('div')
  Object.assign(root, { [REACT_ROOT]: null })
  document.body.replaceChildren(root)
  root.innerHTML = '<moonclerk-checkout token="a1"></moonclerk-checkout>'
  expect(root.firstElementChild!.getAttribute('data-moonclerk-state')).toBe('loading')
})
