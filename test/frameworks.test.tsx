// The examples of docs/frameworks.md, run: plain ES modules, React (`moonclerk-checkout/react`,
// tested in full by test/react.test.tsx), Vue, and the element used from React. The React and Vue
// components live in test/frameworks/, copied from the doc; the last test checks that every
// example here still matches docs/frameworks.md, so the doc stays true.
import { readFileSync } from 'node:fs'
import { act, StrictMode, useRef } from 'react'
import { createRoot } from 'react-dom/client'
import { createApp, h, nextTick, ref } from 'vue'
import { beforeEach, describe, expect, test } from 'vitest'
import { mount } from '../src/index'
import '../src/define'
import type { MoonClerkCheckoutAttributes, MoonClerkCheckoutElement } from '../src/element'
import { Checkout as ReactCheckout } from './frameworks/react'
import { Checkout as VueCheckout } from './frameworks/vue'
import { arrive, captureScripts, FakeEmbed, EMBED_SRC, settle } from './helpers'

// The doc's augmentation for React 19, whose JSX namespace lives in the module: without it,
// <moonclerk-checkout> below does not compile; with React's own types in it, `ref`, `style`,
// `className`, `suppressHydrationWarning` and the DOM's event props are React's.
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'moonclerk-checkout': MoonClerkCheckoutAttributes &
        HTMLAttributes<MoonClerkCheckoutElement> &
        RefAttributes<MoonClerkCheckoutElement>
    }
  }
}

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true

let scripts: HTMLScriptElement[]
beforeEach(() => {
  scripts = captureScripts()
  window.MoonClerkCheckoutConfig = { embedSrc: EMBED_SRC }
})

/** What a user sees of the checkout of `token`: the library's containers, MoonClerk's iframes, the cids displayed. */
const containers = (token: string) => document.querySelectorAll(`[data-moonclerk-container="${token}"]`)
const frames = () => document.querySelectorAll('iframe')
const displayedCids = () => FakeEmbed.displayed.map((opts) => opts.cid)
/** The opts MoonClerk gets for a token and a cid, as in its stock snippet. */
const stock = (token: string, cid: string) => ({ checkoutToken: token, width: '100%', cid })

/** A host for a framework to render into, in the document. */
const newHost = () => document.body.appendChild(document.createElement('div'))

test("the doc's plain ES module example", async () => {
  document.body.innerHTML = '<div id="checkout"></div>'
  const user = { checkoutId: '234' }

  // @ts-expect-error the doc's code is JavaScript: querySelector may return null
  const handle = mount(document.querySelector('#checkout'), { token: '8h7frjfytj', cid: user.checkoutId })
  expect(containers('8h7frjfytj')).toHaveLength(1)
  arrive(scripts[0])
  await handle.displayed
  expect(FakeEmbed.displayed).toStrictEqual([stock('8h7frjfytj', '234')])
  expect(frames()).toHaveLength(1)

  // on teardown
  handle.destroy()
  expect(containers('8h7frjfytj')).toHaveLength(0)
  expect(frames()).toHaveLength(0)
  expect(document.querySelector('#checkout')!.innerHTML).toBe('')
  expect('mc8h7frjfytj' in window).toBe(false)

  // Torn down, the same element takes a checkout with another cid.
  user.checkoutId = '235'
  const again = mount(document.querySelector('#checkout')!, { token: '8h7frjfytj', cid: user.checkoutId })
  await again.displayed
  expect(displayedCids()).toStrictEqual(['234', '235'])
  expect(containers('8h7frjfytj')).toHaveLength(1)
  expect(frames()).toHaveLength(1)
  again.destroy()
})

