// Type tests of the option table (src/schema.ts), compiled (never run) by `npm run test:types`:
// the element's properties and its JSX attributes must be exactly the table's placeholder options.
import type { MoonClerkCheckoutAttributes, MoonClerkCheckoutElement } from '../src/element'
import type { OptionKey, PlaceholderKey, WHERE } from '../src/schema'
import type { CheckoutOptions, GlobalConfig } from '../src/types'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

/** `amountCents` → `amount-cents`, as the element names its attributes. */
type Kebab<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `-${Lowercase<Head>}`}${Kebab<Tail>}`
  : S

// The JSX attributes are the placeholder options in kebab case, and the element's own few.
type OptionAttribute = Exclude<keyof MoonClerkCheckoutAttributes, 'id' | 'class' | 'className' | 'children'>
export type JsxAttributesAreTheTable = Expect<Equal<OptionAttribute, Kebab<PlaceholderKey>>>

// Each JSX attribute takes what the option takes (a cid function aside: attributes hold values).
type AttributeFits<K extends PlaceholderKey> =
  NonNullable<MoonClerkCheckoutAttributes[Kebab<K> & OptionAttribute]> extends NonNullable<CheckoutOptions[K]>
    ? true
    : false
export type JsxValuesFitTheOptions = Expect<Equal<{ [K in PlaceholderKey]: AttributeFits<K> }[PlaceholderKey], true>>

// The element has a property for each placeholder option, holding its attribute's text.
export type ElementPropertiesAreTheTable = Expect<
  Equal<Pick<MoonClerkCheckoutElement, PlaceholderKey>, Record<PlaceholderKey, string | null>>
>

// The table has a row for every option of the public types, and no other.
export type TableCoversTheOptions = Expect<Equal<keyof typeof WHERE, keyof (CheckoutOptions & GlobalConfig)>>
export type OptionKeysAreTheTypes = Expect<Equal<OptionKey, keyof (CheckoutOptions & GlobalConfig)>>
