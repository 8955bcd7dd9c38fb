// The script-tag build: the global `MoonClerkCheckout` holds the ESM exports and the element
// class; it registers <moonclerk-checkout> and starts by itself.
import { define } from './registration.js'
import { start } from './start.js'

export * from './index.js'
export { MoonClerkCheckoutElement } from './element.js'

// In this order: start() reads our script tag, whose settings an element already in the page
// (upgraded by define()) must get too.
start()
define()

// Calls made before this script arrived, from the site's own scripts (no inline snippet needed):
//   (window.MoonClerkCheckout = window.MoonClerkCheckout || []).push((api) => api.mount('#pay'))
// The build extends an existing global, so that array becomes the API object itself; its calls
// run once the exports are on it, and later pushes run at once.
type Queued = (api: unknown) => void
const queue = typeof window == 'object' && (window as unknown as { MoonClerkCheckout?: unknown }).MoonClerkCheckout
if (Array.isArray(queue))
  Promise.resolve().then(() => {
    const run = (call: Queued) => {
      try {
        call(queue)
      } catch (error) {
        console.error(error)
      }
    }
    queue.splice(0).forEach(run)
    queue.push = (...calls: Queued[]) => (calls.forEach(run), 0)
  })
