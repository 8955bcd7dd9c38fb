// Coming back through the form's redirect URL: the effects (the tab's memory, breaking out of the
// embedded frame, the event, the cleaned address). Reading the URL is pure, in return-url.ts.
import { merge, pageOptions } from './config.js'
import { listenOn, stopListening } from './dom.js'
import { dispatch, LOG_PREFIX } from './events.js'
import { rememberReturn } from './memory.js'
import { page } from './page.js'
import { filterQueries, parseReturn, returnParamNames } from './return-url.js'
import type { ReturnDetail, ReturnOptions } from './types.js'

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
    console.warn(`${LOG_PREFIX}no value for ${unfilled.join(', ')} in the return URL: no cid went into the checkout, or a placeholder is misspelled`)
  return values && !(options.breakOutOfFrame && breakOut(options.url)) ? rememberReturn(values) : null
}

/** Dispatches `moonclerk:return` (in the parent page too, when paid inside its frame), then cleans the URL if asked. */
export function announceReturn(detail: ReturnDetail, options: ReturnOptions): void {
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

/**
 * For single-page apps that route on the client: reads the current address for a return and,
 * when there is one, dispatches `moonclerk:return`. Start-up does this by itself.
 */
export function handleReturn(options?: ReturnOptions & { url?: string }): ReturnDetail | null {
  if (typeof document == 'undefined') return null
  const merged = merge(pageOptions(), options)
  const detail = takeReturn(merged)
  if (detail) announceReturn(detail, merged)
  return detail
}

/**
 * Calls `listener` with every `moonclerk:return`, including one dispatched before it was added
 * (asynchronously, once). Returns the function that unsubscribes it.
 */
export function onReturn(listener: (detail: ReturnDetail) => void): () => void {
  if (typeof document == 'undefined') return () => {}
  const heard = (event: CustomEvent<ReturnDetail>) => listener(event.detail)
  listenOn(document, 'moonclerk:return', heard as EventListener)
  let missed = page.announced
  if (missed) Promise.resolve().then(() => missed && listener(missed))
  return () => {
    missed = null
    stopListening(document, 'moonclerk:return', heard as EventListener)
  }
}