describe("the doc's React example", () => {
  test('shows the checkout, shows it again for a changed cid, and cleans up on unmount', async () => {
    const root = createRoot(newHost())
    await act(() => root.render(<ReactCheckout token="a1" cid="5" />))
    const el = containers('a1')[0].parentElement!
    expect(containers('a1')).toHaveLength(1)
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5')])
    expect(el.querySelectorAll('#mca1 iframe')).toHaveLength(1)

    await act(() => root.render(<ReactCheckout token="a1" cid="6" />))
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5'), stock('a1', '6')])
    expect(containers('a1')).toHaveLength(1)
    expect(frames()).toHaveLength(1)

    await act(() => root.unmount())
    expect(containers('a1')).toHaveLength(0)
    expect(frames()).toHaveLength(0)
    // React has removed its <div>; what destroy() undid shows on it, detached: React's own link.
    expect(el.innerHTML).toBe('<a href="https://app.moonclerk.com/pay/a1">Pay with MoonClerk</a>')
    expect('mca1' in window).toBe(false)
  })

  test('in StrictMode, whose mount, unmount and mount again of effects leaves one checkout', async () => {
    const root = createRoot(newHost())
    await act(() =>
      root.render(
        <StrictMode>
          <ReactCheckout token="a1" cid="5" />
        </StrictMode>,
      ),
    )
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5')])
    expect(containers('a1')).toHaveLength(1)
    expect(frames()).toHaveLength(1)
    await act(() => root.unmount())
    expect('mca1' in window).toBe(false)
  })
})

describe("the doc's Vue example", () => {
  test('shows the checkout, shows it again for a changed cid, and cleans up on unmount', async () => {
    const cid = ref('5')
    const app = createApp({ render: () => h(VueCheckout, { token: 'a1', cid: cid.value }) })
    app.mount(newHost())
    const el = containers('a1')[0].parentElement!
    expect(containers('a1')).toHaveLength(1)
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5')])
    expect(el.querySelectorAll('#mca1 iframe')).toHaveLength(1)

    cid.value = '6'
    await nextTick()
    await settle()
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5'), stock('a1', '6')])
    expect(containers('a1')).toHaveLength(1)
    expect(frames()).toHaveLength(1)

    app.unmount()
    expect(containers('a1')).toHaveLength(0)
    expect(frames()).toHaveLength(0)
    expect(el.innerHTML).toBe('')
    expect('mca1' in window).toBe(false)
  })
})

describe('<moonclerk-checkout> from React', () => {
  test('shows the checkout, shows it again for a changed cid, and cleans up on unmount', async () => {
    const root = createRoot(newHost())
    await act(() => root.render(<moonclerk-checkout token="a1" cid="5" />))
    const el = document.querySelector('moonclerk-checkout')!
    expect(el.querySelectorAll('[data-moonclerk-container="a1"]')).toHaveLength(1)
    arrive(scripts[0])
    await el.displayed
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5')])
    expect(el.querySelectorAll('#mca1 iframe')).toHaveLength(1)

    await act(() => root.render(<moonclerk-checkout token="a1" cid="6" />))
    expect(document.querySelector('moonclerk-checkout')).toBe(el)
    await el.displayed
    expect(FakeEmbed.displayed).toStrictEqual([stock('a1', '5'), stock('a1', '6')])
    expect(containers('a1')).toHaveLength(1)
    expect(frames()).toHaveLength(1)

    await act(() => root.unmount())
    expect(containers('a1')).toHaveLength(0)
    expect(frames()).toHaveLength(0)
    expect(el.innerHTML).toBe('')
    expect('mca1' in window).toBe(false)
  })

  test("takes React 19's ref, style, className and suppressHydrationWarning, typed by the doc's augmentation", async () => {
    let element: MoonClerkCheckoutElement | null = null
    const seen: Array<MoonClerkCheckoutElement | null> = []
    function Page() {
      const ref = useRef<MoonClerkCheckoutElement>(null)
      element = ref.current
      return (
        <>
          <moonclerk-checkout
            ref={ref}
            token="a1"
            cid={5}
            amount-cents={1000}
            load="click"
            className="pay"
            style={{ minHeight: 400 }}
            suppressHydrationWarning
          />
          <moonclerk-checkout
            ref={(el) => void seen.push(el)}
            token="b2"
            id="second"
            onClick={(event) => void event.currentTarget.displayed}
          />
        </>
      )
    }
    const root = createRoot(newHost())
    await act(() => root.render(<Page />))
    await act(() => root.render(<Page />))
    const [first, second] = document.querySelectorAll('moonclerk-checkout')
    expect(element).toBe(first)
    expect(seen[0]).toBe(second)
    expect(first.className).toBe('pay')
    expect(first.style.minHeight).toBe('400px')
    expect(first.getAttribute('amount-cents')).toBe('1000')
    await act(() => root.unmount())
    expect(seen.at(-1)).toBeNull()

    // What the augmentation refuses, as React's own types would.
    const wrong = () => {
      const input = useRef<HTMLInputElement>(null)
      return [
        // @ts-expect-error a ref to another element
        <moonclerk-checkout ref={input} token="a1" />,
        // @ts-expect-error React's style is an object
        <moonclerk-checkout style="min-height: 400px" token="a1" />,
        // @ts-expect-error a boolean
        <moonclerk-checkout suppressHydrationWarning="yes" token="a1" />,
        // @ts-expect-error not a load mode
        <moonclerk-checkout load="lazy" token="a1" />,
        // @ts-expect-error the token is required
        <moonclerk-checkout className="pay" />,
      ]
    }
    void wrong
  })
})

