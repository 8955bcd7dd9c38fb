import type { MoonclerkOpts } from './opts'

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
): boolean => target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }))

export const LOG_PREFIX = '[moonclerk-checkout] '
