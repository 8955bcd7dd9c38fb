// `moonclerk-checkout/element`: the element class and its registration, without side effects.
// From the package entry, so that the element shares its page state with mount().
import { configure } from './index.js'
import { MoonClerkCheckoutElement, type MoonClerkCheckoutAttributes } from './element.js'
import type { GlobalConfig } from './types.js'

export { MoonClerkCheckoutElement, type MoonClerkCheckoutAttributes }

export const TAG = 'moonclerk-checkout'

/**
 * Registers `<moonclerk-checkout>` once: running twice, or alongside another copy of this
 * library, keeps the first definition (a second one would throw). `options` are page-wide
 * settings, as in `window.MoonClerkCheckoutConfig`, applied before any element on the page
 * upgrades: in an app, the global object is often set only after the imports have registered
 * the tag, when server-rendered elements have already requested MoonClerk's production embed.js.
 */
export function define(options?: GlobalConfig): void {
  if (options) configure(options)
  if (typeof customElements != 'undefined' && !customElements.get(TAG))
    customElements.define(TAG, MoonClerkCheckoutElement)
}

declare global {
  interface HTMLElementTagNameMap {
    'moonclerk-checkout': MoonClerkCheckoutElement
  }
  // JSX in any framework that reads the global namespace (React up to 18's types, and others).
  namespace JSX {
    interface IntrinsicElements {
      'moonclerk-checkout': MoonClerkCheckoutAttributes
    }
  }
}
