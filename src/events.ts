import type { MoonclerkOpts } from './opts.js'

/** Why a checkout could not be shown. In every case the fallback link stays usable. */
export type ErrorReason =
  | 'invalid-config'
  | 'duplicate-token'
  | 'cid-unavailable'
  | 'script-load'
  | 'script-timeout'
  | 'embed-missing'
  | 'embed-threw'

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
}

export interface DisplayDetail {
  token: string
  opts: MoonclerkOpts
}

export interface ErrorDetail {
  token: string
  reason: ErrorReason
  message: string
}

/** Every event this library dispatches, by type. */
export interface MoonClerkEventMap {
  'moonclerk:display': CustomEvent<DisplayDetail>
  'moonclerk:error': CustomEvent<ErrorDetail>
  'moonclerk:return': CustomEvent<ReturnDetail>
}

// Lets `el.addEventListener('moonclerk:error', e => e.detail.reason)` type-check without casts.
declare global {
  interface ElementEventMap extends MoonClerkEventMap {}
  interface DocumentEventMap extends MoonClerkEventMap {}
  interface WindowEventMap extends MoonClerkEventMap {}
}

export const checkoutError = (reason: ErrorReason, message: string): CheckoutError =>
  Object.assign(new Error(message), { reason })

// Bubbling and composed, so one listener on `document` (or a shadow host) sees every checkout.
export const dispatch = <K extends keyof MoonClerkEventMap>(
  target: EventTarget,
  type: K,
  detail: MoonClerkEventMap[K]['detail'],
): boolean => EventTarget.prototype.dispatchEvent.call(target, new CustomEvent(type, { detail, bubbles: true, composed: true }))

export const LOG_PREFIX = '[moonclerk-checkout] '

const describe = (element: Element) => `<${element.localName}${element.id ? '#' + element.id : ''}>`

/**
 * Reports a failure on `element` with an error of its own (the one given as its `cause`): the
 * message names the element, goes to the console once, and rides a `moonclerk:error` event.
 * Returns the error, ready to be thrown.
 */
export function reportError(element: Element, token: string, cause: CheckoutError): CheckoutError {
  // Only a platform failure (a Trusted Types refusal, say) throws something other than our own errors.
  const error = Object.assign(checkoutError(cause.reason || 'invalid-config', `${describe(element)}: ${cause.message}`), { cause })
  console.error(LOG_PREFIX + error.message)
  dispatch(element, 'moonclerk:error', { token, reason: error.reason, message: error.message })
  return error
}
