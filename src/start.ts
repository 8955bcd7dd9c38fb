import { pageOptions, rememberOwnScript } from './config.js'
import { fromDocument, listenOn } from './dom.js'
import { decorateLinks } from './links.js'
import { mount, placeholders } from './mount.js'
import { page, STARTED } from './page.js'
import { reportReturn, takeReturn } from './return.js'

/**
 * Whether the parser is done with `element`: something follows it or one of its ancestors, so
 * its content is all there. A script's is by the time it runs (the one-tag form). Scripts add
 * widgets (consent banners, chats) at the end of `<body>` while the page parses: a sibling of a
 * section of `<body>` proves nothing.
 */
function parsed(element: Element): boolean {
  const body = fromDocument('body')
  for (let node: Node | null = element; node && (node == element || node.parentNode != body); node = node.parentNode)
    if (node.nextSibling) return true
  return element instanceof HTMLScriptElement
}

/** Mounts a placeholder nobody has mounted yet, and remembers that start-up did. */
const mountAtStart = (placeholder: Element) => {
  if (page.handles.has(placeholder)) return
  mount(placeholder)
  page.mountedAtStart.add(placeholder)
}

/**
 * While the page parses, decorates links and mounts each placeholder as soon as the parser is
 * done with it, so that a checkout shows mid-parse (as the stock snippet's does) while the rest
 * of the page still arrives. Stops at DOMContentLoaded, when `then` runs.
 */
function whileParsing(then: () => void): void {
  const scan = () => {
    decorateLinks()
    placeholders().filter(parsed).forEach(mountAtStart)
  }
  // The parser's insertions arrive in batches; each may complete a placeholder.
  const observer = new MutationObserver(scan)
  observer.observe(fromDocument('documentElement'), { childList: true, subtree: true })
  scan()
  listenOn(document, 'DOMContentLoaded', () => (observer.disconnect(), then()), { once: true })
}

/**
 * What the script tag does: reports a return, decorates checkout links and mounts every
 * placeholder, while the page parses (each as soon as it is complete; the stock snippet, too,
 * fetches embed.js mid-parse) and at DOMContentLoaded. A second call does nothing.
 */
export function start(): void {
  if (typeof document == 'undefined') return
  const flags = window as unknown as Record<symbol, boolean>
  if (flags[STARTED]) return
  flags[STARTED] = true
  // Only readable while our script runs: afterwards currentScript is another script or null.
  rememberOwnScript(fromDocument('currentScript'))
  // Read before this page mounts anything, so its own cids cannot vouch for the one that came back.
  const returned = takeReturn(pageOptions())
  const done = () => {
    // Announced once the page has parsed, so listeners added by its later scripts hear it too,
    // and an element that declares this page the success page is there.
    reportReturn(returned)
    decorateLinks()
    placeholders().forEach(mountAtStart)
  }
  if (fromDocument('readyState') == 'loading') whileParsing(done)
  else done()
}
