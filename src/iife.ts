// The script-tag build: the global `MoonClerkCheckout` holds the ESM exports and the element
// class; it registers <moonclerk-checkout> and starts by itself.
import { MoonClerkCheckoutElement } from './element.js'
import * as exports from './index.js'
import { define } from './registration.js'
import { isPlainObject } from './dom.js'
import { page } from './page.js'
import { start } from './start.js'

// In this order: start() reads our script tag, whose settings an element already in the page
// (upgraded by define()) must get too.
start()
// A copy that did not start (its tag lacks the page's nonce) registers and overwrites nothing.
if (!page.refused) define()

// Calls made before this script arrived, from the site's own scripts (no inline snippet needed):
//   var mc = window.MoonClerkCheckout
//   ;(mc && mc.push ? mc : (window.MoonClerkCheckout = [])).push((api) => api.mount('#pay'))
// That array becomes the API object itself: its calls run now, and later pushes run at once.
type Queued = (api: unknown) => void
if (typeof window == 'object' && !page.refused) {
  const global = window as unknown as { MoonClerkCheckout?: unknown }
  const found = global.MoonClerkCheckout
  // A queue (an array), or another copy's API (a plain object), is extended; an element or a
  // frame's window that shows through `window` under this name is replaced.
  const api = (isPlainObject(found) ? found : {}) as Record<string, unknown> & { push: unknown }
  const queued: Queued[] = Array.isArray(api) ? api.splice(0) : []
  const run = (call: Queued) => {
    try {
      call(api)
    } catch (error) {
      console.error(error)
    }
  }
  global.MoonClerkCheckout = Object.assign(api, exports, { MoonClerkCheckoutElement })
  api.push = (...calls: Queued[]) => (calls.forEach(run), 0)
  queued.forEach(run)
}
