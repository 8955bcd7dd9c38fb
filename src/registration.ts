import { MoonClerkCheckoutElement, type MoonClerkCheckoutAttributes } from './element.js'

export const TAG = 'moonclerk-checkout'

/**
 * Registers `<moonclerk-checkout>` once: running twice, or alongside another copy of this
 * library, keeps the first definition (a second one would throw).
 */
export function define(): void {
  if (typeof customElements != 'undefined' && !customElements.get(TAG)) customElements.define(TAG, MoonClerkCheckoutElement)
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
