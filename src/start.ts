import { rememberOwnScript } from './config'
import { mountAll } from './mount'

// Shared by every copy of the library on the page (Symbol.for is global), so a second copy starts nothing.
const STARTED = Symbol.for('moonclerk-checkout.started')

/**
 * What the script tag does: reads the page's configuration and mounts every placeholder. Those
 * already parsed mount at once (the stock snippet, too, fetches embed.js while the page still
 * parses); the rest at DOMContentLoaded. A second call does nothing.
 */
export function start(): void {
  if (typeof document == 'undefined') return
  const flags = window as unknown as Record<symbol, boolean>
  if (flags[STARTED]) return
  flags[STARTED] = true
  // Only readable while our script runs: afterwards currentScript is another script or null.
  rememberOwnScript(document.currentScript)
  mountAll()
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', () => mountAll(), { once: true })
}
