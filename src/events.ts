import type { CheckoutError, ErrorReason, MoonClerkEventMap } from './types.js'


export const checkoutError = (reason: ErrorReason, message: string): CheckoutError =>
  Object.assign(new Error(message), { reason })

// Bubbling and composed, so one listener on `document` (or a shadow host) sees every checkout.
export const dispatch = <K extends keyof MoonClerkEventMap>(
  target: EventTarget,
  type: K,
  detail: MoonClerkEventMap[K]['detail'],
): boolean => EventTarget.prototype.dispatchEvent.call(target, new CustomEvent(type, { detail, bubbles: true, composed: true }))

export const LOG_PREFIX = '[moonclerk-checkout] '

/**
 * `<div#pay> (form 8h7frjfytj)`: the element, and the form it is for. Most placeholders have no id
 * (and the stock container's is lent away while the checkout shows), so the token is what tells a
 * page's checkouts apart.
 */
const describe = (element: Element, token: string) => `<${element.localName}${element.id ? '#' + element.id : ''}>${token ? ` (form ${token})` : ''}`

/** A console warning about `element` that names it: something was left out, the checkout goes on. */
export const warnAbout = (element: Element, token: string, message: string): void => console.warn(`${LOG_PREFIX}${describe(element, token)}: ${message}`)

/**
 * Reports a failure on `element` with an error of its own (the one given as its `cause`): the
 * message names the element, goes to the console once, and rides a `moonclerk:error` event.
 * Returns the error, ready to be thrown.
 */
export function reportError(element: Element, token: string, cause: CheckoutError): CheckoutError {
  // Only a platform failure (a Trusted Types refusal, say) throws something other than our own errors.
  const error = Object.assign(checkoutError(cause.reason || 'invalid-config', `${describe(element, token)}: ${cause.message}`), { cause })
  console.error(LOG_PREFIX + error.message)
  dispatch(element, 'moonclerk:error', { token, reason: error.reason, message: error.message })
  return error
}
