import type { CheckoutOptions, GlobalConfig } from './types.js'


type Key = keyof CheckoutOptions | keyof GlobalConfig

// Attribute names are the option names in kebab case after "data-moonclerk-", but for these.
const RENAMED: Record<string, string> = { token: 'checkout', timeoutMs: 'timeout', cleanReturnUrl: 'clean-url' }
const PLACEHOLDER_KEYS = 'token cid width name email amountCents label load frameTitle'.split(' ') as Key[]
const SCRIPT_KEYS = 'cid name email embedSrc payUrl timeoutMs load frameTitle returnParams cleanReturnUrl breakOutOfFrame cidFromUrl'.split(' ') as Key[]

// Attributes are strings; these options are not. Numbers stay strings until buildOpts() validates them.
const flag = (value: string) => value != 'false'
const TRANSFORMS: Partial<Record<Key, (value: string) => unknown>> = {
  // "customId=uid, checkoutToken=t"
  returnParams: (value) =>
    Object.fromEntries(value.split(',').map((pair) => pair.split('=').map((part) => part.trim())).filter(([key, name]) => key && name)),
  cleanReturnUrl: flag,
  breakOutOfFrame: flag,
  // Present: the `cid` parameter; a value: that parameter's name.
  cidFromUrl: (value) => value != 'false' && (value || true),
}

export const PLACEHOLDER_SELECTOR = '[data-moonclerk-checkout]'

export const attributeName = (key: string): string =>
  'data-moonclerk-' + (RENAMED[key] || key.replace(/[A-Z]/g, (letter) => '-' + letter.toLowerCase()))

export const DEFAULTS = {
  embedSrc: 'https://d2l7e0y6ygya2s.cloudfront.net/assets/embed.js',
  payUrl: 'https://app.moonclerk.com/pay/',
  timeoutMs: 15000,
}

export type ResolvedOptions = CheckoutOptions & GlobalConfig & typeof DEFAULTS

/** Attribute values as given, strings; validation happens once, in `buildOpts()`. */
function attributes(element: Element, keys: Key[]): Record<string, string> {
  const options: Record<string, string> = {}
  for (const key of keys) {
    const value = element.getAttribute(attributeName(key))
    if (value != null) options[key] = value
  }
  return options
}

/**
 * Attribute values as given, or transformed to their type. Only our script tag has typed settings:
 * a placeholder's are read without the transforms, so a mount()-only bundle leaves them out.
 */
export function readAttributes(element: Element, keys: Key[]): CheckoutOptions & GlobalConfig {
  const options: Record<string, unknown> = attributes(element, keys)
  for (const [key, transform] of Object.entries(TRANSFORMS)) if (key in options) options[key] = transform(options[key] as string)
  return options
}

// Keys that would reach an object's prototype rather than its own properties.
const PROTOTYPE_KEYS = /^(__proto__|constructor|prototype)$/

/** Later sources win; an `undefined` value never hides a lower one. */
export function merge(...sources: Array<object | null | undefined>): ResolvedOptions {
  const merged: Record<string, unknown> = {}
  for (const source of sources)
    for (const [key, value] of Object.entries(source || {})) if (value !== undefined && !PROTOTYPE_KEYS.test(key)) merged[key] = value
  return merged as unknown as ResolvedOptions
}

let ownScript: HTMLScriptElement | null = null
// What our script tag sets page-wide, read afresh each time; asked about an element, only when that
// element is the tag itself (a one-tag replacement). Nothing until start-up finds the tag, so that
// an app that imports only mount() carries no code to read one.
let scriptOptions = (_element?: Element): CheckoutOptions & GlobalConfig => ({})

/** Start-up remembers our `<script>`: its attributes are page-wide defaults. */
export const rememberOwnScript = (script: Element | null): void => {
  if (!(script instanceof HTMLScriptElement)) return
  ownScript = script
  scriptOptions = (element = script) =>
    element == script
      ? {
          ...readAttributes(script, SCRIPT_KEYS),
          // Browsers hide the nonce attribute once the script has run, and only the property keeps it.
          nonce: script.nonce || script.getAttribute('nonce') || undefined,
        }
      : {}
}

/**
 * Only the library's own `<script>` may configure the page or be a placeholder: markup injected
 * into the page (a comment, a CMS field) could otherwise pick embed.js's URL and get the page's nonce.
 */
export const isOwnScript = (element: Element): boolean => element == ownScript

/** Defaults < global config < our script tag < this page's URL (if allowed): what every checkout starts from. */
export function pageOptions(): ResolvedOptions {
  const page = merge(DEFAULTS, window.MoonClerkCheckoutConfig, scriptOptions())
  const fromUrl = page.cidFromUrl && new URLSearchParams(location.search).get(page.cidFromUrl === true ? 'cid' : page.cidFromUrl)
  if (fromUrl) page.cid = fromUrl
  return page
}

/** Everything that applies to one placeholder, highest precedence last. */
export const checkoutOptions = (placeholder: Element, options: CheckoutOptions = {}): ResolvedOptions =>
  merge(
    pageOptions(),
    // A one-tag replacement's <script> is its own page-wide source too.
    scriptOptions(placeholder),
    attributes(placeholder, PLACEHOLDER_KEYS),
    options,
  )
