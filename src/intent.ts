// The lazy load modes, `visible` and `click`: a chunk of its own in the ES module build, fetched
// only by a page that uses one.
import { adoptSheet } from './dom.js'
import type { OnAbort } from './placeholder.js'
import type { LoadMode } from './types.js'

// The button look: `:where()` keeps its specificity at zero, so any rule of the site's own wins.
// `:not([hidden])`: a page's rule, even at zero specificity, beats the browser's own
// `[hidden]{display:none}`, and would keep the button showing above the checkout once it is hidden.
const BUTTON =
  ':where([data-moonclerk-button]:not([hidden])){display:inline-block;padding:.6em 1.2em;border-radius:.4em;' +
  'background:#1f5fd6;color:#fff;font-weight:600;text-decoration:none}'

/**
 * Resolves when the payer wants the checkout: when it comes within 200px of the viewport
 * (`visible`; at once where IntersectionObserver is missing), or at the first plain click on the
 * fallback link (`click`). A hint of intent (pointer, focus) warms the connections first.
 */
export function whenWanted(
  mode: LoadMode,
  element: HTMLElement,
  link: HTMLAnchorElement,
  { signal, onAbort }: { signal: AbortSignal; onAbort: OnAbort },
  warm: () => void,
): Promise<void> {
  // Every listener (by the checkout's signal), the attribute and the observer (on its undo stack)
  // go with the checkout's abort.
  const options = { signal }
  element.addEventListener('pointerenter', warm, options)
  element.addEventListener('focusin', warm, options)
  return new Promise((resolve) => {
    if (mode == 'click') {
      adoptSheet(BUTTON)
      link.setAttribute('data-moonclerk-button', '')
      onAbort(() => link.removeAttribute('data-moonclerk-button'))
      let wanted = false
      link.addEventListener(
        'click',
        (click) => {
          // Later clicks (the checkout failed and the link is back) and clicks meant for a new tab
          // or window go where the link says: the hosted checkout.
          if (wanted || click.button || click.ctrlKey || click.metaKey || click.shiftKey || click.altKey) return
          wanted = true
          click.preventDefault()
          resolve()
        },
        options,
      )
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
      onAbort(() => observer.disconnect())
    } else resolve()
  })
}
