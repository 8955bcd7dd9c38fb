// `npm run bench` (build, then `node bench/main.mjs`): MoonClerk's stock snippet (A) against
// moonclerk-checkout (B) and a control (C, the snippet's work from a tiny external script), in
// Chromium, on the local MoonClerk stand-in, with embed.js answered after a fixed latency. Prints
// a table and writes results.json and chart.svg to bench/results/. BENCHMARKS.md explains the
// method and the numbers.
//
// Then the realistic page: a merchant's 300 KB landing page with the checkout half-way down, the
// stock snippet against each of our markups, under Chromium's network emulation (realistic-*.mjs).
//
// `--quick` (npm run bench:quick): every section with the fewest runs, under a minute, to see that
// it all works; its numbers are not for publishing. plan.mjs (RUN_PLANS) has both plans.
// Environment: BENCH_PAIRS (rounds per count, each running A, B and C once; default from the plan,
// at least 7), BENCH_SCAN_RUNS (runs per scan size, at least 3), BENCH_OUT (output folder,
// relative to the repository; default bench/results).
//
// This file decides the order of the runs and writes the results; what a run measures is in
// runs.mjs and instrument.mjs, how the runs become verdicts in report.mjs and stats.mjs.
import { chromium } from '@playwright/test'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { chart } from './chart.mjs'
import {
  COUNTS,
  CPU_THROTTLING,
  EMBED_DELAY_MS,
  LAZY_MODES,
  NETWORK_PROFILES,
  PROFILED_VARIANTS,
  REALISTIC_VARIANTS,
  RUN_PLANS,
  SAMPLING_US,
  SCAN_SIZES,
  VARIANTS,
  VARIANT_NAMES,
} from './plan.mjs'
import { PAGE_SEED, landingContent, landingPage } from './landing-page.mjs'
import { judgeRealistic, realisticReport, summarizeRealistic } from './realistic-report.mjs'
import { runRealistic } from './realistic-runs.mjs'
import { judge, report, summarizeEager, summarizeLazy, summarizeScan } from './report.mjs'
import { runEager, runLazy, runScan } from './runs.mjs'
import { sendsGzip, startLandingSite, startNetworkProcess, startServers } from './servers.mjs'
import { SYSTEM_CHROMIUM, launchOptions } from './network.mjs'
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, round, variantOrder } from './stats.mjs'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const OUT = path.resolve(ROOT, process.env.BENCH_OUT || 'bench/results')
const LIBRARY_FILE = path.join(ROOT, 'dist', 'moonclerk-checkout.iife.min.js')
const QUICK = process.argv.includes('--quick')
// BENCH_BASELINE: another build of the library, run as `preload-baseline` beside preload-cdn.
const PLAN = withBaseline(RUN_PLANS[QUICK ? 'quick' : 'full'], process.env.BENCH_BASELINE)

function withBaseline(plan, baseline) {
  if (!baseline) return plan
  if (!existsSync(baseline)) throw new Error(`bench: BENCH_BASELINE names no file: ${baseline}`)
  const realistic = plan.realistic.map((step) =>
    NETWORK_PROFILES[step.profile].emulation === 'connections'
      ? { ...step, variants: [...step.variants, 'preload-baseline'] }
      : step,
  )
  return { ...plan, realistic }
}
// The environment may ask for more runs, never for fewer than a publishable number.
const ROUNDS = process.env.BENCH_PAIRS ? Math.max(7, Number(process.env.BENCH_PAIRS) || 0) : PLAN.eagerRounds
const SCAN_RUNS = process.env.BENCH_SCAN_RUNS ? Math.max(3, Number(process.env.BENCH_SCAN_RUNS) || 0) : PLAN.scanRuns

const progress = (message) => process.stderr.write(`\r\x1b[2K${message}`)

