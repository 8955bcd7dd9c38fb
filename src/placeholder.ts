// What a checkout does inside its placeholder: the fallback link, MoonClerk's container, and the
// fallback hidden while the checkout shows. Nodes the author (or a framework) made are never moved
// or removed: only attributes change, and change back. Each registers its undoing with `onAbort`.
import { page } from './page.js'
import {
  adoptSheet,
  attributeOf,
  createElement,
  fromDocument,
  parentOf,
  removeAttributeOf,
  setAttributeOn,
} from './dom.js'

/** Registers what `destroy()` must undo; undone in reverse order. */
export type OnAbort = (undo: () => void) => void

/** Marks the container of ours that a checkout claimed, with its form's token. */
const CONTAINER = 'data-moonclerk-container'

/**
 * Marks what hideFallback() hid. `hidden` is only the browser's own `display: none`, which any rule
 * of the page's beats (a theme's `a.button { display: inline-block }` would keep the link above
 * the checkout); an `!important` rule of ours, no ordinary one.
 */
const HIDDEN = 'data-moonclerk-hidden'

const withoutQuery = (href: string) => href.split(/[?#]/)[0]

/**
 * The placeholder's link to the hosted checkout: the author's own, or one added. On destroy, the
 * author's gets its `href` back, unless a framework has pointed it elsewhere meanwhile.
 */
export function fallbackLink(element: HTMLElement, base: string, label: string, onAbort: OnAbort): HTMLAnchorElement {
  // Only HTML links: an SVG <a> (an icon's) has an SVGAnimatedString for an href.
  const authorLink = [...element.querySelectorAll('a[href]')].find(
    (a): a is HTMLAnchorElement => a instanceof HTMLAnchorElement && withoutQuery(a.href) == base,
  )
  if (authorLink) {
    const authorHref = authorLink.getAttribute('href')!
    onAbort(() => withoutQuery(authorLink.href) == base && authorLink.setAttribute('href', authorHref))
    return authorLink
  }
  const link = element.appendChild(createElement('a'))
  link.href = base
  link.textContent = label
  onAbort(() => link.remove())
  return link
}

/** Whether `node` lies in a placeholder this copy has mounted. */
function inMounted(node: Node | null): boolean {
  for (; node; node = parentOf(node)) if (page.handles.has(node as Element)) return true
  return false
}

/**
 * MoonClerk's embed finds its container by id (`mc<token>`) and replaces whatever it holds. That
 * is always an element of ours inside the placeholder, never the author's: a framework (React,
 * Gatsby) may own the placeholder and its children. Claimed synchronously, by a marker rather
 * than the id, so that a second checkout of the same form sees it is taken: `taken` then names
 * the other checkout's container, or an element with the id outside the placeholder (a stock
 * snippet's), never touched.
 *
 * `lend()` gives our container the id right before MoonClerk looks for it. Until then an author's
 * element with that id (the stock snippet's `<div id="mc<token>" class="button">`, which merchants'
 * CSS styles by its id) keeps it, so that its border and padding frame the link while MoonClerk
 * loads, not an empty box of ours. It returns what gives the id back, for a failure; destroy does
 * the same.
 */
export function claimContainer(
  element: HTMLElement,
  token: string,
  onAbort: OnAbort,
): { container: HTMLElement; taken: boolean; lend: () => () => void } {
  const id = 'mc' + token
  // The token passed its check (letters and digits): safe in a selector.
  const claimed = fromDocument('querySelector').call(document, `[${CONTAINER}="${token}"]`) as HTMLElement | null
  const found = fromDocument('getElementById').call(document, id)
  // An element with the id elsewhere is a stock snippet's container, unless it is the author's
  // markup in a checkout of ours (one that is parked has given it its id back).
  const other = claimed || (found && !element.contains(found) && !inMounted(found) ? found : null)
  const container = other || element.appendChild(createElement('div'))
  if (!other) {
    container.setAttribute(CONTAINER, token)
    onAbort(() => container.remove())
  }
  // `found` may be any element of the page's, a form whose controls shadow its members included.
  const lend = () => {
    if (found) removeAttributeOf(found, 'id')
    container.id = id
    const giveBack = () => {
      container.removeAttribute('id')
      // Unless a framework has given the element another id meanwhile.
      if (found && !attributeOf(found, 'id')) setAttributeOn(found, 'id', id)
    }
    onAbort(giveBack)
    return giveBack
  }
  return { container, taken: !!other, lend }
}

/**
 * Hides the fallback (everything in the placeholder but the container) while the checkout shows,
 * without moving or removing a node: a framework's later updates must find its nodes where it
 * left them. Elements get `hidden` and `data-moonclerk-hidden` (see HIDDEN); text is emptied.
 * Returns what shows them again (but what was hidden already, or text the framework has rewritten
 * meanwhile) and empties the container; calling it twice is harmless.
 */
export function hideFallback(element: HTMLElement, container: HTMLElement): () => void {
  adoptSheet(`[${HIDDEN}]{display:none!important}`)
  const undo: Array<() => void> = []
  // Through Element's prototype: a child form's controls may be named like its members.
  const hide = (node: Element, show: () => void) => {
    setAttributeOn(node, HIDDEN, '')
    undo.push(() => (removeAttributeOf(node, HIDDEN), show()))
  }
  for (const node of element.childNodes) {
    if (node == container) continue
    if (node instanceof HTMLElement && attributeOf(node, 'hidden') == null) {
      setAttributeOn(node, 'hidden', '')
      hide(node, () => removeAttributeOf(node, 'hidden'))
    } else if (node instanceof SVGElement && attributeOf(node, 'display') == null) {
      // An icon: SVG has no `hidden`, but a display attribute.
      setAttributeOn(node, 'display', 'none')
      hide(node, () => removeAttributeOf(node, 'display'))
    } else if (node instanceof Text && node.data.trim()) {
      const text = node.data
      node.data = ''
      undo.push(() => node.data || (node.data = text))
    }
  }
  return () => {
    container.textContent = ''
    while (undo.length) undo.pop()!()
  }
}