test("the examples tested here are docs/frameworks.md's, verbatim but for the package specifier", () => {
  const doc = readFileSync('docs/frameworks.md', 'utf8')
  expect(doc.startsWith('# Frameworks\n'), 'docs/frameworks.md begins with "# Frameworks"').toBe(true)
  // Up to its first subsection, "Calls before the script has loaded" (e2e/fixtures/queue-*.js copy that one).
  const section = doc.split(/\n##+ /)[0]
  const blocks = Array.from(section.matchAll(/```\w*\n([\s\S]*?)```/g), (match) => match[1])
  // A new example in the doc needs a test here, and a line in this list: the files that hold
  // it (test/vue: a Vue app that installed the package, type-checked by `npm run test:vue`).
  const homes = [
    ['test/frameworks.test.tsx'],
    ['test/frameworks/react.tsx'],
    ['test/frameworks/vue.ts', 'test/vue/Checkout.ts'],
    ['test/frameworks.test.tsx'],
    // Built and run in a Next.js 16 production build by e2e/next.spec.ts.
    ['e2e/next/app/define-element.tsx'],
    ['test/vue/vite.config.ts'],
    ['test/vue/env.d.ts'],
    ['test/vue/CheckoutElement.vue'],
  ]
  expect(blocks).toHaveLength(homes.length)

  // Lines compared trimmed (indentation differs), without blank lines and the type-error
  // directives that the doc's JavaScript needs under strict TypeScript.
  const lines = (code: string) =>
    code
      .split('\n')
      .map((line) =>
        line
          .trim()
          .replace(
            /from '(?:\.\.\/)+src\/(\w+)'/,
            (_, entry) => `from 'moonclerk-checkout${entry == 'index' ? '' : '/' + entry}'`,
          ),
      )
      .filter((line) => line && !line.startsWith('// @ts-expect-error'))
  blocks.forEach((block, i) => {
    for (const file of homes[i]) {
      const home = lines(readFileSync(file, 'utf8'))
      const example = lines(block)
      // Imports may be merged at the top of a test, and a test's assertions go between the lines
      // of an example: the example's other lines must appear in order.
      for (const line of example.filter((line) => line.startsWith('import '))) expect(home, file).toContain(line)
      let at = 0
      for (const line of example.filter((line) => !line.startsWith('import '))) {
        const found = home.indexOf(line, at)
        expect(found, `${file}: ${line}`).toBeGreaterThanOrEqual(at)
        at = found + 1
      }
    }
  })
})
