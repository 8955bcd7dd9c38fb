// `npm run bench` (build, then `node bench/main.mjs`): MoonClerk's stock snippet (A) against
// moonclerk-checkout (B) and a control (C, the snippet's work from a tiny external script), in
// Chromium, on the local MoonClerk stand-in, with embed.js answered after a fixed latency. Prints
// a table and writes results.json and chart.svg to bench/results/. BENCHMARKS.md explains the
// method and the numbers.
//
// Environment: BENCH_PAIRS (rounds per count, each running A, B and C once; default 12, at least
// 7), BENCH_SCAN_RUNS (runs per scan size, default 7, at least 3), BENCH_OUT (output folder,
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
import { COUNTS, EMBED_DELAY_MS, LAZY_MODES, LAZY_RUNS, PROFILE_ROUNDS, SAMPLING_US, SCAN_SIZES, VARIANTS, VARIANT_NAMES } from './plan.mjs'
import { judge, report, summarizeEager, summarizeLazy, summarizeScan } from './report.mjs'
import { runEager, runLazy, runScan } from './runs.mjs'
import { sendsGzip, startServers } from './servers.mjs'
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, round, variantOrder } from './stats.mjs'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const OUT = path.resolve(ROOT, process.env.BENCH_OUT || 'bench/results')
const SYSTEM_CHROMIUM = '/usr/bin/chromium'
const LIBRARY_FILE = path.join(ROOT, 'dist', 'moonclerk-checkout.umd.min.js')
const ROUNDS = Math.max(7, Number(process.env.BENCH_PAIRS) || 12)
const SCAN_RUNS = Math.max(3, Number(process.env.BENCH_SCAN_RUNS) || 7)

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
  const profiled = await eagerRounds(browser, env, PROFILE_ROUNDS, true)
  endPhase('profiled')
  const lazy = []
  for (let i = 1; i <= LAZY_RUNS; i++) {
    for (const mode of LAZY_MODES) {
      progress(`lazy: run ${i}/${LAZY_RUNS}, load="${mode}"`)
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
  progress('')
  return { eager, profiled, lazy, scan }
}

/** `rounds` rounds; each runs every count, and for each count A, B and C in the round's rotated order. */
async function eagerRounds(browser, env, rounds, profile) {
  const runs = []
  for (let round = 0; round < rounds; round++) {
    for (const count of COUNTS) {
      progress(profile ? `main thread (profiled): round ${round + 1}/${rounds}, ${count} checkout(s)` : `eager: round ${round + 1}/${rounds}, ${count} checkout(s)`)
      for (const variant of variantOrder(VARIANT_NAMES, round)) runs.push(await runEager(browser, env, variant, count, profile ? { round, profile: true } : { round }))
    }
  }
  return runs
}

/** The run's set-up, as results.json and the report's header give it. */
async function describeRun({ browser, env, startedAt, phaseS, loadAvgStart }) {
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
  return meta
}

async function main() {
  const startedAt = Date.now()
  const loadAvgStart = os.loadavg().map((v) => round(v, 2))
  if (!existsSync(LIBRARY_FILE)) throw new Error('bench: dist/ is missing; run `npm run build` (npm run bench does)')
  const servers = await startServers()
  const env = { siteOrigin: servers.siteOrigin, standInOrigin: servers.standInOrigin }
  // The servers run in a child process: closed on every way out, or they outlive the benchmark.
  const browser = await chromium.launch(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}).catch(async (error) => {
    await servers.close()
    throw error
  })
  try {
    const phaseS = {}
    const runs = await measure(browser, env, phaseS)
    const eager = summarizeEager(runs.eager, runs.profiled)
    const lazy = summarizeLazy(runs.lazy)
    const scan = summarizeScan(runs.scan)
    const goals = judge(eager, lazy, scan)
    const meta = await describeRun({ browser, env, startedAt, phaseS, loadAvgStart })
    const results = { meta, goals, eager, lazy, scan, runs }
    await write(results)
  } finally {
    await browser.close()
    await servers.close()
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
  const phases = Object.entries(meta.phaseS).map(([name, s]) => `${name} ${s} s`).join(', ')
  console.log(`\nWrote ${path.relative(ROOT, files.json)} and ${path.relative(ROOT, files.svg)} in ${meta.durationS} s (${phases}).`)
}

main().catch((error) => {
  console.error(error.stack || error.message)
  process.exit(1)
})
