// Coming back through the form's redirect URL: the effects (the tab's memory, breaking out of the
// embedded frame, the event, the cleaned address). Reading the URL is pure, in return-url.ts.
import { merge, pageOptions, readAttributes, type ResolvedOptions } from './config.js'
import { confirmPayment } from './confirm.js'
import { attributeOf, fromDocument, queryAll } from './dom.js'
import { dispatch, listenSticky, LOG_PREFIX } from './events.js'
import { lastSentCid, rememberReturn } from './memory.js'
import { page } from './page.js'
import { filterQueries, parseReturn, returnParamNames } from './return-url.js'
import { DEFAULTS } from './schema.js'
import type { PaidDetail, ReturnDetail, ReturnOptions, UnconfirmedDetail } from './types.js'

/** handleReturn()'s options: `url` to read instead of the address bar; `expect`, short for `expectReturn`. */
export type HandleReturnOptions = ReturnOptions & { url?: string; expect?: boolean }

/** The window framing `child` when this page may reach it (same origin), else `null`. */
function sameOriginParent(child: Window): Window | null {
  try {
    // Reading a cross-origin parent's document throws.
    return child.parent != child && child.parent.document ? child.parent : null
  } catch {
    return null
  }
}

/**
 * Paid inside the embedded frame: the success page belongs in the merchant's whole window, the
 * outermost one this page may reach (often `top`; a cross-origin `top` that frames the merchant's
 * page cannot be navigated). Moves that window to `url` and says whether it did.
 */
function breakOut(url = ''): boolean {
  let outer: Window = window
  let up: Window | null
  while ((up = sameOriginParent(outer))) outer = up
  if (outer == window) return false
  try {
    // Only to this site's own pages: a url from elsewhere (`javascript:`, another site) is
    // reported here, and so is one that a framer's sandbox forbids navigating to (it throws).
    const target = new URL(url, location.href)
    if (target.origin != location.origin) return false
    outer.location.href = target.href
    return true
  } catch {
    return false
  }
}

/**
 * The return in the address bar (or `options.url`), if any. Warns about unfilled placeholders;
 * with `breakOutOfFrame` in a frame, moves the outer window to the success page, which reports it
 * (`null` here); else writes the return into the tab's memory, which settles `cidMatches` and
 * `repeated`. Dispatches nothing.
 */
export function takeReturn(options: ReturnOptions & { url?: string }): ReturnDetail | null {
  const { values, unfilled } = parseReturn(options.url || location.href, options.returnParams)
  if (unfilled.length)
    console.warn(
      `${LOG_PREFIX}no value for ${unfilled.join(', ')} in the return URL: ` +
        'no cid went into the checkout, or a placeholder is misspelled',
    )
  return values && !(options.breakOutOfFrame && breakOut(options.url)) ? rememberReturn(values) : null
}

/** Dispatches `moonclerk:return` (in the parent page too, when paid inside its frame), then cleans the URL if asked. */
function announceReturn(detail: ReturnDetail, options: ReturnOptions): void {
  page.announced = detail
  dispatch(document, 'moonclerk:return', detail)
  const framing = sameOriginParent(window)
  if (framing) dispatch(framing.document, 'moonclerk:return', detail)
  if (options.cleanReturnUrl) {
    const names = returnParamNames(options.returnParams)
    const clean = filterQueries(location.href, (name) => !names.includes(name))
    // So that a shared or bookmarked address does not carry the return along.
    if (clean != location.href) history.replaceState(history.state, '', clean)
  }
}

const RETURN_ATTRIBUTE = 'data-moonclerk-return'

/**
 * The page's return settings, and the elements that show the payment's state. A page whose authors
 * write no script declares itself the success page with `data-moonclerk-return` on any element,
 * which may also carry `data-moonclerk-confirm-url` (this site's URLs only) and
 * `data-moonclerk-confirm-within`: used where the site's own settings (script tag, global config,
 * JavaScript) leave them unset, since markup may have been injected.
 */
