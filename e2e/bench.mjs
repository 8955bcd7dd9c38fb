// `npm run bench`: MoonClerk's stock snippet (A) against moonclerk-checkout (B) and a control (C,
// the snippet's work from a tiny external script), in Chromium, on the local MoonClerk stand-in,
// with embed.js answered after a fixed latency. Prints a table and writes bench/results.json and
// bench/chart.svg. BENCHMARKS.md explains the method and the numbers.
//
// Not a Playwright test (`playwright test` runs only *.spec.ts): a plain Node script.
// Environment: BENCH_PAIRS (rounds per count, each running A, B and C once; default 12, at
// least 7), BENCH_SCAN_RUNS (runs per scan size, default 7), BENCH_OUT (output folder, default bench/).
import { chromium } from '@playwright/test'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { spawn } from 'node:child_process'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const OUT = path.resolve(ROOT, process.env.BENCH_OUT || 'bench')
const SYSTEM_CHROMIUM = '/usr/bin/chromium'
const LIBRARY_FILE = path.join(ROOT, 'dist', 'moonclerk-checkout.umd.min.js')

/** The latency the fixtures ask of the stand-in's embed.js (`?delay=150` in every bench-*.html). */
const EMBED_DELAY_MS = 150
const ROUNDS = Math.max(7, Number(process.env.BENCH_PAIRS) || 12)
const PROFILE_ROUNDS = 7
const LAZY_RUNS = 7
const SCAN_RUNS = Math.max(3, Number(process.env.BENCH_SCAN_RUNS) || 7)
const COUNTS = [1, 3, 10]
const SCAN_SIZES = [10, 100, 1000]
/** V8 CPU profiler sampling interval, in microseconds. */
const SAMPLING_US = 50
/** Percentile bootstrap of the median ratio: resamples, and the seed that makes it reproducible. */
const BOOTSTRAP_RESAMPLES = 2000
const BOOTSTRAP_SEED = 20261122

/**
 * The eager variants: their fixture (e2e/fixtures/bench-<fixture>-<count>.html) and the script
 * whose main-thread time is their own. A's own code is its inline snippets, whose URL is the page's.
 */
const VARIANTS = {
  A: { label: 'MoonClerk stock snippet', fixture: 'stock', ownScript: null },
  B: { label: 'moonclerk-checkout', fixture: 'lib', ownScript: '/dist/moonclerk-checkout.umd.min.js' },
  C: { label: "control: the snippet's work from an external async file", fixture: 'control', ownScript: '/e2e/bench-control.js' },
}
const VARIANT_NAMES = Object.keys(VARIANTS)
/** Ratios of time to the last display() reported per count, each as [numerator, denominator]. */
const RATIOS = [['B', 'A'], ['C', 'A'], ['B', 'C']]

// ---------------------------------------------------------------------------------------------
// In-page instrumentation, added to every page before any of its scripts run (page.addInitScript).
// ---------------------------------------------------------------------------------------------

/**
 * Records, in the top frame only, the time (performance.now(), i.e. since navigation start) of
 * every MoonclerkEmbed#display() call and how long each took, the load of every iframe, clicks,
 * and long tasks. The stand-in's embed.js assigns `window.MoonclerkEmbed` and then its
 * `prototype.display`, so a setter trap on the global wraps the method as it is assigned.
 * With `noop`, MoonClerk is a do-nothing constructor defined before the page's scripts, so the
 * library never loads embed.js (scan-cost runs).
 */
