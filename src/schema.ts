// Every option in one table, kept as columns: where its attribute may appear, the attribute's
// name, its default, its check, and how our script tag's attribute text is parsed. Columns rather
// than rows so that a bundle carries only the columns it uses (an app that imports only mount()
// has no script-tag parsers). Attribute reading (config.ts), the element's attributes and
// properties (element.ts), the defaults and `resolve()` (opts.ts) are derived from it; the type
// tests hold the element's and JSX's types to it, and a unit test holds docs/attributes.md's tables to it.
// A new option is a line in each column that concerns it, its type in types.ts, and docs/attributes.md.
import type { CheckoutOptions, GlobalConfig } from './types.js'

export type OptionKey = keyof (CheckoutOptions & GlobalConfig)

/**
 * Where an option's attribute is read: `p` on placeholders (also checkout links, and
 * `<moonclerk-checkout>` without the `data-moonclerk-` prefix), `s` on our script tag (page-wide),
 * `ps` on both, `''` on neither (JavaScript options and the global config only). Every option can
 * come from JavaScript and, but for `token`, `label` and `nonce`, from the global config.
 */
export const WHERE = {
  token: 'p',
  cid: 'ps',
  width: 'p',
  height: 'p',
  name: 'ps',
  email: 'ps',
  amountCents: 'p',
  fields: 'ps',
  label: 'p',
  load: 'ps',
  frameTitle: 'ps',
  embedSrc: 's',
  payUrl: 's',
  timeoutMs: 's',
  // Our script tag's own `nonce` attribute, read as the browser keeps it (config.ts).
  nonce: '',
  returnParams: 's',
  cleanReturnUrl: 's',
  breakOutOfFrame: 's',
  // On our script tag or, for pages whose authors write no script, on any element (return.ts).
  expectReturn: 's',
  confirmUrl: 's',
  confirmWithinMs: 's',
  cidFromUrl: 's',
} as const satisfies Record<OptionKey, '' | 'p' | 's' | 'ps'>

/** The attribute after `data-moonclerk-`, where it is not the option's name in kebab case. */
const ATTRIBUTES: Partial<Record<OptionKey, string>> = {
  token: 'checkout',
  timeoutMs: 'timeout',
  cleanReturnUrl: 'clean-url',
  expectReturn: 'return',
  confirmWithinMs: 'confirm-within',
}

export const DEFAULTS = {
  width: '100%',
  label: 'Pay with MoonClerk',
  load: 'eager',
  frameTitle: 'MoonClerk checkout',
  embedSrc: 'https://d2l7e0y6ygya2s.cloudfront.net/assets/embed.js',
  payUrl: 'https://app.moonclerk.com/pay/',
  timeoutMs: 15000,
  confirmWithinMs: 60000,
} as const satisfies Partial<CheckoutOptions & GlobalConfig>

/** What a value must match (as a string), and how the error message says so. */
export type Check = readonly [pattern: RegExp, expected: string]

const CSS_LENGTH: Check = [/^\d+(\.\d+)?(%|[a-z]{1,4})?$/i, 'a CSS length such as 100% or 600px']
// At most 15 digits: every such number is a safe integer.
const POSITIVE_INTEGER: Check = [/^\s*0*[1-9]\d{0,14}\s*$/, 'a positive integer']

/**
 * The checks of options that are not URLs (`embedSrc` and `payUrl` must be https: URLs, opts.ts'
 * secureUrl()) or values MoonClerk's embed.js must be able to take (`cid`, `name`, `email`, opts.ts).
 */
export const CHECKS = {
  // MoonClerk's form tokens look like "8h7frjfytj"; anything else would build a broken container id.
  token: [/^[a-z\d]+$/i, 'letters and digits'],
  // A CSS length that MoonClerk's embed.js may write into its markup as it is: `100%`, `600px`, `600`.
  width: CSS_LENGTH,
  // embed.js writes the height into its frame's `height` attribute, which takes pixels or a percentage.
  height: [/^\d+%?$/, 'a number of pixels or a percentage'],
  amountCents: POSITIVE_INTEGER,
  load: [/^(eager|visible|click)$/, 'eager, visible or click'],
  timeoutMs: POSITIVE_INTEGER,
  confirmWithinMs: POSITIVE_INTEGER,
} as const satisfies Partial<Record<OptionKey, Check>>

// Attributes are strings; these options are not.
const flag = (value: string) => value != 'false'

/** How our script tag's attribute text becomes these options' values; other attributes stay strings. */
export const SCRIPT_PARSERS: Partial<Record<OptionKey, (value: string) => unknown>> = {
  // "customId=uid, checkoutToken=t"
  returnParams: (value) =>
    Object.fromEntries(
      value
        .split(',')
        .map((pair) => pair.split('=').map((part) => part.trim()))
        .filter(([key, name]) => key && name),
    ),
  cleanReturnUrl: flag,
  breakOutOfFrame: flag,
  expectReturn: flag,
  // Present: on (the `cid` parameter); a value: that parameter's name.
  cidFromUrl: (value) => flag(value) && (value || true),
}

/** The options a placeholder (and `<moonclerk-checkout>`) may carry. */
export type PlaceholderKey = { [K in OptionKey]: (typeof WHERE)[K] extends `p${string}` ? K : never }[OptionKey]

/** The options whose attribute may appear on a placeholder (`p`), or on our script tag (`s`). */
export const keysOn = (where: 'p' | 's'): OptionKey[] =>
  (Object.keys(WHERE) as OptionKey[]).filter((key) => WHERE[key].includes(where))

/** `amountCents` → `amount-cents`: the element's attribute, and the data attribute after its prefix. */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase())

export const attributeName = (key: OptionKey): string => 'data-moonclerk-' + (ATTRIBUTES[key] || kebab(key))

export const PLACEHOLDER_SELECTOR = '[data-moonclerk-checkout]'