function successPage(options: HandleReturnOptions = {}) {
  const declaring = queryAll(document, `[${RETURN_ATTRIBUTE}]`).filter(
    // Our script tag's attribute is among the page's options; another script's is no one's.
    (element) => !(element instanceof HTMLScriptElement) && attributeOf(element, RETURN_ATTRIBUTE) != 'false',
  )
  const fromElement: ReturnOptions = declaring.length
    ? readAttributes(declaring[0], ['confirmUrl', 'confirmWithinMs'])
    : {}
  const merged: ResolvedOptions & HandleReturnOptions = merge(pageOptions(), options)
  const fromMarkup = merged.confirmUrl == null && fromElement.confirmUrl != null
  if (fromMarkup) merged.confirmUrl = fromElement.confirmUrl
  if (merged.confirmWithinMs == DEFAULTS.confirmWithinMs && fromElement.confirmWithinMs != null)
    merged.confirmWithinMs = fromElement.confirmWithinMs
  merged.expectReturn = !!(merged.expectReturn || options.expect || declaring.length)
  // <html> as well, so a page's CSS can follow the state wherever the page was declared.
  return { options: merged, fromMarkup, marks: [fromDocument('documentElement'), ...declaring] }
}

/**
 * On a page that expects a return and found nothing in its URL (a form that redirects to a plain
 * `/thanks`, or MoonClerk leaving its placeholders unfilled): the cid this tab last sent into a
 * checkout. `null` when broken out of the frame, as takeReturn().
 */
function returnFromMemory(options: ReturnOptions): ReturnDetail | null {
  if (options.breakOutOfFrame && breakOut(location.href)) return null
  const customId = lastSentCid()
  if (!customId)
    console.warn(
      LOG_PREFIX +
        'this success page got no values in its address, and this tab sent no cid into a checkout ' +
        '(paid in another tab, on another device?): customId is null',
    )
  return rememberReturn({ customId, checkoutToken: null, paymentId: null, customerId: null }, 'memory')
}

/**
 * Reports `returned` (from the URL), or on a page that expects one the tab's memory; then, with a
 * `confirmUrl`, asks it whether the payment landed. Returns what it reported.
 */
export function reportReturn(returned: ReturnDetail | null, options?: HandleReturnOptions): ReturnDetail | null {
  // A single-page app's next route: what the last one confirmed is not this one's.
  page.stopConfirming()
  page.paid = page.unconfirmed = null
  const { options: settings, fromMarkup, marks } = successPage(options)
  const detail = returned || (settings.expectReturn ? returnFromMemory(settings) : null)
  if (!detail) return null
  announceReturn(detail, settings)
  // Only where the page expects a return, and not for a cid this tab did not send while it sent
  // others: a link to any page with someone else's `?custom_id=` must not show "paid" there.
  if (settings.confirmUrl && settings.expectReturn && detail.cidMatches !== false)
    confirmPayment(detail.customId, { ...settings, confirmUrl: settings.confirmUrl, fromMarkup }, marks)
  return detail
}

/**
 * For single-page apps that route on the client: reads the current address for a return (or, with
 * `expect`, takes the tab's memory) and reports it, as start-up does by itself.
 */
export function handleReturn(options?: HandleReturnOptions): ReturnDetail | null {
  if (typeof document == 'undefined') return null
  return reportReturn(takeReturn(merge(pageOptions(), options)), options)
}

/**
 * Calls `listener` with every `moonclerk:return`, including one dispatched before it was added
 * (asynchronously, once). Returns the function that unsubscribes it.
 */
export const onReturn = (listener: (detail: ReturnDetail) => void): (() => void) =>
  listenSticky('moonclerk:return', [page.announced], listener)

/** Calls `listener` once the success page's payment is confirmed, also if it was before; returns the unsubscribe. */
export const onPaid = (listener: (detail: PaidDetail) => void): (() => void) =>
  listenSticky('moonclerk:paid', [page.paid], listener)

/** The same for `moonclerk:unconfirmed`: the success page stopped asking without a payment. */
export const onUnconfirmed = (listener: (detail: UnconfirmedDetail) => void): (() => void) =>
  listenSticky('moonclerk:unconfirmed', [page.unconfirmed], listener)
