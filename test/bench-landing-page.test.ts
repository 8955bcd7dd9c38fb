// @vitest-environment node
// The realistic page (bench/landing-page.mjs): the same ~300 KB page on every run and for every
// markup, the checkout half-way down, the hero first, and each markup's tags where the README puts
// them. The benchmark's realistic-page ratios compare these pages, so they are pinned here.
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'

interface Urls {
  embedSrc: string
  payUrl: string
  library?: string
}
interface Content {
  top: string
  firstHalf: string
  checkoutIntro: string
  secondHalf: string
  footer: string
  images: number
}
interface LandingPage {
  PAGE_BYTES: number
  MARKUPS: string[]
  CHECKOUT: { token: string; cid: string; label: string }
  landingContent(options?: { targetBytes?: number; seed?: number }): Content
  landingPage(markup: string, urls: Urls, content?: Content): string
  checkoutMarkup(markup: string, urls: Urls): { head: string; checkout: string; bodyEnd: string }
  imageSvg(n: number): string
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const landingModule: string = new URL('../bench/landing-page.mjs', import.meta.url).href
const page = (await import(landingModule)) as LandingPage

const URLS = {
  embedSrc: 'http://127.0.0.1:5001/assets/embed.js',
  payUrl: 'http://127.0.0.1:5001/pay/',
  library: 'http://127.0.0.1:5002/dist/moonclerk-checkout.iife.min.js',
}
const pages = Object.fromEntries(page.MARKUPS.map((markup) => [markup, page.landingPage(markup, URLS)]))
const { token } = page.CHECKOUT

/** The page without its head tags and checkout markup: what every markup must share. */
function withoutMarkup(markup: string): string {
  const tags = page.checkoutMarkup(markup, URLS)
  let html = pages[markup].replace(`(bench: ${markup})`, '')
  for (const part of [tags.head, tags.checkout, tags.bodyEnd]) if (part) html = html.replace(part + '\n', '')
  return html
}

describe('landingPage', () => {
  test('is deterministic: the same markup and URLs give the same bytes', () => {
    for (const markup of page.MARKUPS) expect(page.landingPage(markup, URLS)).toBe(pages[markup])
  })

  test('another seed gives another page of about the same size', () => {
    const other = page.landingPage('stock', URLS, page.landingContent({ seed: 1 }))
    expect(other).not.toBe(pages.stock)
    expect(Math.abs(other.length - pages.stock.length)).toBeLessThan(0.03 * page.PAGE_BYTES)
  })

  test('is about 300 KB of HTML, every markup, and compresses about as real pages do (3–6×)', () => {
    for (const markup of page.MARKUPS) {
      const bytes = Buffer.byteLength(pages[markup])
      expect(Math.abs(bytes - page.PAGE_BYTES)).toBeLessThan(0.03 * page.PAGE_BYTES)
      const ratio = bytes / gzipSync(pages[markup]).length
      expect(ratio).toBeGreaterThan(3)
      expect(ratio).toBeLessThan(6)
    }
  })

  test('has the same content for every markup: only the tags differ', () => {
    const shared = withoutMarkup('stock')
    for (const markup of page.MARKUPS) expect(withoutMarkup(markup)).toBe(shared)
  })

  test('puts the checkout half-way down (45–55% of the bytes)', () => {
    for (const markup of page.MARKUPS.filter((m) => m !== 'none')) {
      const at = pages[markup].indexOf(page.checkoutMarkup(markup, URLS).checkout)
      expect(at / pages[markup].length).toBeGreaterThan(0.45)
      expect(at / pages[markup].length).toBeLessThan(0.55)
    }
  })

  test('opens with the hero heading (the LCP candidate), before any image', () => {
    const html = pages.stock
    expect(html.indexOf('<h1 id="hero">')).toBeGreaterThan(0)
    expect(html.indexOf('<h1 id="hero">')).toBeLessThan(html.indexOf('<img'))
    expect(html.match(/<h1/g)).toHaveLength(1)
  })

  test('names images /img/0.svg … /img/<n − 1>.svg, each once', () => {
    const { images } = page.landingContent()
    const sources = [...pages.stock.matchAll(/<img src="\/img\/(\d+)\.svg"/g)].map((m) => Number(m[1]))
    expect(sources).toEqual(Array.from({ length: images }, (_, n) => n))
  })
})

describe('checkoutMarkup: each markup as the README writes it', () => {
  const headOf = (html: string) => html.slice(0, html.indexOf('</head>'))
  const bodyOf = (html: string) => html.slice(html.indexOf('<body>'))

  test("stock: MoonClerk's snippet with the stand-in's embed.js, nothing in <head>", () => {
    const tags = page.checkoutMarkup('stock', URLS)
    expect(tags.checkout).toContain(`<div id="mc${token}"><a href="${URLS.payUrl}${token}">`)
    expect(tags.checkout).toContain(`s.src = "${URLS.embedSrc}";`)
    expect(tags.checkout).toContain('new MoonclerkEmbed(opts)')
    expect(headOf(pages.stock)).not.toContain('<script')
  })

  test('body-end: placeholder half-way, async library as the last element of <body>', () => {
    const html = pages['body-end']
    expect(html).toContain(
      `<div data-moonclerk-checkout="${token}" data-moonclerk-cid="234"><a href="${URLS.payUrl}${token}">`,
    )
    expect(html).toMatch(new RegExp(`<script src="${URLS.library}" async [^>]*></script>\\n</body>`))
    expect(headOf(html)).not.toContain('<script')
  })

  test('head and preload: the async library in <head>; preload adds a preload of exactly the embed-src URL', () => {
    for (const markup of ['head', 'preload']) {
      expect(headOf(pages[markup])).toContain(
        `<script src="${URLS.library}" async data-moonclerk-embed-src="${URLS.embedSrc}" data-moonclerk-pay-url="${URLS.payUrl}"></script>`,
      )
      expect(bodyOf(pages[markup])).not.toContain('<script')
    }
    expect(headOf(pages.preload)).toContain(`<link rel="preload" as="script" href="${URLS.embedSrc}">`)
    expect(pages.head).not.toContain('rel="preload"')
  })

  test('stock-preload: the stock snippet, and a preload of exactly its embed.js in <head>', () => {
    const html = pages['stock-preload']
    expect(headOf(html)).toContain(`<link rel="preload" as="script" href="${URLS.embedSrc}">`)
    expect(bodyOf(html)).toContain(page.checkoutMarkup('stock', URLS).checkout)
  })

  test('async-embed: embed.js itself, async, then the async library, in <head>', () => {
    const html = pages['async-embed']
    expect(headOf(html)).toContain(
      `<script src="${URLS.embedSrc}" async></script>\n<script src="${URLS.library}" async `,
    )
    expect(html).not.toContain('rel="preload"')
    expect(bodyOf(html)).not.toContain('<script')
  })

  test('one-tag: a classic (not async) script carrying the checkout, where the checkout goes', () => {
    const { checkout } = page.checkoutMarkup('one-tag', URLS)
    expect(checkout).toMatch(
      new RegExp(`^<script src="${URLS.library}" data-moonclerk-checkout="${token}" data-moonclerk-cid="234" `),
    )
    expect(checkout).not.toMatch(/\basync\b|\bdefer\b/)
    expect(pages['one-tag'].match(/<script/g)).toHaveLength(1)
  })

  test("none: the page alone, without a script or anything of MoonClerk's", () => {
    expect(pages.none).not.toContain('<script')
    expect(pages.none).not.toMatch(/moonclerk|mc8h7frjfytj/i)
    expect(pages.none).toContain('<section class="block pricing" id="checkout">')
  })

  test('an unknown markup is an error', () => {
    expect(() => page.checkoutMarkup('inline', URLS)).toThrow(/unknown markup/)
  })
})

test('imageSvg: deterministic, small, one per number', () => {
  expect(page.imageSvg(3)).toBe(page.imageSvg(3))
  expect(page.imageSvg(3)).not.toBe(page.imageSvg(4))
  expect(page.imageSvg(3).length).toBeLessThan(2_000)
  expect(page.imageSvg(3)).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="320" height="200"/)
})
