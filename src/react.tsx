// `moonclerk-checkout/react`: <MoonClerkCheckout>, mount() and destroy() in a React component
// (React 18 and 19). The only module that imports React; the built file imports the package's
// main entry, so the app shares one loader and one set of handles. Its 'use client' directive is
// a banner of the build (rollup.config.mjs): rollup drops a module's own directives.
import { forwardRef, useEffect, useRef, type CSSProperties, type ForwardedRef, type ReactNode } from 'react'
import { mount, type CheckoutHandle, type CheckoutOptions, type DisplayDetail, type ErrorDetail } from './index.js'
import { DEFAULTS } from './schema.js'

/** mount()'s options, the wrapping `<div>`'s class and style, the fallback, and the two events. */
export interface MoonClerkCheckoutProps extends Omit<CheckoutOptions, 'token'> {
  /** The form's token, e.g. `8h7frjfytj`. */
  token: string
  className?: string
  style?: CSSProperties
  /**
   * What shows until the checkout does, and instead of it when it cannot: by default a link to
   * `payUrl` + token, labelled `label`. Content without that link gets one added in the browser.
   */
  children?: ReactNode
  /** `moonclerk:display`'s detail, once MoonClerk's checkout shows. */
  onDisplay?: (detail: DisplayDetail) => void
  /** `moonclerk:error`'s detail, when the checkout cannot show (the fallback stays). */
  onError?: (detail: ErrorDetail) => void
}

type Callbacks = Pick<MoonClerkCheckoutProps, 'onDisplay' | 'onError'>

/** Gives `ref` the handle; returns what takes it back (a React 19 ref callback's own cleanup, if it returned one). */
function lend(ref: ForwardedRef<CheckoutHandle>, handle: CheckoutHandle): () => void {
  if (typeof ref == 'function') {
    const cleanup: unknown = ref(handle)
    return typeof cleanup == 'function' ? (cleanup as () => void) : () => ref(null)
  }
  if (ref) ref.current = handle
  return () => ref && (ref.current = null)
}

/** Calls the latest callbacks with the checkout's events; returns what stops it. */
function listen(element: HTMLElement, callbacks: { current: Callbacks }): () => void {
  const display = (event: CustomEvent<DisplayDetail>) => callbacks.current.onDisplay?.(event.detail)
  const error = (event: CustomEvent<ErrorDetail>) => callbacks.current.onError?.(event.detail)
  element.addEventListener('moonclerk:display', display)
  element.addEventListener('moonclerk:error', error)
  return () => {
    element.removeEventListener('moonclerk:display', display)
    element.removeEventListener('moonclerk:error', error)
  }
}

/**
 * MoonClerk's checkout of form `token`. The server (and hydration) renders a `<div>` with the
 * fallback link; the checkout mounts in an effect, after hydration, so the markup React hydrates
 * is the server's. A changed option mounts afresh (`fields` compared by value, a `cid` function
 * by identity: wrap it in `useCallback`); changed callbacks do not. `ref`: the `mount()` handle,
 * `null` while none is mounted. forwardRef, not React 19's ref prop: React 18 has no ref prop.
 */
export const MoonClerkCheckout = forwardRef<CheckoutHandle, MoonClerkCheckoutProps>(function MoonClerkCheckout(
  { className, style, children, onDisplay, onError, ...options },
  ref,
) {
  const element = useRef<HTMLDivElement>(null)
  const callbacks = useRef<Callbacks>({})
  const latestRef = useRef(ref)
  // Declared before the mount's effect, so it runs first in each commit.
  useEffect(() => {
    callbacks.current = { onDisplay, onError }
    latestRef.current = ref
  })
  const cidFunction = typeof options.cid == 'function' ? options.cid : null
  useEffect(() => {
    const el = element.current!
    const stopListening = listen(el, callbacks)
    const handle = mount(el, options)
    const takeBack = lend(latestRef.current, handle)
    return () => {
      takeBack()
      handle.destroy()
      stopListening()
    }
    // By value: JSON leaves a cid function out, which counts by identity.
  }, [JSON.stringify(options), cidFunction])
  return (
    <div ref={element} className={className} style={style}>
      {children ?? <a href={(options.payUrl || DEFAULTS.payUrl) + options.token}>{options.label || DEFAULTS.label}</a>}
    </div>
  )
})