function instrument({ noop }) {
  if (window !== window.top) return
  const bench = (window.__bench = { displays: [], displayMs: 0, frames: [], clicks: [], longTasks: [], waiters: [] })
  // Resolves once `count` display() calls and `count` iframe loads have happened: no polling.
  const wake = () => (bench.waiters = bench.waiters.filter((w) => !(bench.displays.length >= w.count && bench.frames.length >= w.count && (w.resolve(), true))))
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
  document.addEventListener('load', (event) => event.target instanceof HTMLIFrameElement && (bench.frames.push(performance.now()), wake()), true)
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

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const median = (values) => {
  const sorted = values.filter((v) => v != null && !Number.isNaN(v)).sort((a, b) => a - b)
  if (!sorted.length) return null
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const min = (values) => Math.min(...values)
const max = (values) => Math.max(...values)
const round = (value, digits = 1) => (value == null ? null : Math.round(value * 10 ** digits) / 10 ** digits)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Round `round` runs the variants rotated by `round`, so none always goes first (or last). */
const variantOrder = (round) => VARIANT_NAMES.map((_, i) => VARIANT_NAMES[(i + round) % VARIANT_NAMES.length])

/** mulberry32: a small seeded PRNG, so the bootstrap gives the same interval for the same data. */
function seededRandom(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** The q-quantile of sorted values, interpolated between neighbours. */
function quantile(sorted, q) {
  const at = (sorted.length - 1) * q
  const below = Math.floor(at)
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (at - below)
}

/** 95 % percentile-bootstrap confidence interval of the median of `values`. */
function bootstrapMedianCI(values, { resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED, level = 0.95 } = {}) {
  const random = seededRandom(seed)
  const medians = []
  for (let i = 0; i < resamples; i++) medians.push(median(values.map(() => values[Math.floor(random() * values.length)])))
  medians.sort((a, b) => a - b)
  return [quantile(medians, (1 - level) / 2), quantile(medians, (1 + level) / 2)]
}

/**
 * A goal on a ratio, judged on its confidence interval: PASS when all of it meets the goal, FAIL
 * when none of it does, INCONCLUSIVE when it straddles the threshold (the noise decides).
 */
function verdictOf([low, high], threshold, { inclusive }) {
  const meets = (value) => (inclusive ? value <= threshold : value < threshold)
  if (meets(high)) return 'PASS'
  if (!meets(low)) return 'FAIL'
  return 'INCONCLUSIVE'
}

/** What a request is, for the byte counts. */
function kindOf(url, standInOrigin) {
  const { pathname, origin } = new URL(url)
  if (origin === standInOrigin && pathname === '/assets/embed.js') return 'embed'
  if (origin === standInOrigin) return 'checkout' // the hosted checkout page and its stylesheet
  if (pathname.startsWith('/dist/') || pathname === VARIANTS.C.ownScript) return 'library'
  return 'page' // the HTML document and the fixtures' stylesheet
}

/**
 * Main-thread JS time per script URL from a V8 CPU profile (Profiler domain). Each sample's node
 * gets the time up to the next sample. Native functions (appendChild, querySelectorAll …) have no
 * URL: their time goes to the nearest caller that has one, so DOM work that MoonClerk's display()
 * does counts as MoonClerk's, and DOM work our code does counts as ours. (program), (idle) and
 * (garbage collector) stay apart.
 */
const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)'])
function timeByUrl(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const parents = new Map()
  for (const node of profile.nodes) for (const child of node.children || []) parents.set(child, node.id)
  const owners = new Map()
  const ownerOf = (id) => {
    if (owners.has(id)) return owners.get(id)
    const { url, functionName } = nodes.get(id).callFrame
    let owner
    if (url) owner = url
    else if (SPECIAL.has(functionName)) owner = functionName
    else {
      const parent = parents.get(id)
      owner = parent == null ? '(native)' : ownerOf(parent)
      if (SPECIAL.has(owner)) owner = '(native)'
    }
    owners.set(id, owner)
    return owner
  }
  const totals = new Map()
  const { samples, timeDeltas } = profile
  for (let i = 0; i < samples.length - 1; i++) {
    const owner = ownerOf(samples[i])
    totals.set(owner, (totals.get(owner) || 0) + timeDeltas[i + 1] / 1000)
  }
  return totals
}

/** Waits until `test()` is true, polling; throws after `timeoutMs`. */
async function until(test, what, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`)
    await sleep(10)
  }
}

/**
 * The demo site and the MoonClerk stand-in (`node demo/serve.mjs --port 0`), in their own process:
 * their timers (embed.js's latency) do not wait behind this process's work with the browser.
 */
async function startServers() {
  const child = spawn(process.execPath, [path.join(ROOT, 'demo', 'serve.mjs'), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const origins = await new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`bench: demo/serve.mjs did not start:\n${output}`)), 15_000)
    child.once('exit', (code) => reject(new Error(`bench: demo/serve.mjs exited (${code}):\n${output}`)))
    child.stdout.on('data', (chunk) => {
      output += chunk
      const found = /Demo: (http:\/\/[^/\s]+)\/\s+\(MoonClerk stand-in: (http:\/\/[^)\s]+)\)/.exec(output)
      if (found) {
        clearTimeout(timer)
        resolve({ siteOrigin: found[1], standInOrigin: found[2] })
      }
    })
  })
  child.stdout.resume()
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', resolve)
      child.kill('SIGTERM')
    })
  return { ...origins, close }
}

/** Whether the server answers `url` gzip-encoded (Node's fetch asks for gzip, as browsers do). */
async function sendsGzip(url) {
  const response = await fetch(url)
  await response.arrayBuffer()
  return response.headers.get('content-encoding') === 'gzip'
}

/** How many embed.js requests the stand-in has answered so far (its records), or null. */
async function servedEmbedRequests(env) {
  try {
    const records = await (await fetch(`${env.standInOrigin}/__standin/records`)).json()
    return typeof records.embedRequests == 'number' ? records.embedRequests : null
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// One run: a fresh browser context, one page, one navigation.
// ---------------------------------------------------------------------------------------------

async function openRun(browser, env, { noop = false, profile = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  await context.addInitScript(instrument, { noop })
  const requests = []
  context.on('request', (request) => requests.push({ request, kind: kindOf(request.url(), env.standInOrigin), sizes: null, finished: false }))
  // Sizes are asked for only when traffic() is read, after the timed part: no protocol chatter meanwhile.
  context.on('requestfinished', (request) => {
    const entry = requests.find((r) => r.request === request)
    if (entry) entry.finished = true
  })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  let cdp = null
  if (profile) {
    cdp = await context.newCDPSession(page)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US })
    await cdp.send('Profiler.start')
  }
  /** Requests of each kind so far, and their bytes on the wire (headers + encoded body). */
  const traffic = async () => {
    await Promise.all(
      requests.filter((r) => r.finished && !r.sizes).map((r) => r.request.sizes().then((sizes) => (r.sizes = sizes), () => {})),
    )
    const out = {}
    for (const kind of ['page', 'library', 'embed', 'checkout']) out[kind] = { requests: 0, bytes: 0 }
    for (const r of requests) {
      out[r.kind].requests++
      if (r.sizes) out[r.kind].bytes += r.sizes.responseHeadersSize + r.sizes.responseBodySize
    }
    out.total = { requests: requests.length, bytes: Object.values(out).reduce((sum, k) => sum + k.bytes, 0) }
    return out
  }
  const close = async () => {
    await context.close()
    if (errors.length) throw new Error(`bench: uncaught page errors: ${errors.join('; ')}`)
  }
  return { context, page, cdp, traffic, close }
}

/** Waits for `count` display() calls and for every checkout frame to have loaded. */
async function waitForCheckouts(page, count) {
  let timer
  const done = page.evaluate((n) => window.__bench.until(n).then(() => true), count).catch(() => false)
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 10_000, false)))
  const ok = await Promise.race([done, timeout])
  clearTimeout(timer)
  if (!ok) throw new Error(`bench: timed out waiting for ${count} display() calls and checkout frames`)
}

/**
 * A page with `count` checkouts, eager: the stock snippet (A), the library (B) or the control (C).
 * Timing runs have no DevTools instrumentation attached; profiled runs (`profile`) only measure
 * main-thread time, since the sampling profiler slows every script down.
 */
async function runEager(browser, env, variant, count, { round = null, profile = false } = {}) {
  const url = `${env.siteOrigin}/e2e/bench-${VARIANTS[variant].fixture}-${count}.html`
  const run = await openRun(browser, env, { profile })
  const served = profile ? null : await servedEmbedRequests(env)
  try {
    await run.page.goto(url, { waitUntil: 'load' })
    await waitForCheckouts(run.page, count)
    await sleep(150) // Anything late (a second embed.js, a stray display) shows up here.
    if (profile) {
      const times = timeByUrl((await run.cdp.send('Profiler.stop')).profile)
      const ownUrl = VARIANTS[variant].ownScript ? env.siteOrigin + VARIANTS[variant].ownScript : url
      const embedUrls = [...times.keys()].filter((u) => u.includes('/assets/embed.js'))
      return {
        variant,
        count,
        round,
        ownScriptMs: times.get(ownUrl) || 0,
        moonclerkScriptMs: embedUrls.reduce((sum, u) => sum + times.get(u), 0),
        garbageCollectorMs: times.get('(garbage collector)') || 0,
      }
    }
    const bench = await run.page.evaluate(() => ({
      displays: window.__bench.displays,
      frames: window.__bench.frames,
      displayMs: window.__bench.displayMs,
      longTasks: window.__bench.longTasks,
      executions: window.__moonclerkStandIn ? window.__moonclerkStandIn.executions : 0,
      scriptElements: document.querySelectorAll('script[src*="/assets/embed.js"]').length,
    }))
    const traffic = await run.traffic()
    return {
      variant,
      count,
      round,
      displays: bench.displays.length,
      lastDisplayMs: max(bench.displays),
      firstDisplayMs: min(bench.displays),
      lastFrameLoadMs: max(bench.frames),
      embedScriptElements: bench.scriptElements,
      embedRequests: traffic.embed.requests,
      embedRequestsServed: served == null ? null : (await servedEmbedRequests(env)) - served,
      embedExecutions: bench.executions,
      bytes: {
        total: traffic.total.bytes,
        embed: traffic.embed.bytes,
        library: traffic.library.bytes,
        page: traffic.page.bytes,
        checkout: traffic.checkout.bytes,
      },
      displayCallMs: bench.displayMs,
      longTasks: bench.longTasks == null ? null : bench.longTasks.length,
      longTaskMs: bench.longTasks == null ? null : bench.longTasks.reduce((sum, t) => sum + t.duration, 0),
    }
  } finally {
    await run.close()
  }
}

/** Lets observers and timers fire: two frames, then `ms`. */
const settle = (page, ms = 400) =>
  page.evaluate((wait) => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, wait)))), ms)

/** One checkout below the fold, load="visible" or load="click" (library only). */
async function runLazy(browser, env, mode) {
  const run = await openRun(browser, env)
  const { page } = run
  try {
    await page.goto(`${env.siteOrigin}/e2e/bench-lazy-${mode}.html`, { waitUntil: 'load' })
    await until(() => page.evaluate(() => document.querySelector('[data-moonclerk-state]') != null), 'the library to start')
    await settle(page)
    const placeholder = page.locator('[data-moonclerk-checkout]')
    const belowFold = await placeholder.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight + 200)
    if (!belowFold) throw new Error('bench: the lazy checkout is not below the fold')
    const beforeIntent = await run.traffic()
    let intentAt
    let afterScroll = null
    if (mode === 'visible') {
      intentAt = await page.evaluate(() => {
        const at = performance.now()
        document.querySelector('[data-moonclerk-checkout]').scrollIntoView()
        return at
      })
    } else {
      // Scrolled into view first: in click mode, seeing the button must not load anything either.
      await placeholder.evaluate((el) => el.scrollIntoView())
      await settle(page)
      afterScroll = await run.traffic()
      await placeholder.getByRole('link').click()
      intentAt = await page.evaluate(() => window.__bench.clicks[0])
    }
    await waitForCheckouts(page, 1)
    const bench = await page.evaluate(() => ({ displays: window.__bench.displays, frames: window.__bench.frames }))
    const after = await run.traffic()
    const before = afterScroll || beforeIntent
    return {
      mode,
      beforeIntent: {
        embedRequests: before.embed.requests,
        embedBytes: before.embed.bytes,
        checkoutRequests: before.checkout.requests,
        checkoutBytes: before.checkout.bytes,
        totalBytes: before.total.bytes,
      },
      afterIntent: { embedRequests: after.embed.requests, embedBytes: after.embed.bytes, checkoutBytes: after.checkout.bytes },
      displayAfterIntentMs: bench.displays[0] - intentAt,
      frameLoadedAfterIntentMs: bench.frames[0] - intentAt,
    }
  } finally {
    await run.close()
  }
}

/**
 * `size` placeholders added to the page, then one timed `MoonClerkCheckout.mountAll()`. MoonClerk
 * is a no-op constructor defined before the page's scripts, so no embed.js loads and display()
 * does nothing: what is timed is the library's work alone.
 */
async function runScan(browser, env, size) {
  const run = await openRun(browser, env, { noop: true })
  const { page } = run
  try {
    await page.goto(`${env.siteOrigin}/e2e/bench-scan.html`, { waitUntil: 'load' })
    await until(() => page.evaluate(() => !!(window.MoonClerkCheckout && window.MoonClerkCheckout.mountAll)), 'the library to load')
    const result = await page.evaluate(
      async ({ size, payUrl }) => {
        const root = document.getElementById('scan-root')
        let html = ''
        for (let i = 0; i < size; i++) html += `<div data-moonclerk-checkout="scan${i}x"><a href="${payUrl}scan${i}x">Pay</a></div>`
        root.innerHTML = html
        // Layout and style of the new markup happen here, not inside the timed call.
        document.body.getBoundingClientRect()
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))
        const start = performance.now()
        const handles = window.MoonClerkCheckout.mountAll()
        const scanned = performance.now()
        await Promise.all(handles.map((h) => h.displayed))
        const settled = performance.now()
        return { handles: handles.length, syncMs: scanned - start, untilDisplayedMs: settled - start }
      },
      { size, payUrl: `${env.standInOrigin}/pay/` },
    )
    const traffic = await run.traffic()
    if (result.handles !== size) throw new Error(`bench: mountAll() returned ${result.handles} handles for ${size} placeholders`)
    if (traffic.embed.requests) throw new Error('bench: the scan runs loaded embed.js')
    return { size, ...result }
  } finally {
    await run.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Summaries, table, chart
// ---------------------------------------------------------------------------------------------

function summarizeEager(runs, profiled) {
  const out = {}
  for (const count of COUNTS) {
    const of = (list, variant) => list.filter((r) => r.count === count && r.variant === variant)
    const byVariant = Object.fromEntries(VARIANT_NAMES.map((v) => [v, of(runs, v)]))
    const profiledByVariant = Object.fromEntries(VARIANT_NAMES.map((v) => [v, of(profiled, v)]))
    const per = (groups, pick, reduce = median) => Object.fromEntries(VARIANT_NAMES.map((v) => [v, reduce(groups[v].map(pick))]))
    const metric = (pick) => per(byVariant, pick)
    const maxOf = (pick) => per(byVariant, pick, max)
    const profiledMetric = (pick) => per(profiledByVariant, pick)
    const lastDisplay = (variant, round) => byVariant[variant].find((r) => r.round === round).lastDisplayMs
    const rounds = byVariant.A.map((r) => r.round)
    const ratios = {}
    for (const [top, bottom] of RATIOS) {
      // Ratios within a round: both runs saw the same moment's machine load.
      const perRound = rounds.map((at) => lastDisplay(top, at) / lastDisplay(bottom, at))
      ratios[`${top}/${bottom}`] = {
        median: median(perRound),
        ci95: bootstrapMedianCI(perRound),
        ratioOfMedians: median(byVariant[top].map((r) => r.lastDisplayMs)) / median(byVariant[bottom].map((r) => r.lastDisplayMs)),
        perRound: perRound.map((r) => round(r, 3)),
      }
    }
    out[count] = {
      rounds: rounds.length,
      lastDisplayMs: metric((r) => r.lastDisplayMs),
      fastestLastDisplayMs: per(byVariant, (r) => r.lastDisplayMs, min),
      ratios,
      lastFrameLoadMs: metric((r) => r.lastFrameLoadMs),
      embedScriptElements: metric((r) => r.embedScriptElements),
      embedRequests: { median: metric((r) => r.embedRequests), max: maxOf((r) => r.embedRequests) },
      embedRequestsServed: { median: metric((r) => r.embedRequestsServed), max: maxOf((r) => r.embedRequestsServed) },
      embedExecutions: { median: metric((r) => r.embedExecutions), max: maxOf((r) => r.embedExecutions) },
      bytesTotal: metric((r) => r.bytes.total),
      bytesEmbed: metric((r) => r.bytes.embed),
      bytesLibrary: metric((r) => r.bytes.library),
      bytesPage: metric((r) => r.bytes.page),
      bytesCheckout: metric((r) => r.bytes.checkout),
      profiledRounds: profiledByVariant.A.length,
      ownScriptMs: profiledMetric((r) => r.ownScriptMs),
      moonclerkScriptMs: profiledMetric((r) => r.moonclerkScriptMs),
      longTasks: { median: metric((r) => r.longTasks), max: maxOf((r) => r.longTasks) },
    }
  }
  return out
}

function summarizeLazy(runs) {
  const out = {}
  for (const mode of ['visible', 'click']) {
    const R = runs.filter((r) => r.mode === mode)
    out[mode] = {
      runs: R.length,
      maxEmbedBytesBeforeIntent: max(R.map((r) => r.beforeIntent.embedBytes)),
      maxEmbedRequestsBeforeIntent: max(R.map((r) => r.beforeIntent.embedRequests)),
      maxCheckoutBytesBeforeIntent: max(R.map((r) => r.beforeIntent.checkoutBytes)),
      maxCheckoutRequestsBeforeIntent: max(R.map((r) => r.beforeIntent.checkoutRequests)),
      pageBytesBeforeIntent: median(R.map((r) => r.beforeIntent.totalBytes)),
      embedBytesAfterIntent: median(R.map((r) => r.afterIntent.embedBytes)),
      displayAfterIntentMs: median(R.map((r) => r.displayAfterIntentMs)),
      frameLoadedAfterIntentMs: median(R.map((r) => r.frameLoadedAfterIntentMs)),
    }
  }
  return out
}

function summarizeScan(runs) {
  const rows = SCAN_SIZES.map((size) => {
    const R = runs.filter((r) => r.size === size)
    const syncMs = median(R.map((r) => r.syncMs))
    const untilDisplayedMs = median(R.map((r) => r.untilDisplayedMs))
    return {
      size,
      runs: R.length,
      syncMs,
      untilDisplayedMs,
      syncUsPerPlaceholder: (syncMs * 1000) / size,
      untilDisplayedUsPerPlaceholder: (untilDisplayedMs * 1000) / size,
    }
  })
  // Growth exponent k in time ∝ n^k between neighbouring sizes: 1 is linear, 2 quadratic.
  const exponent = (pick, i) => Math.log(pick(rows[i + 1]) / pick(rows[i])) / Math.log(rows[i + 1].size / rows[i].size)
  const growth = rows.slice(0, -1).map((row, i) => ({
    from: row.size,
    to: rows[i + 1].size,
    syncExponent: exponent((r) => r.syncMs, i),
    untilDisplayedExponent: exponent((r) => r.untilDisplayedMs, i),
  }))
  return { rows, growth }
}

/** The goals of issue 7, each with what was measured and a verdict: PASS, FAIL or INCONCLUSIVE. */
function judge(eager, lazy, scan) {
  const last = scan.growth[scan.growth.length - 1]
  const passIf = (ok) => (ok ? 'PASS' : 'FAIL')
  const ratioGoal = (count, goal, threshold, inclusive) => {
    const ratio = eager[count].ratios['B/A']
    return {
      goal,
      measured: `median of round ratios ${withCI(ratio)}`,
      verdict: verdictOf(ratio.ci95, threshold, { inclusive }),
    }
  }
  const goals = [
    ratioGoal(1, 'time to last display(), 1 checkout: B/A ≤ 1.05', 1.05, true),
    ...[3, 10].map((count) => ratioGoal(count, `time to last display(), ${count} checkouts: B faster (B/A < 1)`, 1, false)),
    {
      goal: 'one embed.js request whatever the count (B, every run)',
      measured: COUNTS.map((c) => `${c}: max ${eager[c].embedRequests.max.B} request(s), ${eager[c].embedExecutions.max.B} execution(s)`).join('; '),
      verdict: passIf(
        COUNTS.every(
          (c) =>
            eager[c].embedRequests.max.B === 1 &&
            eager[c].embedExecutions.max.B === 1 &&
            (eager[c].embedRequestsServed.max.B == null || eager[c].embedRequestsServed.max.B === 1),
        ),
      ),
    },
    ...['visible', 'click'].map((mode) => ({
      goal: `load="${mode}": zero bytes of embed.js and of the checkout before intent (every run)`,
      measured: `max ${lazy[mode].maxEmbedBytesBeforeIntent} B embed.js, ${lazy[mode].maxCheckoutBytesBeforeIntent} B checkout`,
      verdict: passIf(
        lazy[mode].maxEmbedBytesBeforeIntent === 0 &&
          lazy[mode].maxEmbedRequestsBeforeIntent === 0 &&
          lazy[mode].maxCheckoutBytesBeforeIntent === 0 &&
          lazy[mode].maxCheckoutRequestsBeforeIntent === 0,
      ),
    })),
    {
      // The 10 → 100 step is mostly fixed cost and timer granularity (0.1 ms); 100 → 1,000 decides.
      goal: `scan cost grows no faster than linearly (exponent ${last.from} → ${last.to} ≤ 1.1)`,
      measured: scan.growth.map((g) => `${g.from}→${g.to}: ${g.syncExponent.toFixed(2)}`).join(', '),
      verdict: passIf(last.syncExponent <= 1.1),
    },
  ]
  return goals
}

/** A ratio as "1.083 [1.021–1.140]": median, then the 95 % confidence interval. */
const withCI = (ratio) => `${ratio.median.toFixed(3)} [${ratio.ci95[0].toFixed(3)}–${ratio.ci95[1].toFixed(3)}]`
const kb = (bytes) => (bytes == null ? '–' : `${(bytes / 1024).toFixed(1)} KB`)
const ms = (value) => (value == null ? '–' : `${value.toFixed(1)} ms`)

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)))
  const line = (row) => row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

function report({ eager, lazy, scan, goals, meta }) {
  const out = []
  out.push(`moonclerk-checkout benchmark: ${meta.date}`)
  out.push(`Chromium ${meta.browser}, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}; embed.js latency ${EMBED_DELAY_MS} ms; ${ROUNDS} rounds of A, B, C (rotated order); medians`)
  out.push(`load average (1/5/15 min) at start ${meta.loadAvgStart.join(' ')}, at end ${meta.loadAvgEnd.join(' ')}`)
  out.push(`${VARIANT_NAMES.map((v) => `${v} = ${VARIANTS[v].label}`).join(', ')}\n`)
  const rows = [['', ...COUNTS.flatMap((c) => VARIANT_NAMES.map((v) => `${c}× ${v}`))]]
  const add = (label, pick, format) => rows.push([label, ...COUNTS.flatMap((c) => VARIANT_NAMES.map((v) => format(pick(eager[c])[v])))])
  add('last display() after nav start', (s) => s.lastDisplayMs, ms)
  add('  fastest run', (s) => s.fastestLastDisplayMs, ms)
  add('last checkout frame loaded', (s) => s.lastFrameLoadMs, ms)
  add('embed.js <script> elements', (s) => s.embedScriptElements, String)
  add('embed.js requests (browser)', (s) => s.embedRequests.median, String)
  add('embed.js requests (server)', (s) => s.embedRequestsServed.median, (v) => (v == null ? 'n/a' : String(v)))
  add('embed.js executions', (s) => s.embedExecutions.median, String)
  add('bytes, all', (s) => s.bytesTotal, kb)
  add('bytes, embed.js', (s) => s.bytesEmbed, kb)
  add('bytes, library / control script', (s) => s.bytesLibrary, kb)
  add('bytes, page HTML + CSS', (s) => s.bytesPage, kb)
  add('own script main thread *', (s) => s.ownScriptMs, (v) => `${v.toFixed(2)} ms`)
  add('embed.js main thread *', (s) => s.moonclerkScriptMs, (v) => `${v.toFixed(2)} ms`)
  add('long tasks (≥ 50 ms)', (s) => s.longTasks.median, (v) => (v == null ? 'n/a' : String(v)))
  out.push(table(rows))
  out.push(`* from ${PROFILE_ROUNDS} separate profiled rounds (V8 sampling profiler, ${SAMPLING_US} µs); all else from the ${ROUNDS} uninstrumented rounds.`)
  out.push(`  Bytes are on the wire: the site's files ${meta.siteGzip ? 'gzip' : 'uncompressed'}, the stand-in's embed.js and checkout uncompressed; the library is ${(meta.libraryGzipBytes / 1024).toFixed(1)} KB gzip -9 (${(meta.libraryBytes / 1024).toFixed(1)} KB raw).`)
  out.push('')
  out.push(
    table([
      ['time to last display()', ...RATIOS.map(([top, bottom]) => `${top}/${bottom} [95% CI]`)],
      ...COUNTS.map((c) => [`${c} checkout(s)`, ...RATIOS.map(([top, bottom]) => withCI(eager[c].ratios[`${top}/${bottom}`]))]),
    ]),
  )
  out.push(`Medians of the ${ROUNDS} per-round ratios; percentile bootstrap, ${BOOTSTRAP_RESAMPLES} resamples, seed ${BOOTSTRAP_SEED}. Every round's ratios are in results.json.`)
  out.push('')
  out.push(
    table([
      ['lazy, below the fold (B only)', 'embed.js before intent', 'checkout before intent', 'display after intent', 'frame loaded after intent'],
      ...['visible', 'click'].map((mode) => [
        `load="${mode}"`,
        `${lazy[mode].maxEmbedBytesBeforeIntent} B (max)`,
        `${lazy[mode].maxCheckoutBytesBeforeIntent} B (max)`,
        ms(lazy[mode].displayAfterIntentMs),
        ms(lazy[mode].frameLoadedAfterIntentMs),
      ]),
    ]),
  )
  out.push('')
  out.push(
    table([
      ['scan: placeholders', 'mountAll() sync', 'per placeholder', 'until all displayed', 'per placeholder'],
      ...scan.rows.map((r) => [
        r.size.toLocaleString('en-US'),
        ms(r.syncMs),
        `${r.syncUsPerPlaceholder.toFixed(1)} µs`,
        ms(r.untilDisplayedMs),
        `${r.untilDisplayedUsPerPlaceholder.toFixed(1)} µs`,
      ]),
    ]),
  )
  out.push(`growth exponents (1 = linear): ${scan.growth.map((g) => `${g.from}→${g.to} sync ${g.syncExponent.toFixed(2)}, until displayed ${g.untilDisplayedExponent.toFixed(2)}`).join('; ')}`)
  out.push('')
  out.push('Goals')
  out.push('(ratio goals: PASS if the whole 95% CI meets the goal, FAIL if none of it does, else INCONCLUSIVE)')
  for (const g of goals) out.push(`  ${g.verdict.padEnd(12)}  ${g.goal}: ${g.measured}`)
  return out.join('\n')
}

const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])

