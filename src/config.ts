import { attributeOf, isPlainObject } from './dom.js'
import { page } from './page.js'
import { attributeName, DEFAULTS, keysOn, SCRIPT_PARSERS, type OptionKey } from './schema.js'
import type { CheckoutOptions, GlobalConfig } from './types.js'

export type ResolvedOptions = CheckoutOptions &
  GlobalConfig & { [K in keyof typeof DEFAULTS]: NonNullable<(CheckoutOptions & GlobalConfig)[K]> }

/** Attribute values as given, strings; `resolve()` and `buildOpts()` check them. */
function attributes(element: Element, keys: OptionKey[]): Record<string, string> {
  const options: Record<string, string> = {}
  for (const key of keys) {
    const value = attributeOf(element, attributeName(key))
    if (value != null) options[key] = value
  }
  return options
}

/**
 * Attribute values, parsed as the table says. Only our script tag has options to parse: a
 * placeholder's are read without this, so a mount()-only bundle leaves the parsers out.
 */
export function readAttributes(element: Element, keys: OptionKey[]): CheckoutOptions & GlobalConfig {
  const options: Record<string, unknown> = attributes(element, keys)
  for (const [key, parse] of Object.entries(SCRIPT_PARSERS))
    if (key in options) options[key] = parse!(options[key] as string)
  return options
}

// Keys that would reach an object's prototype rather than its own properties.
const PROTOTYPE_KEYS = /^(__proto__|constructor|prototype)$/

/** Later sources win; an `undefined` value never hides a lower one. */
export function merge(...sources: Array<object | null | undefined>): ResolvedOptions {
  const merged: Record<string, unknown> = {}
  for (const source of sources)
    for (const [key, value] of Object.entries(source || {}))
      if (value !== undefined && !PROTOTYPE_KEYS.test(key)) merged[key] = value
  return merged as unknown as ResolvedOptions
}

/** Start-up remembers our `<script>`: its attributes are page-wide defaults. */
export const rememberOwnScript = (script: Element | null): void => {
  if (!(script instanceof HTMLScriptElement)) return
  page.ownScript = script
  const scriptKeys = keysOn('s')
  page.scriptOptions = (element = script) =>
    element == script
      ? {
          ...readAttributes(script, scriptKeys),
          // Browsers hide the nonce attribute once the script has run, and only the property keeps it.
          nonce: script.nonce || script.getAttribute('nonce') || undefined,
        }
      : {}
}

/**
 * Only the library's own `<script>` may configure the page or be a placeholder: markup injected
 * into the page (a comment, a CMS field) could otherwise pick embed.js's URL and get the page's nonce.
 */
export const isOwnScript = (element: Element): boolean => element == page.ownScript

/** Page-wide settings from JavaScript (`define(options)`), over the global config; later calls win per key. */
export const configure = (options: GlobalConfig): void => void (page.configured = merge(page.configured, options))

/**
 * Defaults < global config < define()'s options < our script tag < this page's URL (if allowed):
 * what every checkout starts from.
 */
export function pageOptions(): ResolvedOptions {
  const config = window.MoonClerkCheckoutConfig
  const options = merge(DEFAULTS, isPlainObject(config) ? config : undefined, page.configured, page.scriptOptions())
  const fromUrl =
    options.cidFromUrl &&
    new URLSearchParams(location.search).get(options.cidFromUrl === true ? 'cid' : options.cidFromUrl)
  if (fromUrl) options.cid = fromUrl
  return options
}

/** Everything that applies to one placeholder, highest precedence last. */
export const checkoutOptions = (placeholder: Element, options: CheckoutOptions = {}): ResolvedOptions =>
  merge(
    pageOptions(),
    // A one-tag replacement's <script> is its own page-wide source too.
    page.scriptOptions(placeholder),
    attributes(placeholder, keysOn('p')),
    options,
  )
