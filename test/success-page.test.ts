// The success page: a return without the redirect's placeholders (the tab's memory), and the
// confirmation from the merchant's server (confirmUrl): the events and data-moonclerk-payment.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { rememberOwnScript } from '../src/config'
import { onError } from '../src/events'
import { rememberSentCid } from '../src/memory'
import { resetPage } from '../src/page'
import { handleReturn, onPaid, onUnconfirmed } from '../src/return'
import type { PaidDetail, ReturnDetail, UnconfirmedDetail } from '../src/types'
import { scriptTag } from './helpers'

const ENDPOINT = '/api/moonclerk'
let heard: Array<[string, unknown]>
const TYPES = ['moonclerk:return', 'moonclerk:paid', 'moonclerk:unconfirmed', 'moonclerk:error'] as const
const record = (event: Event) => heard.push([event.type, (event as CustomEvent).detail])
const detailsOf = <T>(type: string) => heard.filter(([t]) => t == type).map(([, detail]) => detail as T)
const paymentState = () => document.documentElement.getAttribute('data-moonclerk-payment')

/** The checkout pages before this one sent these cids into checkouts (then the payer came here). */
function sentEarlier(...cids: string[]) {
  cids.forEach(rememberSentCid)
  resetPage()
}

beforeEach(() => {
  heard = []
  TYPES.forEach((type) => document.addEventListener(type, record))
  sessionStorage.clear()
  history.replaceState(null, '', '/thanks')
  document.body.innerHTML = ''
})
afterEach(() => {
  TYPES.forEach((type) => document.removeEventListener(type, record))
  document.documentElement.removeAttribute('data-moonclerk-payment')
  delete window.MoonClerkCheckoutConfig
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('a success page without placeholders: the tab memory', () => {
  test('a page that does not expect a return reports nothing without values in its URL', () => {
    sentEarlier('user-1')
    expect(handleReturn()).toBeNull()
    expect(heard).toStrictEqual([])
  })

  test.each([
    [
      'an element with data-moonclerk-return',
      () => void (document.body.innerHTML = '<main data-moonclerk-return></main>'),
      undefined,
    ],
    ['handleReturn({ expect: true })', () => {}, { expect: true }],
    ['handleReturn({ expectReturn: true })', () => {}, { expectReturn: true }],
    ['the global config', () => void (window.MoonClerkCheckoutConfig = { expectReturn: true }), undefined],
    ['our script tag', () => rememberOwnScript(scriptTag({ 'data-moonclerk-return': '' })), undefined],
  ])('declared by %s: reports the cid this tab last sent, from memory', (_, declare, options) => {
    sentEarlier('user-0', 'user-1')
    declare()
    const detail = handleReturn(options)
    expect(detail).toStrictEqual({
      customId: 'user-1',
      checkoutToken: null,
      paymentId: null,
      customerId: null,
      cidMatches: true,
      repeated: false,
      source: 'memory',
    })
    expect(detailsOf('moonclerk:return')).toStrictEqual([detail])
  })

  test('data-moonclerk-return="false" declares nothing', () => {
    sentEarlier('user-1')
    document.body.innerHTML = '<main data-moonclerk-return="false"></main>'
    expect(handleReturn()).toBeNull()
  })

  test('a tab that sent no cid: customId null, and a console hint that says why', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const detail = handleReturn({ expect: true })
    expect(detail).toMatchObject({ customId: null, cidMatches: null, source: 'memory' })
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/no values in its address.*sent no cid into a checkout.*another tab/),
    )
  })

  test('values in the URL win over the memory, and say so', () => {
    sentEarlier('user-1')
    history.replaceState(null, '', '/thanks?custom_id=user-1&checkout_token=tok9')
    expect(handleReturn({ expect: true })).toMatchObject({
      customId: 'user-1',
      checkoutToken: 'tok9',
      cidMatches: true,
      source: 'url',
    })
  })

  test('placeholders MoonClerk left unfilled count as absent: the memory answers', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    sentEarlier('user-1')
    history.replaceState(null, '', '/thanks?custom_id={{custom_id}}&checkout_token=')
    expect(handleReturn({ expect: true })).toMatchObject({ customId: 'user-1', source: 'memory' })
  })

  test('a reload of the success page is a repeated return', () => {
    sentEarlier('user-1')
    expect(handleReturn({ expect: true })!.repeated).toBe(false)
    expect(handleReturn({ expect: true })!.repeated).toBe(true)
  })
})

