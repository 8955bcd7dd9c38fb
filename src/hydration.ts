// React hydrates server-rendered markup by walking it alongside its own render: a node that an
// element added before (our container, our link) makes React discard the server's HTML with
// error #418. Next.js hydrates in pieces (each Suspense boundary, each cached route segment, on
// its own turn), so an element registered once some piece has hydrated can still upgrade inside
// a piece that has not. React leaves no public sign; it does mark each DOM node it owns with an
// own property `__reactFiber$<random>`, and its root container with `__reactContainer$<random>`
// (unchanged since React 17): the element reads those, and nothing else of React's.

import { parentOf } from './dom.js'

// A root React has unmounted keeps its mark's key, set to null.
const markedBy = (node: Node, prefix: string): string | undefined =>
  Object.keys(node).find((key) => key.startsWith(prefix) && (node as unknown as Record<string, unknown>)[key] != null)

/**
 * Whether `element` sits in markup that React will hydrate but has not yet: it carries no mark of
 * React's, and the nearest node that does is React's root, or an element of React's whose
 * children are React's too (not `dangerouslySetInnerHTML`, whose content React never walks).
 */
export function awaitingHydration(element: Element): boolean {
  if (markedBy(element, '__reactFiber$')) return false
  for (let node = parentOf(element); node; node = parentOf(node)) {
    if (markedBy(node, '__reactContainer$')) return true
    const props = markedBy(node, '__reactProps$')
    if (props)
      return !(node as unknown as Record<string, { dangerouslySetInnerHTML?: unknown }>)[props].dangerouslySetInnerHTML
  }
  return false
}
