// The one value plan: what each value given to a checkout (cid, name, email, amount, width,
// height, custom fields) becomes on its two ways to MoonClerk, its embed's `opts` and the link to
// the hosted checkout, with every warning and refusal. Pure. "What happens to a bad email" is
// answered here, and only here; buildOpts(), checkoutUrl(), mount() and decorateLinks() follow
// the plan.
import { checkoutError } from './events.js'
import { fieldParams, FIELDS } from './fields.js'
import { attributeName, CHECKS, DEFAULTS, type OptionKey } from './schema.js'
import type { CheckoutError, CheckoutValues, MoonclerkOpts, OptsInput } from './types.js'

// MoonClerk's published embed.js concatenates values unencoded into its frame's URL, inside
// markup (docs/moonclerk.md): `"`, `<` and `>` would end that markup (script in the merchant's
// page); `&`, `#`, `+` and `%` change what MoonClerk receives (and `;`, for servers that split
// parameters at it too); the browser drops or replaces control characters and spaces at either
// end; and a lone surrogate has no UTF-8 (with the `u` flag, `[\ud800-\udfff]` matches only a lone
// one). Such values never reach the embed and are never altered: a cid is refused (a checkout
// without it would lose the payment it tracks), a name, email or field value is left out of the
// embed. The link to the hosted checkout, which encodes them, still carries them.
const UNSAFE_IN_EMBED = /["#%&+;<>\0-\x1f\x7f\ud800-\udfff]|^ | $/u
const EMBEDDABLE = 'free of " # % & + ; < >, control characters and end spaces to be embedded'
const LEFT_OUT_OF_EMBED = ': left out of the embedded checkout, the link carries it'
// `%40`, `%20`: what encodeURIComponent() makes of `@` and a space.
const PERCENT_ENCODED = /%[\da-f]{2}/i

/** What is wrong with an option's value, naming the option and its data attribute. */
const problem = (key: OptionKey, value: unknown, expected: string): string =>
  `${key} (${attributeName(key)}) must be ${expected}, got ${JSON.stringify(value)}`

/** Throws an `invalid-config` error with this message. */
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
export const checked = <T>(key: CheckedKey, value: T): T =>
  passes(key, value) ? value : invalid(key, value, CHECKS[key][1])

/** A positive integer: a number, or a string of digits from an attribute. */
export const positiveInteger = (key: 'amountCents' | 'timeoutMs' | 'confirmWithinMs', value: number | string): number =>
  Number(checked(key, value))

export const checkToken = (token: string | undefined): string => checked('token', token)!

/** What one checkout's values become. */
export interface ValuePlan {
  /** MoonClerk's `opts`; absent when `error` keeps the embed from running. */
  opts?: MoonclerkOpts
  /** What the link to the hosted checkout carries (URL-encoded when set), and its custom fields' parameters. */
  link: CheckoutValues
  fields: Array<[string, string]>
  /** Each value left out, or passed on with a caveat: one message each, naming the option and its attribute. */
  warnings: string[]
  /** Why the embed must not run (`invalid-config`); the link still carries every usable value. */
  error?: CheckoutError
}

/**
 * The plan for `input`. Lenient (a checkout in a page, a decorated link): what a server template
 * may render is not always usable (an empty cid for a signed-out visitor, an amount of `10.00`, a
 * width that is no CSS length), so such a value is left out with a warning and the checkout shows
 * without it; a name, email or field value the embed would alter goes only to the link. A cid the
 * embed would alter is an `error`: the checkout would lose the payment it tracks. Strict
 * (`buildOpts()`, `checkoutUrl()`: pure functions with nobody to warn): the first problem throws
 * `invalid-config`. Without `embed` (a decorated link, `checkoutUrl()`): only what the link
 * carries, encoded, with none of the embed's concerns. A cid function is not planned: resolve it first.
 */
export function planValues(input: OptsInput, { strict = false, embed = true } = {}): ValuePlan {
  const warnings: string[] = []
  const leftOut = (message: string) => (strict ? refuse(message) : warnings.push(message))
  const cid = cidOf(input.cid, warnings, strict)
  const usable = (key: 'width' | 'height' | 'amountCents') => {
    const value = input[key]
    if (value == null || passes(key, value)) return value
    leftOut(problem(key, value, CHECKS[key][1]) + ': left out')
  }
  const [amountCents, width, height] = (['amountCents', 'width', 'height'] as const).map(usable)
  const link: CheckoutValues = {}
  for (const key of ['cid', 'name', 'email'] as const) {
    const value = key == 'cid' ? cid : input[key]
    if (!value) continue
    link[key] = value
    if (PERCENT_ENCODED.test(value) && !strict)
      warnings.push(
        `${key} (${attributeName(key)}) ${JSON.stringify(value)} looks percent-encoded: ` +
          'values are not decoded, pass them as they are',
      )
  }
  if (amountCents != null) link.amount_cents = Number(amountCents)
  const fields = fieldParams(input.fields, leftOut)
  // A link carries every value, encoded: nothing of the embed's concern.
  if (!embed) return { link, fields, warnings }
  const opts: MoonclerkOpts = { checkoutToken: checkToken(input.token), width: String(width || DEFAULTS.width) }
  if (height != null) opts.height = height
  Object.assign(opts, link)
  let error: CheckoutError | undefined
  for (const key of ['name', 'email', 'cid'] as const)
    if (UNSAFE_IN_EMBED.test(link[key] || '')) {
      const message = problem(key, link[key], EMBEDDABLE)
      if (strict) refuse(message)
      if (key == 'cid') error = checkoutError('invalid-config', message)
      else (warnings.push(message + LEFT_OUT_OF_EMBED), delete opts[key])
    }
  const embedded = embedFields(fields, leftOut, strict)
  if (embedded) opts.fields = embedded
  return error ? { link, fields, warnings, error } : { opts, link, fields, warnings }
}

/** The cid as MoonClerk takes it: a string; a number as its digits; none when blank (lenient) or not given. */
function cidOf(cid: OptsInput['cid'], warnings: string[], strict: boolean): string | undefined {
  if (typeof cid == 'number') return Number.isFinite(cid) ? String(cid) : invalid('cid', cid, 'a finite number')
  if (typeof cid != 'string' || cid.trim()) return cid
  if (strict) invalid('cid', cid, 'a non-empty string')
  warnings.push(`cid (${attributeName('cid')}) is empty: the checkout runs without a custom id`)
}

/**
 * An embed's `opts.fields` from MoonClerk's parameters. A value embed.js would alter is left out.
 * MoonClerk documents no way to embed several values of one checkbox field, and an object holds
 * one value per name: the last is kept (lenient: with a warning; the link carries them all).
 */
function embedFields(
  params: Array<[string, string]>,
  leftOut: (message: string) => void,
  strict: boolean,
): Record<string, string> | undefined {
  const fields: Record<string, string> = {}
  for (const [name, value] of params)
    if (UNSAFE_IN_EMBED.test(value))
      leftOut(`${FIELDS}${name} must be ${EMBEDDABLE}, got ${JSON.stringify(value)}` + LEFT_OUT_OF_EMBED)
    else {
      if (name in fields && !strict)
        leftOut(
          `${FIELDS}${name} has several values: ` +
            `the embedded checkout gets the last, ${JSON.stringify(value)}; the link carries them all`,
        )
      fields[name] = value
    }
  // Nothing the embed can take, no opts.fields.
  return Object.keys(fields).length ? fields : undefined
}
