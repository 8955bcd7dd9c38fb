// The success page learns whether the payment landed. A return proves nothing (anyone can type
// the address) and MoonClerk's webhook reaches the merchant's server, not the page: so the page
// asks the server's status endpoint (`createWebhookHandler` answers `GET ?cid=`) until it says
// paid, with a pause that grows from 1 s to 5 s, for `confirmWithinMs` of visible time. Public
// integrations poll their own API every 2 s; this asks less once the first seconds have passed.
import { fromDocument, listenOn, removeAttributeOf, setAttributeOn, stopListening } from './dom.js'
import { announceError, dispatch, LOG_PREFIX } from './events.js'
import { secureUrl } from './opts.js'
import { invalid, positiveInteger } from './values.js'
import { page } from './page.js'
import type { CheckoutError, PaymentState, UnconfirmedDetail } from './types.js'

const PAYMENT_ATTRIBUTE = 'data-moonclerk-payment'

const FIRST_PAUSE_MS = 1000
const LAST_PAUSE_MS = 5000
// A request that hangs must not hold the page at "pending" past its time.
const REQUEST_LIMIT_MS = 10000

export interface ConfirmOptions {
  confirmUrl: string
  confirmWithinMs: number | string
  /** The confirm URL came from markup (`data-moonclerk-confirm-url` on any element): this site only. */
  fromMarkup?: boolean
}

/** Where to ask: a URL of this site, or (but from markup) another `https:` one, with the cid. */
function statusUrl(value: string, cid: string, fromMarkup?: boolean): URL {
  let url: URL | null = null
  try {
    // Against the address, not baseURI: an injected `<base href>` must not move the question elsewhere.
    url = new URL(value, location.href)
  } catch {
    // Reported below.
  }
  // Markup injected into a page (a comment, a CMS field) must not send the payer's cid elsewhere.
  if (!url || url.origin != location.origin)
    url = fromMarkup ? invalid('confirmUrl', value, 'a URL of this site') : secureUrl('confirmUrl', value)
  url.searchParams.set('cid', cid)
  return url
}

const hidden = () => fromDocument('visibilityState') == 'hidden'

type Answer = { paid?: unknown; kind?: unknown }
/** How the asking ended: `answer` when paid, else why not (`problem` for an error event). */
type Outcome = { answer?: Answer; reason?: UnconfirmedDetail['reason']; status?: number; problem?: string }

/** One question to the status endpoint: an outcome when it ends the asking, else nothing (ask again). */
async function askOnce(url: URL, signal: AbortSignal): Promise<Outcome | void> {
  let response: Response | null = null
  let answer: Answer | null = null
  try {
    // Same-origin: a redirect elsewhere fails rather than carry the cid along.
    const mode = url.origin == location.origin ? 'same-origin' : 'cors'
    response = await fetch(url.href, { headers: { Accept: 'application/json' }, cache: 'no-store', mode, signal })
    answer = await response.json()
  } catch {
    // The network, a request over its limit (asked again), or no JSON (judged below).
  }
  const status = response ? response.status : 0
  const where = url.origin + url.pathname
  // A 4xx will not change by asking again (a cid the server refuses, a wrong URL), nor will a 200
  // that is not the status endpoint's answer. A 5xx or no answer may.
  if (status >= 400 && status < 500) return { reason: 'error', status, problem: `${where} answered ${status}` }
  if (response?.ok && typeof answer?.paid != 'boolean')
    return {
      reason: 'error',
      status,
      problem: `${where} answered without {"paid": true|false}: is it the status endpoint?`,
    }
  if (answer?.paid) return { answer }
}

/**
 * Asks `url` at once, then after pauses growing from 1 s to 5 s, and once more when `withinMs` of
 * visible time have passed; not while the page is hidden (it asks at once when shown). Calls `end`
 * once. Returns what stops it.
 */
function keepAsking(url: URL, withinMs: number, end: (outcome: Outcome) => void): () => void {
  // Only time the page is visible counts: a payer who switched tabs is not told "unconfirmed" on coming back.
  let [spentMs, pauseMs, stopped] = [0, 0, false]
  let visibleSince: number | null = hidden() ? null : Date.now()
  const elapsed = () => spentMs + (visibleSince == null ? 0 : Date.now() - visibleSince)
  let timer: ReturnType<typeof setTimeout> | undefined
  let asking: AbortController | null = null
  const stop = () => {
    stopped = true
    clearTimeout(timer)
    asking?.abort()
    stopListening(document, 'visibilitychange', onVisibility)
  }
  async function ask() {
    const controller = (asking = new AbortController())
    const limit = setTimeout(() => controller.abort(), REQUEST_LIMIT_MS)
    const outcome = await askOnce(url, controller.signal)
    clearTimeout(limit)
    asking = null
    if (stopped) return
    if (outcome) return (stop(), end(outcome))
    if (hidden()) return
    const leftMs = withinMs - elapsed()
    if (leftMs <= 0) return (stop(), end({ reason: 'timeout' }))
    pauseMs = Math.min(pauseMs ? pauseMs * 1.5 : FIRST_PAUSE_MS, LAST_PAUSE_MS)
    timer = setTimeout(ask, Math.min(pauseMs, leftMs))
  }
  function onVisibility() {
    clearTimeout(timer)
    if (hidden()) {
      if (visibleSince != null) spentMs += Date.now() - visibleSince
      visibleSince = null
    } else if (visibleSince == null) {
      visibleSince = Date.now()
      if (!asking) ask()
    }
  }
  listenOn(document, 'visibilitychange', onVisibility)
  ask()
  return stop
}

/**
 * Asks the status endpoint about `cid` and marks `marks` with the state. Ends with
 * `moonclerk:paid` or `moonclerk:unconfirmed` on `document` (after a `moonclerk:error` when the
 * endpoint refuses or the options are unusable). A later call stops an earlier one and clears its state.
 */
export function confirmPayment(cid: string | null, options: ConfirmOptions, marks: Element[]): void {
  page.stopConfirming()
  const mark = (state: PaymentState) => marks.forEach((element) => setAttributeOn(element, PAYMENT_ATTRIBUTE, state))
  const unmark = () => marks.forEach((element) => removeAttributeOf(element, PAYMENT_ATTRIBUTE))
  const end = ({ answer, reason = 'error', status, problem }: Outcome) => {
    page.stopConfirming = unmark
    if (answer) {
      const { kind } = answer
      mark('paid')
      page.paid = {
        customId: cid!,
        kind: kind === 'payment' || kind === 'plan' ? kind : null,
        answer: answer as Record<string, unknown>,
      }
      return void dispatch(document, 'moonclerk:paid', page.paid)
    }
    if (problem) {
      const message = 'confirmUrl: ' + problem
      console.error(LOG_PREFIX + message)
      announceError(document, { token: '', reason: 'confirm-failed', message })
    }
    mark('unconfirmed')
    page.unconfirmed = { customId: cid, reason, status: status || null }
    dispatch(document, 'moonclerk:unconfirmed', page.unconfirmed)
  }
  try {
    const withinMs = positiveInteger('confirmWithinMs', options.confirmWithinMs)
    if (!cid) return end({ reason: 'no-cid' })
    const url = statusUrl(options.confirmUrl, cid, options.fromMarkup)
    if (typeof fetch != 'function') return end({ problem: 'this browser has no fetch() to ask with' })
    mark('pending')
    const stop = keepAsking(url, withinMs, end)
    page.stopConfirming = () => (stop(), unmark())
  } catch (error) {
    end({ problem: (error as CheckoutError).message })
  }
}