/** A fetch that answers each call with the next of `answers` (the last one repeats). */
function serverAnswers(...answers: Array<{ status?: number; body?: unknown } | Error>) {
  const fetch = vi.fn((_url: string, _init?: RequestInit) => {
    const answer = answers.length > 1 ? answers.shift()! : answers[0]
    if (answer instanceof Error) return Promise.reject(answer)
    const body = typeof answer.body == 'string' ? answer.body : JSON.stringify(answer.body ?? { paid: false })
    return Promise.resolve(
      new Response(body, { status: answer.status ?? 200, headers: { 'Content-Type': 'application/json' } }),
    )
  })
  vi.stubGlobal('fetch', fetch)
  return fetch
}

const NOT_YET = { body: { paid: false } }
const PAID = { body: { paid: true, kind: 'payment' } }

/** A success page that remembers `cid` and asks `confirmUrl`, with fake timers. */
function successPage(attributes = `data-moonclerk-confirm-url="${ENDPOINT}"`, cid: string | null = 'sealed.cid-1') {
  vi.useFakeTimers()
  if (cid) sentEarlier(cid)
  document.body.innerHTML = `<main data-moonclerk-return ${attributes}></main>`
  return document.querySelector('main')!
}

describe('confirmation from the merchant server (confirmUrl)', () => {
  test('asks at once with the cid, then after 1 s, 1.5 s, 2.25 s …; paid: moonclerk:paid, and the state on <html> and the element', async () => {
    const fetch = serverAnswers(NOT_YET, NOT_YET, NOT_YET, PAID)
    const main = successPage()
    handleReturn()
    expect(fetch).toHaveBeenCalledTimes(1)
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe(`${location.origin}${ENDPOINT}?cid=sealed.cid-1`)
    expect(init).toMatchObject({ cache: 'no-store', headers: { Accept: 'application/json' } })
    expect([paymentState(), main.getAttribute('data-moonclerk-payment')]).toStrictEqual(['pending', 'pending'])
    await vi.advanceTimersByTimeAsync(999)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1500)
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(detailsOf('moonclerk:paid')).toStrictEqual([])
    await vi.advanceTimersByTimeAsync(2250)
    expect(fetch).toHaveBeenCalledTimes(4)
    expect(detailsOf<PaidDetail>('moonclerk:paid')).toStrictEqual([
      { customId: 'sealed.cid-1', kind: 'payment', answer: { paid: true, kind: 'payment' } },
    ])
    expect([paymentState(), main.getAttribute('data-moonclerk-payment')]).toStrictEqual(['paid', 'paid'])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetch).toHaveBeenCalledTimes(4)
  })

  test('the pause grows to 5 s and stays there; after confirmWithinMs of asking, moonclerk:unconfirmed', async () => {
    const fetch = serverAnswers(NOT_YET)
    successPage(`data-moonclerk-confirm-url="${ENDPOINT}" data-moonclerk-confirm-within="20000"`)
    handleReturn()
    const times: number[] = []
    fetch.mockImplementation(async () => (times.push(Date.now()), new Response('{"paid":false}')))
    const start = Date.now()
    await vi.advanceTimersByTimeAsync(25_000)
    // 1, 1.5, 2.25, 3.375, 5, 5: 18.125 s; one more ask when the 20 s are up.
    expect(times.map((t) => t - start)).toStrictEqual([1000, 2500, 4750, 8125, 13125, 18125, 20000])
    expect(detailsOf<UnconfirmedDetail>('moonclerk:unconfirmed')).toStrictEqual([
      { customId: 'sealed.cid-1', reason: 'timeout', status: null },
    ])
    expect(paymentState()).toBe('unconfirmed')
    // The one at once, and those seven.
    expect(fetch).toHaveBeenCalledTimes(8)
  })

  test('the default wait is 60 s', async () => {
    serverAnswers(NOT_YET)
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(59_000)
    expect(paymentState()).toBe('pending')
    await vi.advanceTimersByTimeAsync(1_000)
    expect(paymentState()).toBe('unconfirmed')
  })

  test('a network error and a 5xx keep it waiting; then paid', async () => {
    const fetch = serverAnswers(new TypeError('Failed to fetch'), { status: 503, body: 'busy' }, NOT_YET, PAID)
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(1000 + 1500 + 2250)
    expect(fetch).toHaveBeenCalledTimes(4)
    expect(detailsOf('moonclerk:error')).toStrictEqual([])
    expect(paymentState()).toBe('paid')
  })

  test('a request that never answers is given up after 10 s, and asked again', async () => {
    const fetch = vi.fn(
      (_url: string, init?: RequestInit) =>
        new Promise<Response>((_, reject) =>
          init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    )
    vi.stubGlobal('fetch', fetch)
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fetch.mock.calls[0][1]!.signal!.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(1000)
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(paymentState()).toBe('pending')
  })

  test.each([403, 400, 404])(
    'a %i stops at once: moonclerk:error names the status, then moonclerk:unconfirmed',
    async (status) => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {})
      const fetch = serverAnswers({ status, body: { paid: false, error: 'not yours to ask' } })
      successPage()
      handleReturn()
      await vi.advanceTimersByTimeAsync(0)
      expect(detailsOf('moonclerk:error')).toStrictEqual([
        {
          token: '',
          reason: 'confirm-failed',
          message: `confirmUrl: ${location.origin}${ENDPOINT} answered ${status}`,
        },
      ])
      expect(detailsOf('moonclerk:unconfirmed')).toStrictEqual([{ customId: 'sealed.cid-1', reason: 'error', status }])
      expect(error).toHaveBeenCalledTimes(1)
      expect(paymentState()).toBe('unconfirmed')
      // A page script that subscribes late still hears it.
      const late = vi.fn()
      onError(late)
      await vi.advanceTimersByTimeAsync(0)
      expect(late).toHaveBeenCalledWith(expect.objectContaining({ reason: 'confirm-failed' }))
      await vi.advanceTimersByTimeAsync(60_000)
      expect(fetch).toHaveBeenCalledTimes(1)
    },
  )

  test.each([
    ['an HTML page', '<!doctype html><p>Not found</p>'],
    ['JSON without paid', '{"ok":true}'],
  ])('a 200 that is not the status endpoint answer (%s) stops with an error', async (_, body) => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    serverAnswers({ body })
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(0)
    expect(detailsOf<{ message: string }>('moonclerk:error')[0].message).toMatch(
      /answered without \{"paid": true\|false\}: is it the status endpoint\?/,
    )
    expect(paymentState()).toBe('unconfirmed')
  })

  test('a kind the server does not name is null; the rest of its answer rides along', async () => {
    serverAnswers({ body: { paid: true, plan: 'gold' } })
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(0)
    expect(detailsOf('moonclerk:paid')).toStrictEqual([
      { customId: 'sealed.cid-1', kind: null, answer: { paid: true, plan: 'gold' } },
    ])
  })

  test('no cid to ask about: unconfirmed at once, nothing asked', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const fetch = serverAnswers(PAID)
    successPage(undefined, null)
    handleReturn()
    expect(fetch).not.toHaveBeenCalled()
    expect(detailsOf('moonclerk:return')).toMatchObject([{ customId: null }])
    expect(detailsOf('moonclerk:unconfirmed')).toStrictEqual([{ customId: null, reason: 'no-cid', status: null }])
  })

  test('while the page is hidden it does not ask; shown again, it asks at once, and hidden time does not count', async () => {
    const visibility = vi.spyOn(Document.prototype, 'visibilityState', 'get').mockReturnValue('visible')
    const fetch = serverAnswers(NOT_YET)
    successPage(`data-moonclerk-confirm-url="${ENDPOINT}" data-moonclerk-confirm-within="3000"`)
    handleReturn()
    await vi.advanceTimersByTimeAsync(0)
    visibility.mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(120_000)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(paymentState()).toBe('pending')
    visibility.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(0)
    expect(paymentState()).toBe('pending')
  })

  test('an answer that arrives while the page is hidden schedules nothing until the page shows again', async () => {
    const visibility = vi.spyOn(Document.prototype, 'visibilityState', 'get').mockReturnValue('visible')
    let answer: (response: Response) => void = () => {}
    const fetch = vi.fn(() => new Promise<Response>((resolve) => (answer = resolve)))
    vi.stubGlobal('fetch', fetch)
    successPage()
    handleReturn()
    visibility.mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    answer(new Response('{"paid":false}'))
    await vi.advanceTimersByTimeAsync(120_000)
    expect(fetch).toHaveBeenCalledTimes(1)
    visibility.mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  test('a second handleReturn() stops the first asking', async () => {
    const fetch = serverAnswers(NOT_YET)
    successPage()
    handleReturn()
    handleReturn()
    await vi.advanceTimersByTimeAsync(1000)
    // One at once from each, then one more: the second's.
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  test('onPaid hears a confirmation that came before it subscribed, once', async () => {
    serverAnswers(PAID)
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(0)
    const late = vi.fn()
    const unsubscribe = onPaid(late)
    await vi.advanceTimersByTimeAsync(0)
    expect(late).toHaveBeenCalledTimes(1)
    expect(late).toHaveBeenCalledWith({ customId: 'sealed.cid-1', kind: 'payment', answer: PAID.body })
    unsubscribe()
  })

  describe('where it may ask', () => {
    const refused = async () => {
      await vi.advanceTimersByTimeAsync(0)
      return detailsOf<{ message: string }>('moonclerk:error').map((d) => d.message)
    }
    beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}))

    test('markup may name only this site: an injected element cannot send the cid elsewhere', async () => {
      const fetch = serverAnswers(PAID)
      successPage('data-moonclerk-confirm-url="https://collector.example/c"')
      handleReturn()
      expect(await refused()).toStrictEqual([expect.stringMatching(/confirmUrl: .*a URL of this site/)])
      expect(fetch).not.toHaveBeenCalled()
    })

    test('JavaScript and the global config may name another https: origin', async () => {
      const fetch = serverAnswers(PAID)
      successPage('')
      handleReturn({ confirmUrl: 'https://api.shop.example/moonclerk' })
      await vi.advanceTimersByTimeAsync(0)
      expect(fetch.mock.calls[0][0]).toBe('https://api.shop.example/moonclerk?cid=sealed.cid-1')
      expect(paymentState()).toBe('paid')
    })

    test('but not a plain http: one', async () => {
      const fetch = serverAnswers(PAID)
      window.MoonClerkCheckoutConfig = { confirmUrl: 'http://api.shop.example/moonclerk' }
      successPage('')
      handleReturn()
      expect(await refused()).toStrictEqual([expect.stringMatching(/an https: URL/)])
      expect(fetch).not.toHaveBeenCalled()
    })

    test('a confirmWithinMs that is no positive integer is an error that names it', async () => {
      successPage(`data-moonclerk-confirm-url="${ENDPOINT}" data-moonclerk-confirm-within="soon"`)
      serverAnswers(PAID)
      handleReturn()
      expect(await refused()).toStrictEqual([expect.stringMatching(/data-moonclerk-confirm-within.*positive integer/)])
    })
  })

  test('a page that shows its own checkout before it has parsed still reports the cid sent before it', () => {
    sentEarlier('paid-cid')
    // The success page's own upsell checkout, mounted while the page parses.
    rememberSentCid('upsell-cid')
    expect(handleReturn({ expect: true })).toMatchObject({ customId: 'paid-cid', source: 'memory', cidMatches: true })
  })

  test("asks this site's URLs in same-origin mode, so a redirect elsewhere fails instead of carrying the cid", async () => {
    const fetch = serverAnswers(PAID)
    successPage()
    handleReturn()
    expect(fetch.mock.calls[0][1]).toMatchObject({ mode: 'same-origin' })
  })

  test('an injected <base href> does not move a relative confirmUrl to another site', async () => {
    const fetch = serverAnswers(PAID)
    window.MoonClerkCheckoutConfig = { confirmUrl: ENDPOINT }
    successPage('')
    const base = document.head.appendChild(document.createElement('base'))
    base.href = 'https://collector.example/'
    try {
      handleReturn()
      expect(fetch.mock.calls[0][0]).toBe(`${location.origin}${ENDPOINT}?cid=sealed.cid-1`)
    } finally {
      base.remove()
    }
  })

  test("the site's own settings win over a declaring element's, which markup may have injected", async () => {
    const fetch = serverAnswers(NOT_YET)
    window.MoonClerkCheckoutConfig = { confirmUrl: ENDPOINT, confirmWithinMs: 3000 }
    successPage('data-moonclerk-confirm-url="/account/delete" data-moonclerk-confirm-within="1"')
    handleReturn()
    expect(fetch.mock.calls[0][0]).toBe(`${location.origin}${ENDPOINT}?cid=sealed.cid-1`)
    await vi.advanceTimersByTimeAsync(2000)
    expect(paymentState()).toBe('pending')
    await vi.advanceTimersByTimeAsync(1000)
    expect(paymentState()).toBe('unconfirmed')
  })

  test('a page that does not expect a return, or a cid this tab did not send while it sent others, is not confirmed', () => {
    const fetch = serverAnswers(PAID)
    vi.useFakeTimers()
    window.MoonClerkCheckoutConfig = { confirmUrl: ENDPOINT }
    history.replaceState(null, '', '/blog/post?custom_id=someone-else')
    expect(handleReturn()).toMatchObject({ customId: 'someone-else', cidMatches: null })
    sentEarlier('mine')
    document.body.innerHTML = '<main data-moonclerk-return></main>'
    expect(handleReturn()).toMatchObject({ customId: 'someone-else', cidMatches: false })
    expect(fetch).not.toHaveBeenCalled()
    expect(paymentState()).toBeNull()
  })

  test('only visible time counts, requests included: hidden twice for minutes, it still asks for the whole wait', async () => {
    const visibility = vi.spyOn(Document.prototype, 'visibilityState', 'get').mockReturnValue('visible')
    const fetch = serverAnswers(NOT_YET)
    successPage(`data-moonclerk-confirm-url="${ENDPOINT}" data-moonclerk-confirm-within="4000"`)
    handleReturn()
    const toggle = (state: DocumentVisibilityState) => (
      visibility.mockReturnValue(state),
      document.dispatchEvent(new Event('visibilitychange'))
    )
    await vi.advanceTimersByTimeAsync(100)
    toggle('hidden')
    await vi.advanceTimersByTimeAsync(300_000)
    toggle('visible')
    await vi.advanceTimersByTimeAsync(1500)
    toggle('hidden')
    await vi.advanceTimersByTimeAsync(300_000)
    toggle('visible')
    // 1.6 s of 4 s visible so far.
    await vi.advanceTimersByTimeAsync(2000)
    expect(paymentState()).toBe('pending')
    await vi.advanceTimersByTimeAsync(500)
    expect(paymentState()).toBe('unconfirmed')
    expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(4)
  })

  test('a single-page app leaving the success route stops the asking and clears its state; onPaid does not replay the old route', async () => {
    const fetch = serverAnswers(NOT_YET)
    successPage()
    handleReturn()
    expect(paymentState()).toBe('pending')
    const firstSignal = fetch.mock.calls[0][1]!.signal!
    document.body.innerHTML = ''
    expect(handleReturn()).toBeNull()
    expect(firstSignal.aborted).toBe(true)
    expect(paymentState()).toBeNull()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(detailsOf('moonclerk:unconfirmed')).toStrictEqual([])
  })

  test('after a paid route, a new return does not replay its onPaid', async () => {
    serverAnswers(PAID)
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(0)
    serverAnswers(NOT_YET)
    handleReturn()
    expect(paymentState()).toBe('pending')
    const late = vi.fn()
    onPaid(late)
    await vi.advanceTimersByTimeAsync(0)
    expect(late).not.toHaveBeenCalled()
  })

  test('onUnconfirmed hears an end that came before it subscribed (no cid, at start-up)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    successPage(undefined, null)
    handleReturn()
    const late = vi.fn()
    onUnconfirmed(late)
    await Promise.resolve()
    expect(late).toHaveBeenCalledWith({ customId: null, reason: 'no-cid', status: null })
  })

  test('a browser without fetch(): confirm-failed, not a silent wait', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.stubGlobal('fetch', undefined)
    successPage()
    handleReturn()
    expect(detailsOf<{ message: string }>('moonclerk:error')[0].message).toMatch(/no fetch/)
    expect(paymentState()).toBe('unconfirmed')
  })

  test('a page without confirmUrl asks nothing and sets no state', () => {
    const fetch = serverAnswers(PAID)
    successPage('')
    expect(handleReturn()).toMatchObject({ source: 'memory' })
    expect(fetch).not.toHaveBeenCalled()
    expect(paymentState()).toBeNull()
  })

  test('the return comes first, then the confirmation', async () => {
    serverAnswers(PAID)
    successPage()
    handleReturn()
    await vi.advanceTimersByTimeAsync(0)
    expect(heard.map(([type]) => type)).toStrictEqual(['moonclerk:return', 'moonclerk:paid'])
    expect((heard[0][1] as ReturnDetail).customId).toBe((heard[1][1] as PaidDetail).customId)
  })
})
