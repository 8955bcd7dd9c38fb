import { PLACEHOLDER_SELECTOR, pageOptions, rememberOwnScript } from './config'
import { loadEmbedScript } from './loader'
import { mountAll } from './mount'
import { positiveInteger } from './opts'

// Shared by every copy of the library on the page (Symbol.for is global), so a second copy starts nothing.
const STARTED = Symbol.for('moonclerk-checkout.started')

/** Reads the page's configuration and mounts every placeholder; the second call does nothing. */
export function start(): void {
  if (typeof document == 'undefined') return
  const flags = window as unknown as Record<symbol, boolean>
  if (flags[STARTED]) return
  flags[STARTED] = true
  // Only readable while our script runs: afterwards currentScript is another script or null.
  rememberOwnScript(document.currentScript)
  // The stock snippet fetches embed.js while the page still parses; so do we when a checkout is already there.
  if (document.querySelector(PLACEHOLDER_SELECTOR)) {
    const page = pageOptions()
    loadEmbedScript({ ...page, timeoutMs: positiveInteger(page.timeoutMs) || undefined })
  }
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', () => mountAll(), { once: true })
  else mountAll()
}
