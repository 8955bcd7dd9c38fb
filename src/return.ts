import { merge, pageOptions, type ReturnOptions } from './config.js'
import { dispatch, LOG_PREFIX, type ReturnDetail, type ReturnValues } from './events.js'

/** Names of the redirect URL's parameters, by what they carry. */
export type ReturnParams = Partial<Record<keyof ReturnValues, string>>

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

/**
 * `url` with each parameter of its query, then of its fragment's query (`#/thanks?custom_id=1`
 * or `#custom_id=1`, which some hosts use; a plain anchor like `#pricing` is not one), kept only
 * when `keep(name, value)` is true. The kept ones stay byte for byte as they were.
 */
function filterQueries(url: string, keep: (name: string, value: string) => boolean): string {
  // [^] rather than `.`: a line break in the fragment is still part of it.
  const [, path, query, hash] = /^([^?#]*)(?:\?([^#]*))?(?:#([^]*))?$/.exec(url)!
  const filter = (part: string) =>
    part
      .split('&')
      .filter((pair) => {
        const at = pair.indexOf('=') + 1 || pair.length + 1
        return !pair || keep(decode(pair.slice(0, at - 1)), decode(pair.slice(at)))
      })
      .join('&')
  let result = path
  const kept = query == null ? '' : filter(query)
  if (kept) result += '?' + kept
  if (hash != null) {
    const at = hash.indexOf('?') + 1
    const keptInHash = at || hash.indexOf('=') >= 0 ? filter(hash.slice(at)) : hash
    const fragment = at ? hash.slice(0, keptInHash ? at : at - 1) + keptInHash : keptInHash
    if (fragment) result += '#' + fragment
  }
  return result
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
    const value = found.has(name) ? found.get(name)! : null
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

const sameOriginParent = (): Document | null => {
  try {
    return parent != window ? parent.document : null
  } catch {
    return null
  }
}

/** The outermost window up the chain of frames that this page may reach (same origin): often `top`, itself when not framed. */
function outermostSameOrigin(): Window {
  let outer: Window = window
  try {
    // Reading a cross-origin parent's document throws: the chain we may navigate ends there.
    while (outer.parent != outer && outer.parent.document) outer = outer.parent
  } catch {
    // `outer` is as far as same-origin allows.
  }
  return outer
}

/** Reads the return from the address bar and settles `cidMatches` and `repeated`; dispatches nothing. */
export function detectReturn(options: ReturnOptions & { url?: string }): ReturnDetail | null {
  const { values, unfilled } = parse(options.url || location.href, options.returnParams)
  if (unfilled.length)
    console.warn(`${LOG_PREFIX}no value for ${unfilled.join(', ')} in the return URL: no cid went into the checkout, or a placeholder is misspelled`)
  if (!values) return null
  // Paid inside the embedded frame: the success page belongs in the merchant's whole window (that
  // page, not this frame, reports it), as far up as same-origin allows; a cross-origin `top` that
  // frames the merchant's page cannot be navigated. Not framed by our own site: reported here.
  const outer = options.breakOutOfFrame && outermostSameOrigin()
  if (outer && outer != window) {
    outer.location.href = new URL(options.url || '', location.href).href
    return null
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
  const parentDocument = sameOriginParent()
  if (parentDocument) dispatch(parentDocument, 'moonclerk:return', detail)
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
  document.addEventListener('moonclerk:return', heard)
  let missed = announced
  if (missed) Promise.resolve().then(() => missed && listener(missed))
  return () => {
    missed = null
    document.removeEventListener('moonclerk:return', heard)
  }
}