/** Two panels, hand-written SVG: time to the last display() (A, B and C), and scan cost per placeholder. */
function chart({ eager, scan, meta }) {
  const W = 760
  const H = 420
  const colors = { A: '#9aa5b1', B: '#2f6fde', C: '#e0a030' }
  const parts = []
  const text = (x, y, content, attrs = '') => parts.push(`<text x="${x}" y="${y}" ${attrs}>${esc(content)}</text>`)
  text(20, 28, 'moonclerk-checkout vs the stock snippet and a control (embed.js latency 150 ms)', 'font-size="15" font-weight="600"')
  text(20, 46, `${meta.date.slice(0, 10)} · ${ROUNDS} rounds of A, B, C · medians · ${meta.cpus} cores · Chromium ${meta.browser}`, 'font-size="11" fill="#5b6875"')

  // Panel 1: grouped bars.
  const p1 = { x: 60, y: 80, w: 360, h: 230 }
  const top1 = Math.ceil(max(COUNTS.flatMap((c) => VARIANT_NAMES.map((v) => eager[c].lastDisplayMs[v]))) / 100) * 100
  text(p1.x - 40, p1.y - 14, 'time to last display() after navigation start (ms)', 'font-size="12" font-weight="600"')
  for (let v = 0; v <= top1; v += 100) {
    const y = p1.y + p1.h - (v / top1) * p1.h
    parts.push(`<line x1="${p1.x}" x2="${p1.x + p1.w}" y1="${y}" y2="${y}" stroke="#e3e8ee"/>`)
    text(p1.x - 6, y + 4, v, 'font-size="10" text-anchor="end" fill="#5b6875"')
  }
  const group = p1.w / COUNTS.length
  COUNTS.forEach((count, i) => {
    const s = eager[count]
    VARIANT_NAMES.forEach((variant, j) => {
      const value = s.lastDisplayMs[variant]
      const h = (value / top1) * p1.h
      const x = p1.x + i * group + 8 + j * 36
      parts.push(`<rect x="${x}" y="${p1.y + p1.h - h}" width="32" height="${h}" fill="${colors[variant]}"><title>${variant}, ${count} checkout(s): ${value.toFixed(1)} ms</title></rect>`)
      text(x + 16, p1.y + p1.h - h - 4, Math.round(value), 'font-size="10" text-anchor="middle"')
      text(x + 16, p1.y + p1.h + 13, `${s.embedExecutions.median[variant]}× run`, 'font-size="9" text-anchor="middle" fill="#5b6875"')
    })
    const middle = p1.x + i * group + group / 2
    text(middle, p1.y + p1.h + 28, `${count} checkout${count > 1 ? 's' : ''}`, 'font-size="11" text-anchor="middle"')
    ;['B/A', 'C/A'].forEach((name, k) => {
      const { median: value, ci95 } = s.ratios[name]
      text(middle, p1.y + p1.h + 41 + k * 12, `${name} ${value.toFixed(2)} [${ci95[0].toFixed(2)}–${ci95[1].toFixed(2)}]`, 'font-size="9" text-anchor="middle" fill="#5b6875"')
    })
  })
  parts.push(`<line x1="${p1.x}" x2="${p1.x + p1.w}" y1="${p1.y + p1.h}" y2="${p1.y + p1.h}" stroke="#1b2733"/>`)
  const legend = [
    ['A', 'A: stock snippet', 0],
    ['B', 'B: moonclerk-checkout', 115],
    ['C', 'C: control (snippet from a file)', 265],
  ]
  for (const [variant, label, dx] of legend) {
    parts.push(`<rect x="${p1.x - 40 + dx}" y="${H - 30}" width="12" height="12" fill="${colors[variant]}"/>`)
    text(p1.x - 22 + dx, H - 20, label, 'font-size="11"')
  }
  text(p1.x + 450, H - 20, '“× run”: embed.js executions; [ ]: 95% CI', 'font-size="10" fill="#5b6875"')

  // Panel 2: scan cost per placeholder, log-scaled sizes.
  const p2 = { x: 500, y: 80, w: 230, h: 230 }
  const perUs = scan.rows.map((r) => r.syncUsPerPlaceholder)
  const top2 = Math.max(4, Math.ceil(max(perUs) / 100) * 100)
  text(p2.x - 40, p2.y - 14, 'mountAll() cost per placeholder (µs)', 'font-size="12" font-weight="600"')
  for (let k = 0; k <= 4; k++) {
    const v = (top2 / 4) * k
    const y = p2.y + p2.h - (v / top2) * p2.h
    parts.push(`<line x1="${p2.x}" x2="${p2.x + p2.w}" y1="${y}" y2="${y}" stroke="#e3e8ee"/>`)
    text(p2.x - 6, y + 4, Math.round(v), 'font-size="10" text-anchor="end" fill="#5b6875"')
  }
  const xOf = (i) => p2.x + 25 + (i * (p2.w - 50)) / (scan.rows.length - 1)
  const yOf = (v) => p2.y + p2.h - (v / top2) * p2.h
  parts.push(`<polyline fill="none" stroke="${colors.B}" stroke-width="2" points="${scan.rows.map((r, i) => `${xOf(i)},${yOf(r.syncUsPerPlaceholder)}`).join(' ')}"/>`)
  scan.rows.forEach((r, i) => {
    parts.push(`<circle cx="${xOf(i)}" cy="${yOf(r.syncUsPerPlaceholder)}" r="4" fill="${colors.B}"><title>${r.size} placeholders: ${r.syncMs.toFixed(2)} ms in all</title></circle>`)
    text(xOf(i), yOf(r.syncUsPerPlaceholder) - 8, r.syncUsPerPlaceholder.toFixed(1), 'font-size="10" text-anchor="middle"')
    text(xOf(i), p2.y + p2.h + 13, r.size.toLocaleString('en-US'), 'font-size="11" text-anchor="middle"')
  })
  parts.push(`<line x1="${p2.x}" x2="${p2.x + p2.w}" y1="${p2.y + p2.h}" y2="${p2.y + p2.h}" stroke="#1b2733"/>`)
  text(p2.x + p2.w / 2, p2.y + p2.h + 28, 'placeholders on the page (flat or falling = linear or better)', 'font-size="9" text-anchor="middle" fill="#5b6875"')

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" fill="#1b2733">
<rect width="${W}" height="${H}" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  const startedAt = Date.now()
  const loadAvgStart = os.loadavg().map((v) => round(v, 2))
  if (!existsSync(LIBRARY_FILE)) throw new Error('bench: dist/ is missing; run `npm run build` (npm run bench does)')
  const servers = await startServers()
  const env = { siteOrigin: servers.siteOrigin, standInOrigin: servers.standInOrigin }
  const browser = await chromium.launch(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {})
  const progress = (message) => process.stderr.write(`\r\x1b[2K${message}`)
  // Seconds per phase, so the cost of more rounds can be read off a run.
  const phaseS = {}
  let phaseStart = Date.now()
  const endPhase = (name) => ((phaseS[name] = round((Date.now() - phaseStart) / 1000, 1)), (phaseStart = Date.now()))
  try {
    // Warm-up (discarded): the servers, the browser's first process, the OS file cache.
    for (const variant of VARIANT_NAMES) await runEager(browser, env, variant, 3)
    endPhase('startAndWarmUp')

    const eagerRuns = []
    for (let round = 0; round < ROUNDS; round++) {
      for (const count of COUNTS) {
        progress(`eager: round ${round + 1}/${ROUNDS}, ${count} checkout(s)`)
        for (const variant of variantOrder(round)) eagerRuns.push(await runEager(browser, env, variant, count, { round }))
      }
    }
    endPhase('eager')
    const profiledRuns = []
    for (let round = 0; round < PROFILE_ROUNDS; round++) {
      for (const count of COUNTS) {
        progress(`main thread (profiled): round ${round + 1}/${PROFILE_ROUNDS}, ${count} checkout(s)`)
        for (const variant of variantOrder(round)) profiledRuns.push(await runEager(browser, env, variant, count, { round, profile: true }))
      }
    }
    endPhase('profiled')
    const lazyRuns = []
    for (let i = 1; i <= LAZY_RUNS; i++) {
      for (const mode of ['visible', 'click']) {
        progress(`lazy: run ${i}/${LAZY_RUNS}, load="${mode}"`)
        lazyRuns.push(await runLazy(browser, env, mode))
      }
    }
    endPhase('lazy')
    const scanRuns = []
    await runScan(browser, env, 100) // warm-up, discarded
    for (let i = 1; i <= SCAN_RUNS; i++) {
      for (const size of SCAN_SIZES) {
        progress(`scan: run ${i}/${SCAN_RUNS}, ${size} placeholders`)
        scanRuns.push(await runScan(browser, env, size))
      }
    }
    endPhase('scan')
    progress('')

    const eager = summarizeEager(eagerRuns, profiledRuns)
    const lazy = summarizeLazy(lazyRuns)
    const scan = summarizeScan(scanRuns)
    const goals = judge(eager, lazy, scan)
    const meta = {
      date: new Date().toISOString(),
      command: 'npm run bench',
      browser: browser.version(),
      browserPath: existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : "Playwright's Chromium",
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: (os.cpus()[0] && os.cpus()[0].model.trim()) || 'unknown',
      memoryGB: round(os.totalmem() / 2 ** 30, 1),
      embedDelayMs: EMBED_DELAY_MS,
      variants: Object.fromEntries(VARIANT_NAMES.map((v) => [v, VARIANTS[v].label])),
      rounds: ROUNDS,
      roundOrder: 'round i runs the variants rotated by i: A B C, B C A, C A B, …',
      profiledRounds: PROFILE_ROUNDS,
      bootstrap: { resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED, level: 0.95, method: 'percentile, median of per-round ratios' },
      lazyRuns: LAZY_RUNS,
      scanRuns: SCAN_RUNS,
      libraryBytes: statSync(LIBRARY_FILE).size,
      libraryGzipBytes: gzipSync(readFileSync(LIBRARY_FILE), { level: 9 }).length,
      siteGzip: await sendsGzip(`${env.siteOrigin}/dist/moonclerk-checkout.umd.min.js`),
      profilerSamplingUs: SAMPLING_US,
      durationS: null,
      phaseS,
      loadAvgStart,
      loadAvgEnd: os.loadavg().map((v) => round(v, 2)),
    }
    meta.durationS = round((Date.now() - startedAt) / 1000, 1)
    const results = { meta, goals, eager, lazy, scan, runs: { eager: eagerRuns, profiled: profiledRuns, lazy: lazyRuns, scan: scanRuns } }
    await mkdir(OUT, { recursive: true })
    await writeFile(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n')
    await writeFile(path.join(OUT, 'chart.svg'), chart(results))
    console.log(report(results))
    console.log(`\nWrote ${path.relative(ROOT, path.join(OUT, 'results.json'))} and ${path.relative(ROOT, path.join(OUT, 'chart.svg'))} in ${meta.durationS} s (${Object.entries(phaseS).map(([name, s]) => `${name} ${s} s`).join(', ')}).`)
  } finally {
    await browser.close()
    await servers.close()
  }
}

main().catch((error) => {
  console.error(error.stack || error.message)
  process.exit(1)
})
