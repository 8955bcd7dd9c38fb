// Pure functions around the value plan (values.ts): the public buildOpts() and checkoutUrl(), the
// settings that decide how a checkout loads MoonClerk, a cid function's value, URLs.
import { fromDocument } from './dom.js'
import { checkoutError } from './events.js'
import { DEFAULTS, type OptionKey } from './schema.js'
import type { ResolvedOptions } from './config.js'
import { isSecure } from './secure.js'
import type { CheckoutUrlOptions, CidSource, CidValue, LoadMode, MoonclerkOpts, OptsInput } from './types.js'
import { checked, checkToken, invalid, planValues, positiveInteger } from './values.js'

/** How a checkout loads MoonClerk. */
export interface LoadSettings {
  embedUrl: URL
  timeoutMs: number
  load: LoadMode
}

/** The options that decide how a checkout loads MoonClerk, checked before anything is requested. */
export const loadSettings = (o: ResolvedOptions): LoadSettings => ({
  embedUrl: secureUrl('embedSrc', o.embedSrc),
  timeoutMs: positiveInteger('timeoutMs', o.timeoutMs),
  load: checked('load', o.load) as LoadMode,
})

/** The custom id, called for when it is a function (a hashed id from the site's server, say). */
export async function resolveCid(cid: CidSource | undefined): Promise<CidValue | undefined> {
  if (typeof cid != 'function') return cid
  let value: CidValue
  try {
    value = await cid()
  } catch (error) {
    throw checkoutError('cid-unavailable', 'the cid function failed: ' + error)
  }
  // Going on without the id would lose the very payment it is meant to track.
  if (value == null || !String(value).trim())
    throw checkoutError('cid-unavailable', 'the cid function returned ' + JSON.stringify(value))
  return value
}

/** Pure: the stock snippet's `opts`, values unencoded as MoonClerk wants them; `invalid-config` for any it refuses. */
export const buildOpts = (input: OptsInput): MoonclerkOpts => planValues(input, { strict: true }).opts!

/**
 * `value` resolved against the page, when it is an `https:` URL (`http:` only for this machine's
 * own host, for development); anything else is `invalid-config`, before any request is made.
 */
export function secureUrl(key: OptionKey, value: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value, typeof document == 'object' ? fromDocument('baseURI') : undefined)
  } catch {
    // Reported below, as any other unusable URL.
  }
  return url && isSecure(url) ? url : invalid(key, value, 'an https: URL (http: only for localhost)')
}

/**
 * `href` with these query parameters set (URL-encoded), and these fields' (repeated where a
 * checkbox field has several values), keeping its other parameters. `href` is absolute: a link's
 * resolved `href`, or a pay URL that `secureUrl()` resolved.
 */
export function withParams(
  href: string,
  params: Record<string, string | number | undefined>,
  fields: Array<[string, string]> = [],
): string {
  const url = new URL(href)
  const query = url.searchParams
  for (const [key, value] of Object.entries(params)) if (value != null) query.set(key, String(value))
  // Set afresh: decorating a link twice must not repeat its fields.
  for (const [name] of fields) query.delete(name)
  for (const [name, value] of fields) query.append(name, value)
  return url.href
}

/** Pure: the hosted checkout's URL (MoonClerk's "linked checkout"), every value URL-encoded. */
export function checkoutUrl(token: string, options: CheckoutUrlOptions = {}): string {
  const { link, fields } = planValues(options, { strict: true, embed: false })
  return withParams(secureUrl('payUrl', (options.payUrl || DEFAULTS.payUrl) + checkToken(token)).href, link, fields)
}
