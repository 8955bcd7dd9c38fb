import { pageOptions, rememberOwnScript } from './config.js'
import { fromDocument, listenOn, parentOf } from './dom.js'
import { LOG_PREFIX } from './events.js'
import { decorateLinks } from './links.js'
import { mountOrReport, placeholders } from './mount.js'
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
  for (let node: Node | null = element; node && (node == element || parentOf(node) != body); node = parentOf(node))
    if (Reflect.get(Node.prototype, 'nextSibling', node)) return true
  return element instanceof HTMLScriptElement
}

/**
 * Mounts a placeholder nobody has mounted yet, and remembers that start-up did. One placeholder's
 * failure (markup no checkout can use) never stops the others.
 */
const mountAtStart = (placeholder: Element) => {
  if (!page.handles.has(placeholder) && mountOrReport(placeholder)) page.mountedAtStart.add(placeholder)
}

/**
 * Where the page's other scripts carry nonces (a CSP with nonces), a copy of the library whose
 * tag does not carry one of theirs was not put there by the site: markup injected where the CSP
 * also allows the library's host or 'self', with no nonce or a made-up one. Its attributes must
 * not configure the page (another pay URL, another embed.js). A tag inserted by script (a tag
 * manager under 'strict-dynamic') is the page's own code's doing: markup cannot insert one.
 */
function withoutThePagesNonce(script: Element | null): boolean {
  if (!(script instanceof HTMLScriptElement) || (script.async && !script.hasAttribute('async'))) return false
  const nonces = [...fromDocument('scripts')]
    .filter((other) => other != script && other.nonce)
    .map((other) => other.nonce)
  return nonces.length > 0 && !nonces.includes(script.nonce)
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
  // Only readable while our script runs: afterwards currentScript is another script or null.
  const script = fromDocument('currentScript')
  // The site's own copy, with the nonce, starts instead.
  if (withoutThePagesNonce(script)) {
    // Nor does it take over the global API: the site's copy keeps its settings and what it heard.
    page.refused = true
    return console.warn(LOG_PREFIX + "a copy of the library without the page's nonce did not start")
  }
  flags[STARTED] = true
  rememberOwnScript(script)
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
