import { checkoutError } from './events'
import { attributeName, DEFAULTS } from './config'

/** Exactly what MoonClerk's `new MoonclerkEmbed(opts)` receives from the stock snippet. */
export interface MoonclerkOpts {
  checkoutToken: string
  width: string
  cid?: string
  name?: string
  email?: string
  amount_cents?: number
}

/** The values `buildOpts()` and `checkoutUrl()` read: a custom id already resolved. */
export interface OptsInput {
  token?: string
  width?: string
  cid?: string | number
  name?: string
  email?: string
  /** An integer number of cents; a string of digits (from an attribute) is accepted. */
  amountCents?: number | string
}

// MoonClerk's form tokens look like "8h7frjfytj"; anything else would build a broken container id.
const TOKEN = /^[a-z\d]+$/i

/** Throws an `invalid-config` error that names the option and its data attribute. */
export const invalid = (key: string, value: unknown, expected: string): never => {
  throw checkoutError(
    'invalid-config',
    `${key} (${attributeName(key)}) must be ${expected}, got ${JSON.stringify(value)}`,
  )
}

export const positiveInteger = (value: number | string): number => {
  const n = typeof value == 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN
  return Number.isSafeInteger(n) && n > 0 ? n : 0
}

export const checkToken = (token: string | undefined): string =>
  token && TOKEN.test(token) ? token : invalid('token', token, 'letters and digits')

/** Pure: the stock snippet's `opts`, values as given (MoonClerk expects them unencoded). */
export function buildOpts(input: OptsInput): MoonclerkOpts {
  const { cid, name, email, amountCents } = input
  const opts: MoonclerkOpts = { checkoutToken: checkToken(input.token), width: input.width || '100%' }
  if (cid != null) {
    opts.cid = typeof cid == 'number' ? (Number.isFinite(cid) ? String(cid) : invalid('cid', cid, 'a finite number')) : cid
    if (!opts.cid.trim()) invalid('cid', cid, 'a non-empty string')
  }
  if (name) opts.name = name
  if (email) opts.email = email
  if (amountCents != null) opts.amount_cents = positiveInteger(amountCents) || invalid('amountCents', amountCents, 'a positive integer')
  return opts
}

const LINK_PARAMS = ['cid', 'name', 'email', 'amount_cents'] as const

/** `href` with the opts' values set as query parameters, keeping its other parameters. */
export function withCheckoutParams(href: string, opts: MoonclerkOpts): string {
  // A relative pay URL needs the page as its base; on a server it must be absolute.
  const url = new URL(href, typeof location == 'object' ? location.href : undefined)
  for (const key of LINK_PARAMS) if (opts[key] != null) url.searchParams.set(key, String(opts[key]))
  return url.href
}

export interface CheckoutUrlOptions extends Omit<OptsInput, 'token' | 'width'> {
  /** Base of the hosted checkout; the token is appended. */
  payUrl?: string
}

/** Pure: the hosted checkout's URL (MoonClerk's "linked checkout"), every value URL-encoded. */
export const checkoutUrl = (token: string, options: CheckoutUrlOptions = {}): string =>
  withCheckoutParams((options.payUrl || DEFAULTS.payUrl) + token, buildOpts({ ...options, token }))