/** Every run, in order. Seconds per phase go into `phaseS`, so the cost of more rounds can be read off a run. */
async function measure(browser, env, phaseS) {
  let phaseStart = Date.now()
  const endPhase = (name) => ((phaseS[name] = round((Date.now() - phaseStart) / 1000, 1)), (phaseStart = Date.now()))
  // Warm-up (discarded): the servers, the browser's first process, the OS file cache.
  for (const variant of VARIANT_NAMES) await runEager(browser, env, variant, 3)
  endPhase('startAndWarmUp')
  const eager = await eagerRounds(browser, env, ROUNDS, false)
  endPhase('eager')
  const profiled = await eagerRounds(browser, env, PLAN.profiledRounds, true)
  endPhase('profiled')
  const lazy = []
  for (let i = 1; i <= PLAN.lazyRuns; i++) {
    for (const mode of LAZY_MODES) {
      progress(`lazy: run ${i}/${PLAN.lazyRuns}, load="${mode}"`)
      lazy.push(await runLazy(browser, env, mode))
    }
  }
  endPhase('lazy')
  const scan = []
  await runScan(browser, env, 100) // warm-up, discarded
  for (let i = 1; i <= SCAN_RUNS; i++) {
    for (const size of SCAN_SIZES) {
      progress(`scan: run ${i}/${SCAN_RUNS}, ${size} placeholders`)
      scan.push(await runScan(browser, env, size))
    }
  }
  endPhase('scan')
  const realistic = []
  const retries = []
  for (const step of PLAN.realistic) {
    realistic.push(...(await realisticRounds(browser, env, step, retries)))
    endPhase(`realistic-${step.profile}`)
  }
  progress('')
  return { eager, profiled, lazy, scan, realistic, realisticRetries: retries }
}

/**
 * The realistic page under one network profile: a warm-up run (discarded: the profile's first run
 * pays for the landing site's first connections), then `rounds` rounds of every variant in the
 * round's rotated order.
 */
async function realisticRounds(browser, env, { profile, rounds, variants }, retries) {
  await runRealistic(browser, env, variants[0], profile)
  const runs = []
  for (let round = 0; round < rounds; round++) {
    progress(`realistic page, ${NETWORK_PROFILES[profile].label}: round ${round + 1}/${rounds}`)
    for (const variant of variantOrder(variants, round))
      runs.push(await withOneRetry(() => runRealistic(browser, env, variant, profile, { round }), retries))
  }
  return runs
}

/**
 * `attempt()`, and once more if it fails: a page that never finished loading under emulation
 * happened once in many runs. Each failure is kept (results.json, the report); a second one ends
 * the benchmark.
 */
async function withOneRetry(attempt, retries) {
  try {
    return await attempt()
  } catch (error) {
    retries.push(error.message)
    process.stderr.write(`\n${error.message}; running it again\n`)
    return attempt()
  }
}

/** `rounds` rounds; each runs every count, and for each count A, B and C in the round's rotated order. */
async function eagerRounds(browser, env, rounds, profile) {
  const runs = []
  for (let round = 0; round < rounds; round++) {
    for (const count of COUNTS) {
      progress(
        profile
          ? `main thread (profiled): round ${round + 1}/${rounds}, ${count} checkout(s)`
          : `eager: round ${round + 1}/${rounds}, ${count} checkout(s)`,
      )
      for (const variant of variantOrder(profile ? PROFILED_VARIANTS : VARIANT_NAMES, round))
        runs.push(await runEager(browser, env, variant, count, profile ? { round, profile: true } : { round }))
    }
  }
  return runs
}

/** The run's set-up, as results.json and the report's header give it. */
async function describeRun({ browser, env, startedAt, phaseS, loadAvgStart }) {
  const meta = {
    date: new Date().toISOString(),
    command: QUICK ? 'npm run bench:quick (node bench/main.mjs --quick)' : 'npm run bench',
    quick: QUICK,
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
    profiledRounds: PLAN.profiledRounds,
    cpuThrottling: CPU_THROTTLING,
    bootstrap: {
      resamples: BOOTSTRAP_RESAMPLES,
      seed: BOOTSTRAP_SEED,
      level: 0.95,
      method: 'percentile, median of per-round ratios',
    },
    lazyRuns: PLAN.lazyRuns,
    scanRuns: SCAN_RUNS,
    libraryBytes: statSync(LIBRARY_FILE).size,
    libraryGzipBytes: gzipSync(readFileSync(LIBRARY_FILE), { level: 9 }).length,
    siteGzip: await sendsGzip(`${env.siteOrigin}/dist/moonclerk-checkout.iife.min.js`),
    landingPage: describeLandingPage(env),
    networkProfiles: Object.fromEntries(PLAN.realistic.map(({ profile }) => [profile, NETWORK_PROFILES[profile]])),
    realisticPlan: PLAN.realistic,
    realisticVariants: Object.fromEntries(Object.entries(REALISTIC_VARIANTS).map(([id, v]) => [id, v.label])),
    profilerSamplingUs: SAMPLING_US,
    durationS: null,
    phaseS,
    loadAvgStart,
    loadAvgEnd: os.loadavg().map((v) => round(v, 2)),
  }
  meta.durationS = round((Date.now() - startedAt) / 1000, 1)
  return meta
}

