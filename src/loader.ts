import { pageOptions } from './config.js'
import { appendToHead, createElement, fromDocument } from './dom.js'
import { checkoutError } from './events.js'
import { secureUrl } from './opts.js'
import { invalid, positiveInteger } from './values.js'
import { page, type ScriptUrlPolicy } from './page.js'
import { DEFAULTS } from './schema.js'
import type { CheckoutError, LoadOptions, MoonclerkEmbedConstructor } from './types.js'

type TrustedTypesWindow = { trustedTypes?: { createPolicy(name: string, rules: ScriptUrlPolicy): ScriptUrlPolicy } }

/**
 * Pages that require Trusted Types (`require-trusted-types-for 'script'`) refuse a plain string
 * as a script's src. The policy `moonclerk-checkout` makes script URLs only of the URLs this loader
 * approved, so even a call that reached it could not turn another URL into one.
 */
function scriptUrl(src: string): string {
  const types = (window as TrustedTypesWindow).trustedTypes
  // Without Trusted Types, `window.trustedTypes` may be an element with that id: no policy to make.
  if (!types || typeof types.createPolicy != 'function') return src
  // Kept in the page state, which the page's other scripts cannot reach.
  const approved = page.approvedScripts
  page.scriptPolicy =
    page.scriptPolicy ||
    types.createPolicy('moonclerk-checkout', {
      createScriptURL: (url) => (approved.has(url) ? url : invalid('embedSrc', url, 'a URL the loader checked')),
    })
  approved.add(src)
  return page.scriptPolicy.createScriptURL(src)
}

/**
 * Resolves with MoonClerk's `MoonclerkEmbed` once `embed.js` has run. Adds at most one script per
 * src to the page, reuses one already there (a stock snippet left in place), and forgets a failed
 * load so that a later call tries again.
 */
/**
 * The embed.js URL the site set page-wide: the default, our script tag, the global config or
 * configure(). Only it gets the Trusted Types policy and the page's nonce: a URL given to one call
 * (`mount(el, { embedSrc })`, `loadEmbedScript()`) may come from anywhere the page's code reads.
 */
function pageWideSrc(): string {
  try {
    return secureUrl('embedSrc', pageOptions().embedSrc || DEFAULTS.embedSrc).href
  } catch {
    return ''
  }
}

/** The script element for `src`: through the policy and with the nonce only when `src` is the page-wide URL. */
function newScript(src: string, nonce?: string): HTMLScriptElement {
  const pageWide = src == pageWideSrc()
  const script = createElement('script')
  // A failure to make the policy (a name the page's CSP does not list) is reported as it is.
  const url = pageWide ? scriptUrl(src) : src
  try {
    // Another URL goes in as a plain string, which a page that requires Trusted Types refuses.
    script.src = url
  } catch {
    invalid(
      'embedSrc',
      src,
      "the page-wide embed.js URL (our script tag's, the global config's or configure()'s) " +
        'on a page that requires Trusted Types',
    )
  }
  script.async = true
  if (nonce && pageWide) script.setAttribute('nonce', nonce)
  return script
}

// Async, so that an unusable src rejects rather than throws.
export async function loadEmbedScript(options: LoadOptions = {}): Promise<MoonclerkEmbedConstructor> {
  const src = secureUrl('embedSrc', options.embedSrc || DEFAULTS.embedSrc).href
  const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs || DEFAULTS.timeoutMs)
  const loads = page.loads
  if (!loads.has(src)) {
    const load = new Promise<MoonclerkEmbedConstructor>((resolve, reject) => {
      // An element named MoonclerkEmbed (`<img name=…>`) shows through `window` too: only a function is MoonClerk's.
      const ready = () => typeof window.MoonclerkEmbed == 'function'
      if (ready()) return resolve(window.MoonclerkEmbed!)
      let script = [...fromDocument('scripts')].find((s) => s.src == src)
      const ours = !script
      if (!script) script = newScript(src, options.nonce)
      // A script fires load or error once, but a late one may follow a timeout: only the first outcome counts.
      let settled = false
      const settle = (error?: CheckoutError) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (!error) return resolve(window.MoonclerkEmbed!)
        // A dead tag of ours would make the retry (or another copy of this library) wait on it.
        if (ours && error.reason != 'script-timeout') script!.remove()
        reject(error)
      }
      const onLoad = () =>
        settle(ready() ? undefined : checkoutError('embed-missing', src + ' defined no MoonclerkEmbed'))
      const onError = () => settle(checkoutError('script-load', src + ' failed to load'))
      // A timed-out tag stays: if it arrives late, the next attempt picks it up instead of adding another.
      const timer = setTimeout(
        () => settle(checkoutError('script-timeout', `${src} took over ${timeoutMs} ms`)),
        timeoutMs,
      )
      script.addEventListener('load', onLoad)
      script.addEventListener('error', onError)
      if (ours) appendToHead(script)
    })
    loads.set(src, load)
    // Forget a failure so the next call retries. Attached after set() because a load can fail
    // synchronously; it also keeps a warm-up load nobody awaits from being an unhandled rejection.
    load.catch(() => loads.get(src) == load && loads.delete(src))
  }
  return loads.get(src)!
}
