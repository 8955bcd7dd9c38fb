import { fromDocument } from './dom.js'
import { checkoutError } from './events.js'
import { fieldParams, FIELDS } from './fields.js'
import { attributeName, CHECKS, DEFAULTS, type OptionKey } from './schema.js'
import type { ResolvedOptions } from './config.js'
import { isSecure } from './secure.js'
import type {
  CheckoutUrlOptions,
  CheckoutValues,
  CidSource,
  CidValue,
  LoadMode,
  MoonclerkOpts,
  OptsInput,
} from './types.js'

// MoonClerk's published embed.js concatenates values unencoded into its frame's URL, inside
// markup: `"`, `<` and `>` would end that markup (script in the merchant's page); `&`, `#`, `+`
// and `%` change what MoonClerk receives (and `;`, for servers that split parameters at it too);
// the browser drops or replaces control characters and spaces at either end; and a lone surrogate
// has no UTF-8 (with the `u` flag, `[\ud800-\udfff]` matches only a lone one). Such values never
// reach the embed and are never altered: a cid is refused (a checkout without it would lose the
// payment it tracks), a name, email or field value is left out of the embed. The link to the
// hosted checkout, which encodes them, still carries them.
const UNSAFE_IN_EMBED = /["#%&+;<>\0-\x1f\x7f\ud800-\udfff]|^ | $/u
const EMBEDDABLE = 'free of " # % & + ; < >, control characters and end spaces to be embedded'
const LEFT_OUT_OF_EMBED = ': left out of the embedded checkout, the link carries it'

/** What is wrong with an option's value, naming the option and its data attribute. */
const problem = (key: OptionKey, value: unknown, expected: string) =>
  `${key} (${attributeName(key)}) must be ${expected}, got ${JSON.stringify(value)}`

/** Throws `invalid-config` with this message: what pure functions do with a value they cannot use. */
const refuse = (message: string): never => {
  throw checkoutError('invalid-config', message)
}

/** Throws an `invalid-config` error that names the option and its data attribute. */
export const invalid = (key: OptionKey, value: unknown, expected: string): never =>
  refuse(problem(key, value, expected))

type CheckedKey = keyof typeof CHECKS

/** Whether `value` passes its option's check: its text matches the pattern. */
const passes = (key: CheckedKey, value: unknown) => value != null && CHECKS[key][0].test(String(value))

/** `value` if it passes its option's check, else `invalid-config`. */
const checked = <T>(key: CheckedKey, value: T): T => (passes(key, value) ? value : invalid(key, value, CHECKS[key][1]))

/** A positive integer: a number, or a string of digits from an attribute. */
export const positiveInteger = (key: 'amountCents' | 'timeoutMs' | 'confirmWithinMs', value: number | string): number =>
  Number(checked(key, value))

export const checkToken = (token: string | undefined): string => checked('token', token)!

/** The options that decide how a checkout loads MoonClerk, checked before anything is requested. */
export const resolve = (o: ResolvedOptions) => ({
  embedUrl: secureUrl('embedSrc', o.embedSrc),
  timeoutMs: positiveInteger('timeoutMs', o.timeoutMs),
  load: checked('load', o.load) as LoadMode,
})

// `%40`, `%20`: what encodeURIComponent() makes of `@` and a space.
const PERCENT_ENCODED = /%[\da-f]{2}/i

/**
 * What a server template may render is not always usable: an empty cid (a signed-out visitor), an
 * amount of `10.00`, a width that is no CSS length. Such values are left out, each with a warning
 * through `warn`, and the checkout shows without them. Values that look percent-encoded get a
 * warning too: MoonClerk receives them as given, not decoded.
 */
export function usableValues<T extends Omit<OptsInput, 'cid'> & { cid?: CidSource }>(
  options: T,
  warn: (message: string) => void,
): T {
  const usable = { ...options }
  if (typeof options.cid == 'string' && !options.cid.trim()) {
    warn(`cid (${attributeName('cid')}) is empty: the checkout runs without a custom id`)
    delete usable.cid
  }
  for (const key of ['amountCents', 'width', 'height'] as const)
    if (options[key] != null && !passes(key, options[key])) {
      warn(problem(key, options[key], CHECKS[key][1]) + ': left out')
      delete usable[key]
    }
  for (const key of ['cid', 'name', 'email'] as const) {
    const value = options[key]
    if (typeof value == 'string' && PERCENT_ENCODED.test(value))
      warn(
        `${key} (${attributeName(key)}) ${JSON.stringify(value)} looks percent-encoded: ` +
          'values are not decoded, pass them as they are',
      )
  }
  return usable
}

/**
 * `values` without a name or email that MoonClerk's embed.js would alter, each left out with a
 * warning (the link still carries it).
 */
export function embeddable<T extends Omit<OptsInput, 'cid'>>(values: T, warn: (message: string) => void): T {
  const embeddable = { ...values }
  for (const key of ['name', 'email'] as const)
    if (UNSAFE_IN_EMBED.test(values[key] || '')) {
      warn(problem(key, values[key], EMBEDDABLE) + LEFT_OUT_OF_EMBED)
      delete embeddable[key]
    }
  return embeddable
}

/** Pure: the custom id and prefill values, validated, each only when given, values as given. */
export function checkoutValues({ cid, name, email, amountCents }: OptsInput): CheckoutValues {
  const values: CheckoutValues = {}
  if (cid != null) {
    values.cid =
      typeof cid == 'number' ? (Number.isFinite(cid) ? String(cid) : invalid('cid', cid, 'a finite number')) : cid
    if (!values.cid.trim()) invalid('cid', cid, 'a non-empty string')
  }
  if (name) values.name = name
  if (email) values.email = email
  if (amountCents != null) values.amount_cents = positiveInteger('amountCents', amountCents)
  return values
}

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

/**
 * An embed's `opts.fields` from MoonClerk's parameters. A value embed.js would alter is left out
 * (`warn`). MoonClerk documents no way to embed several values of one checkbox field, and an
 * object holds one value per name: the last is kept (`several` hears of the others).
 */
export function embedFields(
  params: Array<[string, string]>,
  warn: (message: string) => void,
  several = warn,
): Record<string, string> | undefined {
  const fields: Record<string, string> = {}
  for (const [name, value] of params)
    if (UNSAFE_IN_EMBED.test(value))
      warn(`${FIELDS}${name} must be ${EMBEDDABLE}, got ${JSON.stringify(value)}` + LEFT_OUT_OF_EMBED)
    else {
      if (name in fields)
        several(
          `${FIELDS}${name} has several values: ` +
            `the embedded checkout gets the last, ${JSON.stringify(value)}; the link carries them all`,
        )
      fields[name] = value
    }
  // Nothing the embed can take, no opts.fields.
  return Object.keys(fields).length ? fields : undefined
}

/** Pure: the stock snippet's `opts`, values unencoded, as MoonClerk expects them. */
export function buildOpts(input: OptsInput): MoonclerkOpts {
  const opts: MoonclerkOpts = {
    checkoutToken: checkToken(input.token),
    width: checked('width', String(input.width || DEFAULTS.width)),
  }
  if (input.height != null) opts.height = checked('height', input.height)
  Object.assign(opts, checkoutValues(input))
  for (const key of ['cid', 'name', 'email'] as const)
    if (UNSAFE_IN_EMBED.test(opts[key] || '')) invalid(key, opts[key], EMBEDDABLE)
  const fields = embedFields(fieldParams(input.fields, refuse), refuse, () => {})
  if (fields) opts.fields = fields
  return opts
}

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
export const checkoutUrl = (token: string, options: CheckoutUrlOptions = {}): string =>
  withParams(
    secureUrl('payUrl', (options.payUrl || DEFAULTS.payUrl) + checkToken(token)).href,
    checkoutValues(options),
    fieldParams(options.fields, refuse),
  )
