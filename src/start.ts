import { pageOptions, rememberOwnScript } from './config.js'
import { fromDocument, listenOn } from './dom.js'
import { decorateLinks } from './links.js'
import { mountAll } from './mount.js'
import { STARTED } from './page.js'
import { announceReturn, takeReturn } from './return.js'

/**
 * What the script tag does: reports a return, decorates checkout links and mounts every
 * placeholder. Those already parsed mount at once (the stock snippet, too, fetches embed.js while
 * the page still parses); the rest at DOMContentLoaded. A second call does nothing.
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
  const scan = () => {
    decorateLinks()
    mountAll()
  }
  const parsed = () => {
    // Announced once the page has parsed, so listeners added by its later scripts hear it too.
    if (returned) announceReturn(returned, pageOptions())
    scan()
  }
  if (fromDocument('readyState') != 'loading') return parsed()
  scan()
  listenOn(document, 'DOMContentLoaded', parsed, { once: true })
}
