// The public types, in one module that imports nothing: every other module imports from here,
// so the import graph has no cycles, type-only imports included. `index.ts` re-exports them.

export type LoadMode = 'eager' | 'visible' | 'click'

export type CidValue = string | number
/** A custom id, or a function that fetches one (e.g. a hashed id from the site's server). */
export type CidSource = CidValue | (() => CidValue | PromiseLike<CidValue>)

/** Options of one checkout, from JavaScript; any of them can also come from a lower source. */
export interface CheckoutOptions extends Omit<OptsInput, 'cid'> {
  cid?: CidSource
  /** Text of the fallback link that this library adds when the placeholder has none. */
  label?: string
  /**
   * When to load MoonClerk: `eager` (default, like the stock snippet), `visible` (within 200px of
   * the viewport) or `click` (the fallback link becomes a button that shows the checkout in place).
   */
  load?: LoadMode
  /** Title of MoonClerk's iframe, for screen readers, when it has none. */
  frameTitle?: string
  /** URL of MoonClerk's `embed.js`. */
  embedSrc?: string
  /** Base of the hosted checkout; the token is appended. */
  payUrl?: string
  /** How long `embed.js` may take to load, in milliseconds. */
  timeoutMs?: number | string
  /** CSP nonce for the injected `embed.js` script; defaults to our own script tag's nonce. */
  nonce?: string
}

/** How the page handles the payer coming back through the form's redirect URL. */
export interface ReturnOptions {
  /** The redirect URL's parameter names, when they are not `custom_id`, `checkout_token`, … */
  returnParams?: ReturnParams
  /** Remove the return parameters from the address bar once reported. */
  cleanReturnUrl?: boolean
  /** A return inside the embedded frame moves the whole window to the success page. */
  breakOutOfFrame?: boolean
  /**
   * This page is the form's success page: a return is reported even when the redirect URL
   * carries nothing, with the cid this tab sent into a checkout (`source: 'memory'`).
   */
  expectReturn?: boolean
  /**
   * Your server's status endpoint (`createWebhookHandler` answers `GET ?cid=`): asked whether the
   * returned cid's payment has landed, until it has or `confirmWithinMs` has passed.
   */
  confirmUrl?: string
  /** How long to keep asking `confirmUrl`, in milliseconds the page is visible; default 60,000. */
  confirmWithinMs?: number | string
}

/** `window.MoonClerkCheckoutConfig`: page-wide defaults for every checkout. */
export type GlobalConfig = Omit<CheckoutOptions, 'token' | 'label' | 'nonce'> &
  ReturnOptions & {
    /**
     * Take the page-wide cid from this page's own URL (`?cid=…`, or the parameter named here).
     * Off by default: anyone can craft such a link. See docs/security.md.
     */
    cidFromUrl?: boolean | string
  }

declare global {
  interface Window {
    MoonClerkCheckoutConfig?: GlobalConfig
  }
}

/** Exactly what MoonClerk's `new MoonclerkEmbed(opts)` receives from the stock snippet. */
export interface MoonclerkOpts {
  checkoutToken: string
  width: string
  /** As given: MoonClerk's embed.js writes it into its frame's `height` attribute. */
  height?: string | number
  /** Custom-field seeds by MoonClerk's parameter name: `{ 'fields[hat_size]': 'L' }`. */
  fields?: Record<string, string>
  cid?: string
  name?: string
  email?: string
  amount_cents?: number
}

/** The values `buildOpts()` and `checkoutUrl()` read: a custom id already resolved. */
export interface OptsInput {
  token?: string
  /** A CSS length (`100%`, `600px`), or a number of pixels. */
  width?: string | number
  /** Height of MoonClerk's frame, passed on as given: a CSS length or a number of pixels. */
  height?: string | number
  cid?: string | number
  name?: string
  email?: string
  /** An integer number of cents; a string of digits (from an attribute) is accepted. */
  amountCents?: number | string
  /**
   * Custom-field seeds by the field's key (set in MoonClerk's form builder, by default the field's
   * snake-cased name): `{ hat_size: 'L', address: { line1: '123 Main St' }, interests: ['sports'] }`,
   * or the same in the query form an attribute takes: `hat_size=L&address[line1]=123 Main St`.
   */
  fields?: Fields | string
}

/** One custom field's seed: a value, a checkbox field's values, or an address's parts. */
export type FieldValue = string | number | Array<string | number> | { [part: string]: string | number }
export type Fields = Record<string, FieldValue>

/** What MoonClerk takes besides the form: the payer's custom id and prefill values. */
export type CheckoutValues = Omit<MoonclerkOpts, 'checkoutToken' | 'width' | 'height' | 'fields'>