async function main() {
  const startedAt = Date.now()
  const loadAvgStart = os.loadavg().map((v) => round(v, 2))
  if (!existsSync(LIBRARY_FILE)) throw new Error('bench: dist/ is missing; run `npm run build` (npm run bench does)')
  // The servers run in child processes: closed on every way out, or they outlive the benchmark.
  const closers = []
  try {
    const servers = await startServers()
    closers.push(servers.close)
    const landing = await startLandingSite({ standInOrigin: servers.standInOrigin, cdnOrigin: servers.siteOrigin })
    closers.push(landing.close)
    const needsNetwork = PLAN.realistic.some(({ profile }) => NETWORK_PROFILES[profile].emulation === 'connections')
    const network = needsNetwork ? await startNetworkProcess() : null
    if (network) closers.push(network.close)
    const env = {
      siteOrigin: servers.siteOrigin,
      standInOrigin: servers.standInOrigin,
      landingOrigin: landing.origin,
      network,
    }
    // The connection profile's host names resolve to this machine, and its certificates are trusted.
    const browser = await chromium.launch(launchOptions(network?.spki))
    try {
      const phaseS = {}
      const runs = await measure(browser, env, phaseS)
      const eager = summarizeEager(runs.eager, runs.profiled)
      const lazy = summarizeLazy(runs.lazy)
      const scan = summarizeScan(runs.scan)
      const goals = judge(eager, lazy, scan)
      const realisticSummary = summarizeRealistic(runs.realistic)
      const realistic = {
        summary: realisticSummary,
        goals: judgeRealistic(realisticSummary),
        retries: runs.realisticRetries,
      }
      const meta = await describeRun({ browser, env, startedAt, phaseS, loadAvgStart })
      await write({ meta, goals, eager, lazy, scan, realistic, runs })
    } finally {
      await browser.close()
    }
  } finally {
    await Promise.all(closers.map((close) => close()))
  }
}

/** The realistic page as served (the stock snippet's; the others differ by a few hundred bytes). */
function describeLandingPage(env) {
  const content = landingContent()
  const html = landingPage(
    'stock',
    { embedSrc: `${env.standInOrigin}/assets/embed.js`, payUrl: `${env.standInOrigin}/pay/` },
    content,
  )
  return {
    htmlBytes: Buffer.byteLength(html),
    htmlGzipBytes: gzipSync(html, { level: 6 }).length,
    images: content.images,
    seed: PAGE_SEED,
  }
}

/** results.json (every run) and chart.svg into OUT, then the report on stdout. */
async function write(results) {
  const { meta } = results
  const files = { json: path.join(OUT, 'results.json'), svg: path.join(OUT, 'chart.svg') }
  await mkdir(OUT, { recursive: true })
  await writeFile(files.json, JSON.stringify(results, null, 2) + '\n')
  await writeFile(files.svg, chart(results))
  console.log(report(results))
  console.log('\n' + realisticReport(results))
  const phases = Object.entries(meta.phaseS)
    .map(([name, s]) => `${name} ${s} s`)
    .join(', ')
  console.log(
    `\nWrote ${path.relative(ROOT, files.json)} and ${path.relative(ROOT, files.svg)} in ${meta.durationS} s (${phases}).`,
  )
}

main().catch((error) => {
  console.error(error.stack || error.message)
  process.exit(1)
})
