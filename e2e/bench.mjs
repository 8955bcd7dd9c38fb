// `npm run bench`: MoonClerk's stock snippet (A) against moonclerk-checkout (B), in Chromium, on
// the local MoonClerk stand-in, with embed.js answered after a fixed latency. Prints a table and
// writes bench/results.json and bench/chart.svg. BENCHMARKS.md explains the method and the numbers.
//
// Not a Playwright test (`playwright test` runs only *.spec.ts): a plain Node script.
// Environment: BENCH_PAIRS (A/B pairs per scenario, default 9, at least 7), BENCH_SCAN_RUNS
// (runs per scan size, default 7), BENCH_OUT (output folder, default bench/).
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
const PAIRS = Math.max(7, Number(process.env.BENCH_PAIRS) || 9)
const PROFILE_PAIRS = 7
const LAZY_RUNS = 7
const SCAN_RUNS = Math.max(3, Number(process.env.BENCH_SCAN_RUNS) || 7)
const COUNTS = [1, 3, 10]
const SCAN_SIZES = [10, 100, 1000]
/** V8 CPU profiler sampling interval, in microseconds. */
const SAMPLING_US = 50

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

/** What a request is, for the byte counts. */
function kindOf(url, standInOrigin) {
  const { pathname, origin } = new URL(url)
  if (origin === standInOrigin && pathname === '/assets/embed.js') return 'embed'
  if (origin === standInOrigin) return 'checkout' // the hosted checkout page and its stylesheet
  if (pathname.startsWith('/dist/')) return 'library'
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
 * A page with `count` checkouts, eager: the stock snippet (A) or the library (B). Timing runs have
 * no DevTools instrumentation attached; profiled runs (`profile`) only measure main-thread time,
 * since the sampling profiler slows every script down.
 */
async function runEager(browser, env, variant, count, { profile = false } = {}) {
  const url = `${env.siteOrigin}/e2e/bench-${variant === 'A' ? 'stock' : 'lib'}-${count}.html`
  const run = await openRun(browser, env, { profile })
  const served = profile ? null : await servedEmbedRequests(env)
  try {
    await run.page.goto(url, { waitUntil: 'load' })
    await waitForCheckouts(run.page, count)
    await sleep(150) // Anything late (a second embed.js, a stray display) shows up here.
    if (profile) {
      const times = timeByUrl((await run.cdp.send('Profiler.stop')).profile)
      // A's own code is its inline snippets (their URL is the page's); B's is the library file.
      const ownUrl = variant === 'A' ? url : `${env.siteOrigin}/dist/moonclerk-checkout.umd.min.js`
      const embedUrls = [...times.keys()].filter((u) => u.includes('/assets/embed.js'))
      return {
        variant,
        count,
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
    const A = runs.filter((r) => r.count === count && r.variant === 'A')
    const B = runs.filter((r) => r.count === count && r.variant === 'B')
    const pA = profiled.filter((r) => r.count === count && r.variant === 'A')
    const pB = profiled.filter((r) => r.count === count && r.variant === 'B')
    const metric = (pick) => ({ A: median(A.map(pick)), B: median(B.map(pick)) })
    const profiledMetric = (pick) => ({ A: median(pA.map(pick)), B: median(pB.map(pick)) })
    const ratios = A.map((a, i) => B[i].lastDisplayMs / a.lastDisplayMs)
    out[count] = {
      pairs: A.length,
      lastDisplayMs: { ...metric((r) => r.lastDisplayMs), minA: min(A.map((r) => r.lastDisplayMs)), minB: min(B.map((r) => r.lastDisplayMs)) },
      pairRatios: ratios.map((r) => round(r, 3)),
      medianRatio: median(ratios),
      ratioOfMedians: median(B.map((r) => r.lastDisplayMs)) / median(A.map((r) => r.lastDisplayMs)),
      lastFrameLoadMs: metric((r) => r.lastFrameLoadMs),
      embedScriptElements: metric((r) => r.embedScriptElements),
      embedRequests: { ...metric((r) => r.embedRequests), maxB: max(B.map((r) => r.embedRequests)) },
      embedRequestsServed: { ...metric((r) => r.embedRequestsServed), maxB: max(B.map((r) => r.embedRequestsServed)) },
      embedExecutions: { ...metric((r) => r.embedExecutions), maxB: max(B.map((r) => r.embedExecutions)) },
      bytesTotal: metric((r) => r.bytes.total),
      bytesEmbed: metric((r) => r.bytes.embed),
      bytesLibrary: metric((r) => r.bytes.library),
      bytesPage: metric((r) => r.bytes.page),
      bytesCheckout: metric((r) => r.bytes.checkout),
      profiledPairs: pA.length,
      ownScriptMs: profiledMetric((r) => r.ownScriptMs),
      moonclerkScriptMs: profiledMetric((r) => r.moonclerkScriptMs),
      longTasks: { ...metric((r) => r.longTasks), maxA: max(A.map((r) => r.longTasks)), maxB: max(B.map((r) => r.longTasks)) },
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

/** The goals of issue 7, each with what was measured. */
function judge(eager, lazy, scan) {
  const last = scan.growth[scan.growth.length - 1]
  const goals = [
    {
      goal: 'time to last display(), 1 checkout: B/A ≤ 1.05',
      measured: `median pair ratio ${eager[1].medianRatio.toFixed(3)}`,
      pass: eager[1].medianRatio <= 1.05,
    },
    ...[3, 10].map((count) => ({
      goal: `time to last display(), ${count} checkouts: B faster (B/A < 1)`,
      measured: `median pair ratio ${eager[count].medianRatio.toFixed(3)}`,
      pass: eager[count].medianRatio < 1,
    })),
    {
      goal: 'one embed.js request whatever the count (B, every run)',
      measured: COUNTS.map((c) => `${c}: max ${eager[c].embedRequests.maxB} request(s), ${eager[c].embedExecutions.maxB} execution(s)`).join('; '),
      pass: COUNTS.every(
        (c) =>
          eager[c].embedRequests.maxB === 1 &&
          eager[c].embedExecutions.maxB === 1 &&
          (eager[c].embedRequestsServed.maxB == null || eager[c].embedRequestsServed.maxB === 1),
      ),
    },
    ...['visible', 'click'].map((mode) => ({
      goal: `load="${mode}": zero bytes of embed.js and of the checkout before intent (every run)`,
      measured: `max ${lazy[mode].maxEmbedBytesBeforeIntent} B embed.js, ${lazy[mode].maxCheckoutBytesBeforeIntent} B checkout`,
      pass:
        lazy[mode].maxEmbedBytesBeforeIntent === 0 &&
        lazy[mode].maxEmbedRequestsBeforeIntent === 0 &&
        lazy[mode].maxCheckoutBytesBeforeIntent === 0 &&
        lazy[mode].maxCheckoutRequestsBeforeIntent === 0,
    })),
    {
      // The 10 → 100 step is mostly fixed cost and timer granularity (0.1 ms); 100 → 1,000 decides.
      goal: `scan cost grows no faster than linearly (exponent ${last.from} → ${last.to} ≤ 1.1)`,
      measured: scan.growth.map((g) => `${g.from}→${g.to}: ${g.syncExponent.toFixed(2)}`).join(', '),
      pass: last.syncExponent <= 1.1,
    },
  ]
  return goals
}

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
  out.push(`Chromium ${meta.browser}, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}; embed.js latency ${EMBED_DELAY_MS} ms; ${PAIRS} A/B pairs; medians`)
  out.push(`load average (1/5/15 min) at start ${meta.loadAvgStart.join(' ')}, at end ${meta.loadAvgEnd.join(' ')}`)
  out.push('A = MoonClerk stock snippet, B = moonclerk-checkout\n')
  const rows = [['', ...COUNTS.flatMap((c) => [`${c}× A`, `${c}× B`])]]
  const add = (label, pick, format) => rows.push([label, ...COUNTS.flatMap((c) => [format(pick(eager[c]).A), format(pick(eager[c]).B)])])
  add('last display() after nav start', (s) => s.lastDisplayMs, ms)
  add('  fastest run', (s) => ({ A: s.lastDisplayMs.minA, B: s.lastDisplayMs.minB }), ms)
  add('last checkout frame loaded', (s) => s.lastFrameLoadMs, ms)
  add('embed.js <script> elements', (s) => s.embedScriptElements, String)
  add('embed.js requests (browser)', (s) => s.embedRequests, String)
  add('embed.js requests (server)', (s) => s.embedRequestsServed, (v) => (v == null ? 'n/a' : String(v)))
  add('embed.js executions', (s) => s.embedExecutions, String)
  add('bytes, all', (s) => s.bytesTotal, kb)
  add('bytes, embed.js', (s) => s.bytesEmbed, kb)
  add('bytes, library', (s) => s.bytesLibrary, kb)
  add('bytes, page HTML + CSS', (s) => s.bytesPage, kb)
  add('own script main thread *', (s) => s.ownScriptMs, (v) => `${v.toFixed(2)} ms`)
  add('embed.js main thread *', (s) => s.moonclerkScriptMs, (v) => `${v.toFixed(2)} ms`)
  add('long tasks (≥ 50 ms)', (s) => s.longTasks, (v) => (v == null ? 'n/a' : String(v)))
  out.push(table(rows))
  out.push(`* from ${PROFILE_PAIRS} separate profiled pairs (V8 sampling profiler, ${SAMPLING_US} µs); all else from the ${PAIRS} uninstrumented pairs.`)
  out.push(`  Bytes are as served here, uncompressed; the library is ${(meta.libraryGzipBytes / 1024).toFixed(1)} KB gzip (${(meta.libraryBytes / 1024).toFixed(1)} KB raw).`)
  out.push('')
  out.push(
    table([
      ['time to last display(), B/A', 'median of pair ratios', 'ratio of medians', 'pair ratios'],
      ...COUNTS.map((c) => [`${c} checkout(s)`, eager[c].medianRatio.toFixed(3), eager[c].ratioOfMedians.toFixed(3), eager[c].pairRatios.join(' ')]),
    ]),
  )
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
  for (const g of goals) out.push(`  ${g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.measured}`)
  return out.join('\n')
}

const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])

/** Two panels, hand-written SVG: time to the last display() (A and B), and scan cost per placeholder. */
function chart({ eager, scan, meta }) {
  const W = 760
  const H = 400
  const colors = { A: '#9aa5b1', B: '#2f6fde' }
  const parts = []
  const text = (x, y, content, attrs = '') => parts.push(`<text x="${x}" y="${y}" ${attrs}>${esc(content)}</text>`)
  text(20, 28, 'moonclerk-checkout vs the stock snippet (Chromium, embed.js latency 150 ms)', 'font-size="15" font-weight="600"')
  text(20, 46, `${meta.date.slice(0, 10)} · ${PAIRS} A/B pairs · medians · ${meta.cpus} cores · Chromium ${meta.browser}`, 'font-size="11" fill="#5b6875"')

  // Panel 1: grouped bars.
  const p1 = { x: 60, y: 80, w: 360, h: 230 }
  const top1 = Math.ceil(max(COUNTS.flatMap((c) => [eager[c].lastDisplayMs.A, eager[c].lastDisplayMs.B])) / 100) * 100
  text(p1.x - 40, p1.y - 14, 'time to last display() after navigation start (ms)', 'font-size="12" font-weight="600"')
  for (let v = 0; v <= top1; v += 100) {
    const y = p1.y + p1.h - (v / top1) * p1.h
    parts.push(`<line x1="${p1.x}" x2="${p1.x + p1.w}" y1="${y}" y2="${y}" stroke="#e3e8ee"/>`)
    text(p1.x - 6, y + 4, v, 'font-size="10" text-anchor="end" fill="#5b6875"')
  }
  const group = p1.w / COUNTS.length
  COUNTS.forEach((count, i) => {
    const s = eager[count]
    ;['A', 'B'].forEach((variant, j) => {
      const value = s.lastDisplayMs[variant]
      const h = (value / top1) * p1.h
      const x = p1.x + i * group + 22 + j * 52
      parts.push(`<rect x="${x}" y="${p1.y + p1.h - h}" width="46" height="${h}" fill="${colors[variant]}"><title>${variant}, ${count} checkout(s): ${value.toFixed(1)} ms</title></rect>`)
      text(x + 23, p1.y + p1.h - h - 4, Math.round(value), 'font-size="10" text-anchor="middle"')
      text(x + 23, p1.y + p1.h + 13, `${s.embedExecutions[variant]}× run`, 'font-size="9" text-anchor="middle" fill="#5b6875"')
    })
    text(p1.x + i * group + group / 2, p1.y + p1.h + 28, `${count} checkout${count > 1 ? 's' : ''}`, 'font-size="11" text-anchor="middle"')
    text(p1.x + i * group + group / 2, p1.y + p1.h + 41, `B/A ${s.medianRatio.toFixed(2)}`, 'font-size="10" text-anchor="middle" fill="#5b6875"')
  })
  parts.push(`<line x1="${p1.x}" x2="${p1.x + p1.w}" y1="${p1.y + p1.h}" y2="${p1.y + p1.h}" stroke="#1b2733"/>`)
  parts.push(`<rect x="${p1.x}" y="${H - 30}" width="12" height="12" fill="${colors.A}"/>`)
  text(p1.x + 18, H - 20, 'A: stock snippet', 'font-size="11"')
  parts.push(`<rect x="${p1.x + 130}" y="${H - 30}" width="12" height="12" fill="${colors.B}"/>`)
  text(p1.x + 148, H - 20, 'B: moonclerk-checkout', 'font-size="11"')
  text(p1.x + 290, H - 20, '“× run”: embed.js executions', 'font-size="10" fill="#5b6875"')

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
  try {
    // Warm-up (discarded): the servers, the browser's first process, the OS file cache.
    for (const variant of ['A', 'B']) await runEager(browser, env, variant, 3)

    const eagerRuns = []
    for (let pair = 1; pair <= PAIRS; pair++) {
      for (const count of COUNTS) {
        progress(`eager: pair ${pair}/${PAIRS}, ${count} checkout(s)`)
        eagerRuns.push(await runEager(browser, env, 'A', count))
        eagerRuns.push(await runEager(browser, env, 'B', count))
      }
    }
    const profiledRuns = []
    for (let pair = 1; pair <= PROFILE_PAIRS; pair++) {
      for (const count of COUNTS) {
        progress(`main thread (profiled): pair ${pair}/${PROFILE_PAIRS}, ${count} checkout(s)`)
        profiledRuns.push(await runEager(browser, env, 'A', count, { profile: true }))
        profiledRuns.push(await runEager(browser, env, 'B', count, { profile: true }))
      }
    }
    const lazyRuns = []
    for (let i = 1; i <= LAZY_RUNS; i++) {
      for (const mode of ['visible', 'click']) {
        progress(`lazy: run ${i}/${LAZY_RUNS}, load="${mode}"`)
        lazyRuns.push(await runLazy(browser, env, mode))
      }
    }
    const scanRuns = []
    await runScan(browser, env, 100) // warm-up, discarded
    for (let i = 1; i <= SCAN_RUNS; i++) {
      for (const size of SCAN_SIZES) {
        progress(`scan: run ${i}/${SCAN_RUNS}, ${size} placeholders`)
        scanRuns.push(await runScan(browser, env, size))
      }
    }
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
      pairs: PAIRS,
      profiledPairs: PROFILE_PAIRS,
      lazyRuns: LAZY_RUNS,
      scanRuns: SCAN_RUNS,
      libraryBytes: statSync(LIBRARY_FILE).size,
      libraryGzipBytes: gzipSync(readFileSync(LIBRARY_FILE), { level: 9 }).length,
      profilerSamplingUs: SAMPLING_US,
      durationS: null,
      loadAvgStart,
      loadAvgEnd: os.loadavg().map((v) => round(v, 2)),
    }
    meta.durationS = round((Date.now() - startedAt) / 1000, 1)
    const results = { meta, goals, eager, lazy, scan, runs: { eager: eagerRuns, profiled: profiledRuns, lazy: lazyRuns, scan: scanRuns } }
    await mkdir(OUT, { recursive: true })
    await writeFile(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n')
    await writeFile(path.join(OUT, 'chart.svg'), chart(results))
    console.log(report(results))
    console.log(`\nWrote ${path.relative(ROOT, path.join(OUT, 'results.json'))} and ${path.relative(ROOT, path.join(OUT, 'chart.svg'))} in ${meta.durationS} s.`)
  } finally {
    await browser.close()
    await servers.close()
  }
}

main().catch((error) => {
  console.error(error.stack || error.message)
  process.exit(1)
})