export interface CheckoutUrlOptions extends Omit<OptsInput, 'token' | 'width' | 'height'> {
  /** Base of the hosted checkout; the token is appended. */
  payUrl?: string
}

/**
 * Why a checkout could not be shown (in every case the fallback link stays usable), or, for
 * `confirm-failed`, why the success page stopped asking `confirmUrl`.
 */
export type ErrorReason =
  | 'invalid-config'
  | 'duplicate-token'
  | 'cid-unavailable'
  | 'script-load'
  | 'script-timeout'
  | 'embed-missing'
  | 'embed-threw'
  | 'confirm-failed'

/** The rejection value of `handle.displayed` and of `loadEmbedScript()`. */
export interface CheckoutError extends Error {
  reason: ErrorReason
  /** For a checkout's error, the page-wide failure behind it (one failed embed.js load is shared by every checkout). */
  cause?: unknown
}

/** What came back through the form's redirect URL; each value is `null` when absent. */
export interface ReturnValues {
  customId: string | null
  checkoutToken: string | null
  paymentId: string | null
  customerId: string | null
}

export interface ReturnDetail extends ReturnValues {
  /** Whether the custom id is one this tab passed into a checkout; `null` when it passed none, or none came back. */
  cidMatches: boolean | null
  /** Whether this tab has already reported the same return (a reload, a back-navigation). */
  repeated: boolean
  /**
   * Where the custom id came from: the redirect URL, or, on a page that expects a return and got
   * no values in its URL, the tab's memory of the last cid it sent into a checkout.
   */
  source: 'url' | 'memory'
}

/** `data-moonclerk-payment`, while the success page asks `confirmUrl`. */
export type PaymentState = 'pending' | 'paid' | 'unconfirmed'

export interface PaidDetail {
  customId: string
  /** What was paid, as the server says: a one-time payment or a plan; `null` when it does not say. */
  kind: 'payment' | 'plan' | null
  /** The server's answer, as it sent it (`{ paid: true, kind }` from `createWebhookHandler`). */
  answer: Record<string, unknown>
}

export interface UnconfirmedDetail {
  customId: string | null
  /** `timeout`: not paid after `confirmWithinMs`; `no-cid`: nothing to ask about; `error`: see `moonclerk:error`. */
  reason: 'timeout' | 'no-cid' | 'error'
  /** The HTTP status that stopped the asking, for `error` with an answer. */
  status: number | null
}

export interface DisplayDetail {
  token: string
  opts: MoonclerkOpts
}

export interface ErrorDetail {
  /** The form's token; empty for the success page's `confirm-failed`. */
  token: string
  reason: ErrorReason
  message: string
}

/** Every event this library dispatches, by type. */
export interface MoonClerkEventMap {
  'moonclerk:display': CustomEvent<DisplayDetail>
  'moonclerk:error': CustomEvent<ErrorDetail>
  'moonclerk:return': CustomEvent<ReturnDetail>
  'moonclerk:paid': CustomEvent<PaidDetail>
  'moonclerk:unconfirmed': CustomEvent<UnconfirmedDetail>
}

// Lets `el.addEventListener('moonclerk:error', e => e.detail.reason)` type-check without casts.
declare global {
  interface ElementEventMap extends MoonClerkEventMap {}
  interface DocumentEventMap extends MoonClerkEventMap {}
  interface WindowEventMap extends MoonClerkEventMap {}
}

/** Names of the redirect URL's parameters, by what they carry. */
export type ReturnParams = Partial<Record<keyof ReturnValues, string>>

export interface MoonclerkEmbedInstance {
  display(): void
}
/** The global constructor that MoonClerk's `embed.js` defines. */
export type MoonclerkEmbedConstructor = new (opts: MoonclerkOpts) => MoonclerkEmbedInstance

declare global {
  interface Window {
    MoonclerkEmbed?: MoonclerkEmbedConstructor
  }
}

export interface LoadOptions {
  embedSrc?: string
  /** Milliseconds before the load counts as failed (`script-timeout`). */
  timeoutMs?: number
  /** CSP nonce for the injected script. */
  nonce?: string
}

export interface CheckoutHandle {
  /** Where the checkout lives: the placeholder, or for a `<script>` placeholder the element added after it. */
  readonly element: HTMLElement | null
  /** The opts given to MoonClerk, once built (a custom id may have to be fetched first). */
  readonly opts: MoonclerkOpts | null
  /** Resolves after MoonClerk's `display()`; rejects with a `CheckoutError`. Stays pending once destroyed. */
  readonly displayed: Promise<void>
  /** Undoes everything `mount()` did, so the same element can be mounted again. */
  destroy(): void
}
