// The JSX declaration for React 19 of docs/frameworks.md.
import type { HTMLAttributes, RefAttributes } from 'react'
import type { MoonClerkCheckoutAttributes, MoonClerkCheckoutElement } from 'moonclerk-checkout/element'

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'moonclerk-checkout': MoonClerkCheckoutAttributes &
        HTMLAttributes<MoonClerkCheckoutElement> &
        RefAttributes<MoonClerkCheckoutElement>
    }
  }
}
