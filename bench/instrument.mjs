// What the benchmark learns from a page: the init script injected before any of the page's
// scripts (display() calls, frame loads, clicks, long tasks), the request classification behind
// the byte counts, and the V8 profile → main-thread time by script URL attribution.
import { VARIANTS } from './plan.mjs'

/**
 * The init script (page.addInitScript). Playwright sends its source to the page, so it must be
 * self-contained: no imports, no helpers from outside, which is why it is one long function.
 *
 * Records, in the top frame only, the time (performance.now(), i.e. since navigation start) of
 * every MoonclerkEmbed#display() call and how long each took, the load of every iframe, clicks,
 * and long tasks. The stand-in's embed.js assigns `window.MoonclerkEmbed` and then its
 * `prototype.display`, so a setter trap on the global wraps the method as it is assigned.
 * With `noop`, MoonClerk is a do-nothing constructor defined before the page's scripts, so the
 * library never loads embed.js (scan-cost runs).
 */
export function instrument({ noop }) {
  if (window !== window.top) return
  const bench = (window.__bench = { displays: [], displayMs: 0, frames: [], clicks: [], longTasks: [], waiters: [] })
  // Resolves once `count` display() calls and `count` iframe loads have happened: no polling.
  const wake = () =>
    (bench.waiters = bench.waiters.filter(
      (w) => !(bench.displays.length >= w.count && bench.frames.length >= w.count && (w.resolve(), true)),
    ))
  bench.until = (count) => new Promise((resolve) => (bench.waiters.push({ count, resolve }), wake()))
  if (noop) {
    const Noop = function () {}
    Noop.prototype.display = function () {}
    window.MoonclerkEmbed = Noop
    return
  }
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration })
    }).observe({ type: 'longtask', buffered: true })
  } catch (e) {
    bench.longTasks = null
  }
  window.addEventListener('click', () => bench.clicks.push(performance.now()), true)
  document.addEventListener(
    'load',
    (event) => event.target instanceof HTMLIFrameElement && (bench.frames.push(performance.now()), wake()),
    true,
  )
  const wrapped = new WeakSet()
  let current
  Object.defineProperty(window, 'MoonclerkEmbed', {
    configurable: true,
    get: () => current,
    set(Ctor) {
      current = Ctor
      if (typeof Ctor != 'function' || wrapped.has(Ctor)) return
      wrapped.add(Ctor)
      let display
      Object.defineProperty(Ctor.prototype, 'display', {
        configurable: true,
        get: () =>
          display &&
          function () {
            const start = performance.now()
            bench.displays.push(start)
            try {
              return display.apply(this, arguments)
            } finally {
              bench.displayMs += performance.now() - start
              wake()
            }
          },
        set(fn) {
          display = fn
        },
      })
    },
  })
}

/** What a request is, for the byte counts. */
export function kindOf(url, { standInOrigin, checkoutOrigin = standInOrigin }) {
  const { pathname, origin } = new URL(url)
  if (origin === standInOrigin && pathname === '/assets/embed.js') return 'embed'
  if (origin === checkoutOrigin) return 'checkout' // the hosted checkout page and its stylesheet
  if (pathname.startsWith('/dist/') || pathname === VARIANTS.C.ownScript) return 'library'
  return 'page' // the HTML document and the fixtures' stylesheet
}

export const KINDS = ['page', 'library', 'embed', 'checkout']

/**
 * Requests of each kind and their bytes on the wire (headers + encoded body), from entries of
 * `{ kind, sizes }` (sizes null when not known, e.g. still in flight: counted, no bytes).
 */
export function tally(requests) {
  const out = {}
  for (const kind of KINDS) out[kind] = { requests: 0, bytes: 0 }
  for (const r of requests) {
    out[r.kind].requests++
    if (r.sizes) out[r.kind].bytes += r.sizes.responseHeadersSize + r.sizes.responseBodySize
  }
  out.total = { requests: requests.length, bytes: Object.values(out).reduce((sum, k) => sum + k.bytes, 0) }
  return out
}

/**
 * Main-thread JS time per script URL from a V8 CPU profile (Profiler domain). Each sample's node
 * gets the time up to the next sample. Native functions (appendChild, querySelectorAll …) have no
 * URL: their time goes to the nearest caller that has one, so DOM work that MoonClerk's display()
 * does counts as MoonClerk's, and DOM work our code does counts as ours. (program), (idle) and
 * (garbage collector) stay apart.
 */
const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)'])
export function timeByUrl(profile) {
  const ownerOf = owners(profile)
  const totals = new Map()
  const { samples, timeDeltas } = profile
  for (let i = 0; i < samples.length - 1; i++) {
    const owner = ownerOf(samples[i])
    totals.set(owner, (totals.get(owner) || 0) + timeDeltas[i + 1] / 1000)
  }
  return totals
}

/** node id → the URL (or special name, or '(native)') its time is charged to; memoized. */
function owners(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map()
  for (const node of profile.nodes) for (const child of node.children || []) parents.set(child, node.id)
  const known = new Map()
  const ownerOf = (id) => {
    if (known.has(id)) return known.get(id)
    const { url, functionName } = nodes.get(id).callFrame
    let owner
    if (url) owner = url
    else if (SPECIAL.has(functionName)) owner = functionName
    else {
      const parent = parents.get(id)
      owner = parent == null ? '(native)' : ownerOf(parent)
      if (SPECIAL.has(owner)) owner = '(native)'
    }
    known.set(id, owner)
    return owner
  }
  return ownerOf
}

/**
 * A second init script for the realistic page: every largest-contentful-paint candidate (time,
 * size, and the element's id or tag, to see that the hero heading is the one). Self-contained,
 * like instrument(). Read at the end of the run, when the page's first paints are long done.
 */
export function paintMetrics() {
  if (window !== window.top) return
  const paints = (window.__paints = { lcp: [] })
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const element = entry.element
        paints.lcp.push({
          at: entry.startTime,
          size: entry.size,
          element: element ? element.id || element.tagName.toLowerCase() : null,
        })
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true })
  } catch (e) {
    paints.lcp = null
  }
}
