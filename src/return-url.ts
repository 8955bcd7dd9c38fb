// The redirect URL, read without side effects: what came back, and the address without it.
import type { ReturnParams, ReturnValues } from './types.js'

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
export function filterQueries(url: string, keep: (name: string, value: string) => boolean): string {
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
  return (
    result +
    part('#', anchor != null ? anchor + part('?', filter(hashQuery)) : hash.includes('=') ? filter(hash) : hash)
  )
}

/**
 * Unfilled placeholders (`{{custom_id}}`) and empty values count as absent. Tested on the trimmed
 * value: `\s*` on both sides of an optional group backtracks quadratically (200,000 spaces, from
 * `+`, kept a tab busy for 17 s).
 */
const UNFILLED = /^(\{\{[^]*\}\})?$/

// The return's values are short (a cid of at most a few hundred characters): reading more of an
// address anyone can craft only costs time. A parameter the cap would cut is left out whole: a
// part of a cid is another cid.
const MAX_URL_LENGTH = 8192
const capped = (url: string) => {
  if (url.length <= MAX_URL_LENGTH) return url
  const head = url.slice(0, MAX_URL_LENGTH + 1)
  // Cut between parameters (`&`) or where the fragment starts: a `?` may sit inside a value.
  const at = Math.max(head.lastIndexOf('&'), head.indexOf('#'))
  return head.slice(0, at > 0 ? at : Math.max(0, head.indexOf('?')))
}

export function parseReturn(url: string, names?: ReturnParams): { values: ReturnValues | null; unfilled: string[] } {
  const found = new Map<string, string>()
  // The first value of a repeated parameter wins; the query comes before the fragment.
  filterQueries(capped(url), (name, value) => !found.has(name) && !!found.set(name, value))
  const values = {} as ReturnValues
  const unfilled: string[] = []
  let any = false
  for (const [key, name] of Object.entries({ ...DEFAULT_PARAMS, ...names }) as Array<[keyof ReturnValues, string]>) {
    const value = found.get(name)
    const absent = value == null || UNFILLED.test(value.trim())
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
export const readReturn = (url: string = location.href, names?: ReturnParams): ReturnValues | null =>
  parseReturn(url, names).values

/** The names of the return's parameters, MoonClerk's unless the page names them. */
export const returnParamNames = (names?: ReturnParams): string[] => Object.values({ ...DEFAULT_PARAMS, ...names })
