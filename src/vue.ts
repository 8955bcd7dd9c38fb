// `moonclerk-checkout/vue`: types only, no code. Declares `<moonclerk-checkout>` in Vue's
// `GlobalComponents`, so that `vue-tsc --strictTemplates` checks its attributes and types its
// events' details, in the way Vue's guide gives for custom elements not built with Vue.
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue'
import type { MoonClerkCheckoutAttributes, MoonClerkCheckoutElement } from './element.js'
import type { MoonClerkEventMap } from './types.js'

/** The events `<moonclerk-checkout>` dispatches on itself. */
export type MoonClerkCheckoutEvents = Pick<MoonClerkEventMap, 'moonclerk:display' | 'moonclerk:error'>

/** `amount-cents` as `amountCents`: vue-tsc checks an attribute under its name in camel case. */
type Camel<K extends string> = K extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : K

/**
 * The element's attributes in a Vue template (JSX's, but for `className` and `children`), and
 * `data-*` ones, which vue-tsc checks as `dataName` on a component.
 */
export type MoonClerkCheckoutProps = CamelKeys<
  Omit<MoonClerkCheckoutAttributes, 'class' | 'className' | 'children'>
> & {
  [data: `data${Capitalize<string>}`]: unknown
}
type CamelKeys<T> = { [K in keyof T as Camel<K & string>]: T[K] }

/** The element as a component of Vue's templates: its attributes, its events, `ref` to the element. */
export type MoonClerkCheckoutVue = new () => MoonClerkCheckoutElement & {
  $props: MoonClerkCheckoutProps & HTMLAttributes & PublicProps
  $emit: EmitFn<{ [K in keyof MoonClerkCheckoutEvents]: (event: MoonClerkCheckoutEvents[K]) => void }>
}

declare module 'vue' {
  interface GlobalComponents {
    'moonclerk-checkout': MoonClerkCheckoutVue
  }
}
