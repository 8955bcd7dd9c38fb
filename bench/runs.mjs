// One run each: a fresh browser context, one page, one navigation, in Chromium via Playwright.
// Eager runs (A, B or C with 1, 3 or 10 checkouts; timed or profiled), lazy runs (load="visible"
// or "click", below the fold) and scan runs (mountAll() over many placeholders).
import { instrument, kindOf, tally, timeByUrl } from './instrument.mjs'
import { CPU_THROTTLING, SAMPLING_US, VARIANTS } from './plan.mjs'
import { servedEmbedRequests } from './servers.mjs'
import { max, min } from './stats.mjs'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `test()` is true, polling; throws after `timeoutMs`. */
async function until(test, what, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`)
    await sleep(10)
  }
}

/**
 * A fresh context and page with the init script, request records and, if asked, the profiler on
 * (under CPU throttling, and then without request records: see CPU_THROTTLING). `requests` holds
 * every request of the context so far, with its kind (instrument.mjs kindOf).
 */
export async function openRun(browser, env, { noop = false, profile = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  await context.addInitScript(instrument, { noop })
  const requests = []
  if (!profile) {
    context.on('request', (request) =>
      requests.push({ request, kind: kindOf(request.url(), env), sizes: null, finished: false }),
    )
    // Sizes are asked for only when traffic() is read, after the timed part: no protocol chatter meanwhile.
    context.on('requestfinished', (request) => {
      const entry = requests.find((r) => r.request === request)
      if (entry) entry.finished = true
    })
  }
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (error) => errors.push(error.message))
  const cdp = profile ? await startProfiler(context, page) : null
  /** Requests of each kind so far, and their bytes on the wire (headers + encoded body). */
  const traffic = async () => {
    await Promise.all(
      requests
        .filter((r) => r.finished && !r.sizes)
        .map((r) =>
          r.request.sizes().then(
            (sizes) => (r.sizes = sizes),
            () => {},
          ),
        ),
    )
    return tally(requests)
  }
  const close = async () => {
    await context.close()
    if (errors.length) throw new Error(`bench: uncaught page errors: ${errors.join('; ')}`)
  }
  return { context, page, cdp, requests, traffic, close }
}

/** V8's sampling profiler on `page`, its CPU throttled, started before navigation. */
async function startProfiler(context, page) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING })
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US })
  await cdp.send('Profiler.start')
  return cdp
}

/** Waits for `count` display() calls and for every checkout frame to have loaded. */
export async function waitForCheckouts(page, count) {
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
export async function runEager(browser, env, variant, count, { round = null, profile = false } = {}) {
  const url = `${env.siteOrigin}/e2e/bench-${VARIANTS[variant].fixture}-${count}.html`
  const run = await openRun(browser, env, { profile })
  const served = profile ? null : await servedEmbedRequests(env)
  try {
    await run.page.goto(url, { waitUntil: 'load' })
    await waitForCheckouts(run.page, count)
    await sleep(150) // Anything late (a second embed.js, a stray display) shows up here.
    const result = profile ? await profiledResult(run, env, variant, url) : await timedResult(run, env, served)
    return { variant, count, round, ...result }
  } finally {
    await run.close()
  }
}

/** Main-thread time of the variant's own script and of embed.js, from the profile. */
async function profiledResult(run, env, variant, url) {
  const times = timeByUrl((await run.cdp.send('Profiler.stop')).profile)
  const ownUrl = VARIANTS[variant].ownScript ? env.siteOrigin + VARIANTS[variant].ownScript : url
  const embedUrls = [...times.keys()].filter((u) => u.includes('/assets/embed.js'))
  return {
    ownScriptMs: times.get(ownUrl) || 0,
    moonclerkScriptMs: embedUrls.reduce((sum, u) => sum + times.get(u), 0),
    garbageCollectorMs: times.get('(garbage collector)') || 0,
  }
}

/** What the page recorded, what the browser requested, and what the stand-in served (`served` before). */
async function timedResult(run, env, served) {
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
}

/** Lets observers and timers fire: two frames, then `ms`. */
const settle = (page, ms = 400) =>
  page.evaluate(
    (wait) =>
      new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, wait)))),
    ms,
  )

/** One checkout below the fold, load="visible" or load="click" (library only). */
export async function runLazy(browser, env, mode) {
  const run = await openRun(browser, env)
  const { page } = run
  try {
    await page.goto(`${env.siteOrigin}/e2e/bench-lazy-${mode}.html`, { waitUntil: 'load' })
    await until(
      () => page.evaluate(() => document.querySelector('[data-moonclerk-state]') != null),
      'the library to start',
    )
    await settle(page)
    const placeholder = page.locator('[data-moonclerk-checkout]')
    const belowFold = await placeholder.evaluate((el) => el.getBoundingClientRect().top > window.innerHeight + 200)
    if (!belowFold) throw new Error('bench: the lazy checkout is not below the fold')
    const beforeIntent = await run.traffic()
    const { intentAt, afterScroll } = await showIntent(run, placeholder, mode)
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
      afterIntent: {
        embedRequests: after.embed.requests,
        embedBytes: after.embed.bytes,
        checkoutBytes: after.checkout.bytes,
      },
      displayAfterIntentMs: bench.displays[0] - intentAt,
      frameLoadedAfterIntentMs: bench.frames[0] - intentAt,
    }
  } finally {
    await run.close()
  }
}

/**
 * The visitor's intent: a scroll to the checkout (visible) or a click on it (click). Returns when
 * it happened (page time) and, for click, the traffic after the scroll that came first.
 */
async function showIntent(run, placeholder, mode) {
  const { page } = run
  if (mode === 'visible') {
    const intentAt = await page.evaluate(() => {
      const at = performance.now()
      document.querySelector('[data-moonclerk-checkout]').scrollIntoView()
      return at
    })
    return { intentAt, afterScroll: null }
  }
  // Scrolled into view first: in click mode, seeing the button must not load anything either.
  await placeholder.evaluate((el) => el.scrollIntoView())
  await settle(page)
  const afterScroll = await run.traffic()
  await placeholder.getByRole('link').click()
  const intentAt = await page.evaluate(() => window.__bench.clicks[0])
  return { intentAt, afterScroll }
}

/**
 * `size` placeholders added to the page, then one timed `MoonClerkCheckout.mountAll()`. MoonClerk
 * is a no-op constructor defined before the page's scripts, so no embed.js loads and display()
 * does nothing: what is timed is the library's work alone.
 */
export async function runScan(browser, env, size) {
  const run = await openRun(browser, env, { noop: true })
  const { page } = run
  try {
    await page.goto(`${env.siteOrigin}/e2e/bench-scan.html`, { waitUntil: 'load' })
    await until(
      () => page.evaluate(() => !!(window.MoonClerkCheckout && window.MoonClerkCheckout.mountAll)),
      'the library to load',
    )
    const result = await page.evaluate(timeMountAll, { size, payUrl: `${env.standInOrigin}/pay/` })
    const traffic = await run.traffic()
    if (result.handles !== size)
      throw new Error(`bench: mountAll() returned ${result.handles} handles for ${size} placeholders`)
    if (traffic.embed.requests) throw new Error('bench: the scan runs loaded embed.js')
    return { size, ...result }
  } finally {
    await run.close()
  }
}

/** In the page (sent as source, so self-contained): adds the placeholders, times mountAll(). */
async function timeMountAll({ size, payUrl }) {
  const root = document.getElementById('scan-root')
  let html = ''
  for (let i = 0; i < size; i++)
    html += `<div data-moonclerk-checkout="scan${i}x"><a href="${payUrl}scan${i}x">Pay</a></div>`
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
}
