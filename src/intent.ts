import type { LoadMode } from './types.js'
import { appendToHead, createElement, fromDocument } from './dom.js'

/** Registers what `destroy()` must undo. */
export type Cleanup = (undo: () => void) => void

export function listen<E extends Event>(cleanup: Cleanup, target: EventTarget, type: string, listener: (event: E) => void): void {
  target.addEventListener(type, listener as EventListener)
  cleanup(() => target.removeEventListener(type, listener as EventListener))
}

const hinted = new Set<string>()

/** `<link rel="preconnect">` once per origin: DNS, TCP and TLS happen before the first byte is needed. */
export function preconnect({ origin }: URL): void {
  if (hinted.has(origin) || origin == location.origin) return
  hinted.add(origin)
  const hint = createElement('link')
  hint.rel = 'preconnect'
  hint.href = origin
  appendToHead(hint)
}

let buttonStyled = false

// A constructed stylesheet is CSSOM, not inline style: pages with a strict CSP allow it. `:where()`
// keeps its specificity at zero, so any rule of the site's own wins.
function styleButtons(): void {
  if (buttonStyled || !('adoptedStyleSheets' in Document.prototype)) return
  buttonStyled = true
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(
    ':where([data-moonclerk-button]){display:inline-block;padding:.6em 1.2em;border-radius:.4em;background:#1f5fd6;color:#fff;font-weight:600;text-decoration:none}',
  )
  Reflect.set(Document.prototype, 'adoptedStyleSheets', [...fromDocument('adoptedStyleSheets'), sheet], document)
}

/**
 * Resolves when the payer wants the checkout: when it comes within 200px of the viewport
 * (`visible`; at once where IntersectionObserver is missing), or at the first plain click on the
 * fallback link (`click`). A hint of intent (pointer, focus) warms the connections first.
 */
export function whenWanted(mode: LoadMode, element: HTMLElement, link: HTMLAnchorElement, cleanup: Cleanup, warm: () => void): Promise<void> {
  listen(cleanup, element, 'pointerenter', warm)
  listen(cleanup, element, 'focusin', warm)
  return new Promise((resolve) => {
    if (mode == 'click') {
      styleButtons()
      link.setAttribute('data-moonclerk-button', '')
      cleanup(() => link.removeAttribute('data-moonclerk-button'))
      let wanted = false
      listen<MouseEvent>(cleanup, link, 'click', (click) => {
        // Later clicks (the checkout failed and the link is back) and clicks meant for a new tab
        // or window go where the link says: the hosted checkout.
        if (wanted || click.button || click.ctrlKey || click.metaKey || click.shiftKey || click.altKey) return
        wanted = true
        click.preventDefault()
        resolve()
      })
    } else if (typeof IntersectionObserver == 'function') {
      const observer = new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return
          observer.disconnect()
          resolve()
        },
        { rootMargin: '200px' },
      )
      observer.observe(element)
      cleanup(() => observer.disconnect())
    } else resolve()
  })
}
