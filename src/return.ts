import { merge, pageOptions } from './config.js'
import { listenOn, stopListening } from './dom.js'
import { dispatch, LOG_PREFIX } from './events.js'
import type { ReturnDetail, ReturnOptions, ReturnParams, ReturnValues } from './types.js'


// What MoonClerk's documentation suggests; merchants may name them anything (`returnParams`).
const DEFAULT_PARAMS: Record<keyof ReturnValues, string> = {
  customId: 'custom_id',
  checkoutToken: 'checkout_token',
  paymentId: 'payment_id',
  customerId: 'customer_id',
}

// A value that cannot be percent-decoded is kept as it came, rather than lost or thrown.
const decode = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

// `?query#fragment`, each part without its mark; [^] rather than `.`: a line break is still part of them.
const URL_PARTS = /^([^?#]*)(?:\?([^#]*))?(?:#([^]*))?$/
// A fragment's query follows its first `?`: `#/thanks?custom_id=1`.
const FRAGMENT_QUERY = /^(?:([^?]*)\?)?([^]*)$/
// `name=value`, or a bare `name` with an empty value.
const PAIR = /^([^=]*)=?([^]*)$/

/** `text` after its mark (`?`, `#`), or nothing when empty. */
const part = (mark: string, text: string) => (text ? mark + text : '')

/**
 * `url` with each parameter of its query, then of its fragment's query (`#/thanks?custom_id=1`
 * or `#custom_id=1`, which some hosts use; a plain anchor like `#pricing` is not one), kept only
 * when `keep(name, value)` is true. The kept ones stay byte for byte as they were.
 */
function filterQueries(url: string, keep: (name: string, value: string) => boolean): string {
  const filter = (query: string) =>
    query
      .split('&')
      .filter((pair) => {
        const [, name, value] = PAIR.exec(pair)!
        return !pair || keep(decode(name), decode(value))
      })
      .join('&')
  const [, path, query = '', hash = ''] = URL_PARTS.exec(url)!
  // In this order: the query's parameters come before the fragment's.
  const result = path + part('?', filter(query))
  const [, anchor, hashQuery] = FRAGMENT_QUERY.exec(hash)!
  return result + part('#', anchor != null ? anchor + part('?', filter(hashQuery)) : hash.includes('=') ? filter(hash) : hash)
}

/** Unfilled placeholders (`{{custom_id}}`) and empty values count as absent. */
const UNFILLED = /^\s*(\{\{.*\}\})?\s*$/

function parse(url: string, names?: ReturnParams): { values: ReturnValues | null; unfilled: string[] } {
  const found = new Map<string, string>()
  // The first value of a repeated parameter wins; the query comes before the fragment.
  filterQueries(url, (name, value) => !found.has(name) && !!found.set(name, value))
  const values = {} as ReturnValues
  const unfilled: string[] = []
  let any = false
  for (const [key, name] of Object.entries({ ...DEFAULT_PARAMS, ...names }) as Array<[keyof ReturnValues, string]>) {
    const value = found.get(name)
    const absent = value == null || UNFILLED.test(value)
    if (!absent) any = true
    // MoonClerk no longer fills {{payment_id}} and {{customer_id}}: their absence is no one's mistake.
    else if (value != null && (key == 'customId' || key == 'checkoutToken')) unfilled.push(name)
    values[key] = absent ? null : value
  }
  return { values: any ? values : null, unfilled }
}

/**
 * Pure: what the form's redirect URL brought back, or `null` when it brought nothing. Reads the
 * query and a query in the fragment; the first of repeated parameters wins.
 */
export const readReturn = (url: string = location.href, names?: ReturnParams): ReturnValues | null => parse(url, names).values

// Per-tab memory: the cids this tab sent into checkouts, and the returns it has reported.
const STORAGE_PREFIX = 'moonclerk-checkout:'

function remembered(list: string): string[] {
  // Storage can throw (privacy modes, sandboxed frames) or hold junk: both mean "nothing remembered".
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_PREFIX + list)!)
    return Array.isArray(value) ? value : []
  } catch {
    return []
  }
}

function remember(list: string, value: string): void {
  const values = remembered(list)
  // Ten checkouts with one cid write once, not ten times.
  if (values[values.length - 1] == value) return
  try {
    // The latest 20 are plenty for one tab, and keep the entry small however often a SPA remounts.
    sessionStorage.setItem(STORAGE_PREFIX + list, JSON.stringify([...values.filter((v) => v != value), value].slice(-20)))
  } catch {
    // Full or forbidden: cidMatches falls back to null, never to an error.
  }
}

export const recordCid = (cid: string): void => remember('cids', cid)

/** The window framing `child` when this page may reach it (same origin), else `null`. */
function sameOriginParent(child: Window): Window | null {
  try {
    // Reading a cross-origin parent's document throws.
    return child.parent != child && child.parent.document ? child.parent : null
  } catch {
    return null
  }
}

/** Reads the return from the address bar and settles `cidMatches` and `repeated`; dispatches nothing. */
export function detectReturn(options: ReturnOptions & { url?: string }): ReturnDetail | null {
  const { values, unfilled } = parse(options.url || location.href, options.returnParams)
  if (unfilled.length)
    console.warn(`${LOG_PREFIX}no value for ${unfilled.join(', ')} in the return URL: no cid went into the checkout, or a placeholder is misspelled`)
  if (!values) return null
  // Paid inside the embedded frame: the success page belongs in the merchant's whole window, the
  // outermost one this page may reach (often `top`; a cross-origin `top` that frames the merchant's
  // page cannot be navigated). That page, not this frame, reports it. Not framed by our own site:
  // reported here.
  let outer: Window = window
  let up: Window | null
  while (options.breakOutOfFrame && (up = sameOriginParent(outer))) outer = up
  if (outer != window)
    try {
      // Only to this site's own pages: a url from elsewhere (`javascript:`, another site) is
      // reported here, and so is one that a framer's sandbox forbids navigating to (it throws).
      const target = new URL(options.url || '', location.href)
      if (target.origin == location.origin) {
        outer.location.href = target.href
        return null
      }
    } catch {
      // Reported below.
    }
  const sent = remembered('cids')
  const key = values.checkoutToken || JSON.stringify(values)
  const repeated = remembered('returns').includes(key)
  remember('returns', key)
  // Nothing to compare unless this tab sent a cid and one came back.
  return { ...values, cidMatches: sent.length && values.customId ? sent.includes(values.customId) : null, repeated }
}

let announced: ReturnDetail | null = null

/** Dispatches `moonclerk:return` (in the parent page too, when paid inside its frame), then cleans the URL if asked. */
export function announceReturn(detail: ReturnDetail, options: ReturnOptions): void {
  announced = detail
  dispatch(document, 'moonclerk:return', detail)
  const framing = sameOriginParent(window)
  if (framing) dispatch(framing.document, 'moonclerk:return', detail)
  if (options.cleanReturnUrl) {
    const names = Object.values({ ...DEFAULT_PARAMS, ...options.returnParams })
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
  const detail = detectReturn(merged)
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
  let missed = announced
  if (missed) Promise.resolve().then(() => missed && listener(missed))
  return () => {
    missed = null
    stopListening(document, 'moonclerk:return', heard as EventListener)
  }
}
