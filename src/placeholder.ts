// What a checkout does inside its placeholder: the fallback link, MoonClerk's container, and the
// fallback stepping aside while the checkout shows. Each registers its undoing with `onAbort`.
import { createElement, fromDocument } from './dom.js'

/** Registers what `destroy()` must undo; undone in reverse order. */
export type OnAbort = (undo: () => void) => void

/** The placeholder's link to the hosted checkout: the author's own (restored on destroy), or one added. */
export function fallbackLink(element: HTMLElement, base: string, label: string, onAbort: OnAbort): HTMLAnchorElement {
  const authorLink = [...element.querySelectorAll<HTMLAnchorElement>('a[href]')].find((a) => a.href.split(/[?#]/)[0] == base)
  if (authorLink) {
    const authorHref = authorLink.getAttribute('href')!
    onAbort(() => authorLink.setAttribute('href', authorHref))
    return authorLink
  }
  const link = element.appendChild(createElement('a'))
  link.href = base
  link.textContent = label
  onAbort(() => link.remove())
  return link
}

/**
 * MoonClerk's embed finds its container by id (`mc<token>`): an author's element with that id is
 * the container already, else one is added. Claimed synchronously, so that a second checkout of
 * the same form sees it is taken: `taken` then names the other checkout's container, never touched.
 */
export function claimContainer(element: HTMLElement, id: string, onAbort: OnAbort): { container: HTMLElement; taken: boolean } {
  const found = fromDocument('getElementById').call(document, id)
  if (found) return { container: found, taken: found != element }
  const container = element.appendChild(createElement('div'))
  container.id = id
  onAbort(() => container.remove())
  return { container, taken: false }
}

/**
 * Takes the fallback (everything in the placeholder but the container) out while the checkout
 * shows. Returns what puts it back and empties the container; calling it twice is harmless.
 */
export function stepAside(element: HTMLElement, container: HTMLElement): () => void {
  const fallback = [...element.childNodes].filter((node) => node != container)
  fallback.forEach((node) => node.remove())
  let aside = true
  return () => {
    if (!aside) return
    aside = false
    container.textContent = ''
    element.prepend(...fallback)
  }
}
