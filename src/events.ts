import { listenOn, stopListening } from './dom.js'
import { page } from './page.js'
import type { CheckoutError, ErrorDetail, ErrorReason, MoonClerkEventMap } from './types.js'

export const checkoutError = (reason: ErrorReason, message: string): CheckoutError =>
  Object.assign(new Error(message), { reason })

// Bubbling and composed, so one listener on `document` (or a shadow host) sees every checkout.
export const dispatch = <K extends keyof MoonClerkEventMap>(
  target: EventTarget,
  type: K,
  detail: MoonClerkEventMap[K]['detail'],
): boolean =>
  EventTarget.prototype.dispatchEvent.call(target, new CustomEvent(type, { detail, bubbles: true, composed: true }))

export const LOG_PREFIX = '[moonclerk-checkout] '

/**
 * `<div#pay> (form 8h7frjfytj)`: the element, and the form it is for. Most placeholders have no id
 * (and the stock container's is lent away while the checkout shows), so the token is what tells a
 * page's checkouts apart.
 */
const describe = (element: Element, token: string) =>
  `<${element.localName}${element.id ? '#' + element.id : ''}>${token ? ` (form ${token})` : ''}`

/** A console warning about `element` that names it: something was left out, the checkout goes on. */
export const warnAbout = (element: Element, token: string, message: string): void =>
  console.warn(`${LOG_PREFIX}${describe(element, token)}: ${message}`)

/**
 * Reports a failure on `element` with an error of its own (the one given as its `cause`): the
 * message names the element, goes to the console once, and rides a `moonclerk:error` event.
 * Returns the error, ready to be thrown.
 */
export function reportError(element: Element, token: string, cause: CheckoutError): CheckoutError {
  // Only a platform failure (a Trusted Types refusal, say) throws something other than our own errors.
  const error = Object.assign(
    checkoutError(cause.reason || 'invalid-config', `${describe(element, token)}: ${cause.message}`),
    { cause },
  )
  console.error(LOG_PREFIX + error.message)
  announceError(element, { token, reason: error.reason, message: error.message })
  return error
}

/** Dispatches `moonclerk:error` and keeps its detail for onError() listeners added later (the latest 50). */
export function announceError(target: EventTarget, detail: ErrorDetail): void {
  page.errors = [...page.errors.slice(-49), detail]
  dispatch(target, 'moonclerk:error', detail)
}

/**
 * Calls `listener` with every `type` event that reaches `document`, and first (asynchronously, in
 * order) with `missed`, those dispatched before it was added. Returns the function that unsubscribes it.
 */
export function listenSticky<K extends keyof MoonClerkEventMap>(
  type: K,
  missed: Array<MoonClerkEventMap[K]['detail'] | null>,
  listener: (detail: MoonClerkEventMap[K]['detail']) => void,
): () => void {
  if (typeof document == 'undefined') return () => {}
  const heard = (event: Event) => listener((event as MoonClerkEventMap[K]).detail)
  listenOn(document, type, heard)
  let pending = missed.filter((detail) => detail != null)
  if (pending.length) Promise.resolve().then(() => pending.forEach((detail) => listener(detail!)))
  return () => {
    pending = []
    stopListening(document, type, heard)
  }
}

/**
 * Calls `listener` with every `moonclerk:error` (a checkout's, or the success page's
 * `confirm-failed`), including those dispatched before it was added. Returns the unsubscribe.
 */
export const onError = (listener: (detail: ErrorDetail) => void): (() => void) =>
  listenSticky('moonclerk:error', page.errors, listener)
