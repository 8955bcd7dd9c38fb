// From runs to what BENCHMARKS.md publishes: the summaries (medians, ratios with bootstrap CIs),
// the goals of issues 7 and 24 judged on them, and the plain-text tables printed at the end of a run.
// Pure: everything comes from the runs and `meta` (results.json holds both), nothing from the
// environment, so a report can be redrawn from a results.json.
import {
  COUNTS,
  CPU_THROTTLING,
  LAZY_MODES,
  MAIN_THREAD_GOAL,
  RATIOS,
  SCAN_SIZES,
  VARIANTS,
  VARIANT_NAMES,
} from './plan.mjs'
import { bootstrapMedianCI, max, median, min, round, verdictOf } from './stats.mjs'

/** Per count: each variant's medians (and maxima where every run must pass), and the ratios. */
export function summarizeEager(runs, profiled) {
  const out = {}
  for (const count of COUNTS) {
    const of = (list, variant) => list.filter((r) => r.count === count && r.variant === variant)
    const byVariant = Object.fromEntries(VARIANT_NAMES.map((v) => [v, of(runs, v)]))
    const profiledByVariant = Object.fromEntries(VARIANT_NAMES.map((v) => [v, of(profiled, v)]))
    const per = (groups, pick, reduce = median) =>
      Object.fromEntries(VARIANT_NAMES.map((v) => [v, reduce(groups[v].map(pick))]))
    const metric = (pick) => per(byVariant, pick)
    const maxOf = (pick) => per(byVariant, pick, max)
    const profiledMetric = (pick) => per(profiledByVariant, pick)
    out[count] = {
      rounds: byVariant.A.length,
      lastDisplayMs: metric((r) => r.lastDisplayMs),
      fastestLastDisplayMs: per(byVariant, (r) => r.lastDisplayMs, min),
      ratios: ratiosOf(byVariant),
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

/** B/A, C/A and B/C of time to the last display(): median of the per-round ratios, its CI. */
function ratiosOf(byVariant) {
  const lastDisplay = (variant, at) => byVariant[variant].find((r) => r.round === at).lastDisplayMs
  const rounds = byVariant.A.map((r) => r.round)
  const ratios = {}
  for (const [top, bottom] of RATIOS) {
    // Ratios within a round: both runs saw the same moment's machine load.
    const perRound = rounds.map((at) => lastDisplay(top, at) / lastDisplay(bottom, at))
    ratios[`${top}/${bottom}`] = {
      median: median(perRound),
      ci95: bootstrapMedianCI(perRound),
      ratioOfMedians:
        median(byVariant[top].map((r) => r.lastDisplayMs)) / median(byVariant[bottom].map((r) => r.lastDisplayMs)),
      perRound: perRound.map((r) => round(r, 3)),
    }
  }
  return ratios
}

export function summarizeLazy(runs) {
  const out = {}
  for (const mode of LAZY_MODES) {
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

export function summarizeScan(runs) {
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

const passIf = (ok) => (ok ? 'PASS' : 'FAIL')

/** The goals of issue 7, each with what was measured and a verdict: PASS, FAIL or INCONCLUSIVE. */
export function judge(eager, lazy, scan) {
  const ratioGoal = (count, goal, threshold, inclusive) => {
    const ratio = eager[count].ratios['B/A']
    return {
      goal,
      measured: `median of round ratios ${withCI(ratio)}`,
      verdict: verdictOf(ratio.ci95, threshold, { inclusive }),
    }
  }
  return [
    ratioGoal(1, 'time to last display(), 1 checkout: B/A ≤ 1.05', 1.05, true),
    ...[3, 10].map((count) =>
      ratioGoal(count, `time to last display(), ${count} checkouts: B faster (B/A < 1)`, 1, false),
    ),
    oneEmbedGoal(eager),
    ...COUNTS.map((count) => mainThreadGoal(eager[count], count)),
    ...LAZY_MODES.map((mode) => lazyGoal(lazy, mode)),
    scanGoal(scan),
  ]
}

function oneEmbedGoal(eager) {
  return {
    goal: 'one embed.js request whatever the count (B, every run)',
    measured: COUNTS.map(
      (c) => `${c}: max ${eager[c].embedRequests.max.B} request(s), ${eager[c].embedExecutions.max.B} execution(s)`,
    ).join('; '),
    verdict: passIf(
      COUNTS.every(
        (c) =>
          eager[c].embedRequests.max.B === 1 &&
          eager[c].embedExecutions.max.B === 1 &&
          (eager[c].embedRequestsServed.max.B == null || eager[c].embedRequestsServed.max.B === 1),
      ),
    ),
  }
}

/**
 * Main-thread time under CPU throttling, ours (the library and embed.js) against the stock
 * snippet's (its inline scripts and embed.js, once per checkout): medians of the profiled rounds.
 */
function mainThreadGoal(summary, count) {
  const total = (v) => summary.ownScriptMs[v] + summary.moonclerkScriptMs[v]
  const ratio = total('B') / total('A')
  return {
    goal: `main-thread time under ${CPU_THROTTLING}× CPU throttling, ${count} checkout(s): B ≤ ${MAIN_THREAD_GOAL}× A (own script + embed.js)`,
    measured: `${total('B').toFixed(1)} ms (library ${summary.ownScriptMs.B.toFixed(1)}) against ${total('A').toFixed(1)} ms (snippet ${summary.ownScriptMs.A.toFixed(1)}): ${ratio.toFixed(2)}×, medians of ${summary.profiledRounds} rounds`,
    verdict: passIf(ratio <= MAIN_THREAD_GOAL),
  }
}

function lazyGoal(lazy, mode) {
  return {
    goal: `load="${mode}": zero bytes of embed.js and of the checkout before intent (every run)`,
    measured: `max ${lazy[mode].maxEmbedBytesBeforeIntent} B embed.js, ${lazy[mode].maxCheckoutBytesBeforeIntent} B checkout`,
    verdict: passIf(
      lazy[mode].maxEmbedBytesBeforeIntent === 0 &&
        lazy[mode].maxEmbedRequestsBeforeIntent === 0 &&
        lazy[mode].maxCheckoutBytesBeforeIntent === 0 &&
        lazy[mode].maxCheckoutRequestsBeforeIntent === 0,
    ),
  }
}

function scanGoal(scan) {
  const last = scan.growth[scan.growth.length - 1]
  return {
    // The 10 → 100 step is mostly fixed cost and timer granularity (0.1 ms); 100 → 1,000 decides.
    goal: `scan cost grows no faster than linearly (exponent ${last.from} → ${last.to} ≤ 1.1)`,
    measured: scan.growth.map((g) => `${g.from}→${g.to}: ${g.syncExponent.toFixed(2)}`).join(', '),
    verdict: passIf(last.syncExponent <= 1.1),
  }
}

/** A ratio as "1.083 [1.021–1.140]": median, then the 95 % confidence interval. */
export const withCI = (ratio) => `${ratio.median.toFixed(3)} [${ratio.ci95[0].toFixed(3)}–${ratio.ci95[1].toFixed(3)}]`
const kb = (bytes) => (bytes == null ? '–' : `${(bytes / 1024).toFixed(1)} KB`)
/** A profiled median, or a dash for a variant the profiled rounds do not run (PROFILED_VARIANTS). */
const profiledMs = (ms) => (ms == null ? '–' : `${ms.toFixed(2)} ms`)
const ms = (value) => (value == null ? '–' : `${value.toFixed(1)} ms`)

/** Rows as aligned columns: the first left-aligned, the rest right-aligned, a rule under the head. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)))
  const line = (row) =>
    row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

/** What a run prints: the set-up, then the eager, ratio, lazy and scan tables, then the goals. */
export function report(results) {
  const { meta, goals } = results
  const out = []
  out.push(`moonclerk-checkout benchmark: ${meta.date}`)
  out.push(
    `Chromium ${meta.browser}, Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}; embed.js latency ${meta.embedDelayMs} ms; ${meta.rounds} rounds of A, B, C (rotated order); medians`,
  )
  out.push(`load average (1/5/15 min) at start ${meta.loadAvgStart.join(' ')}, at end ${meta.loadAvgEnd.join(' ')}`)
  out.push(`${VARIANT_NAMES.map((v) => `${v} = ${VARIANTS[v].label}`).join(', ')}\n`)
  out.push(eagerTable(results))
  out.push('')
  out.push(ratioTable(results))
  out.push('')
  out.push(lazyTable(results))
  out.push('')
  out.push(scanTable(results))
  out.push('')
  out.push('Goals')
  out.push('(ratio goals: PASS if the whole 95% CI meets the goal, FAIL if none of it does, else INCONCLUSIVE)')
  for (const g of goals) out.push(`  ${g.verdict.padEnd(12)}  ${g.goal}: ${g.measured}`)
  return out.join('\n')
}

function eagerTable({ eager, meta }) {
  const rows = [['', ...COUNTS.flatMap((c) => VARIANT_NAMES.map((v) => `${c}× ${v}`))]]
  const add = (label, pick, format) =>
    rows.push([label, ...COUNTS.flatMap((c) => VARIANT_NAMES.map((v) => format(pick(eager[c])[v])))])
  add('last display() after nav start', (s) => s.lastDisplayMs, ms)
  add('  fastest run', (s) => s.fastestLastDisplayMs, ms)
  add('last checkout frame loaded', (s) => s.lastFrameLoadMs, ms)
  add('embed.js <script> elements', (s) => s.embedScriptElements, String)
  add('embed.js requests (browser)', (s) => s.embedRequests.median, String)
  add(
    'embed.js requests (server)',
    (s) => s.embedRequestsServed.median,
    (v) => (v == null ? 'n/a' : String(v)),
  )
  add('embed.js executions', (s) => s.embedExecutions.median, String)
  add('bytes, all', (s) => s.bytesTotal, kb)
  add('bytes, embed.js', (s) => s.bytesEmbed, kb)
  add('bytes, library / control script', (s) => s.bytesLibrary, kb)
  add('bytes, page HTML + CSS', (s) => s.bytesPage, kb)
  add('own script main thread *', (s) => s.ownScriptMs, profiledMs)
  add('embed.js main thread *', (s) => s.moonclerkScriptMs, profiledMs)
  add(
    'long tasks (≥ 50 ms)',
    (s) => s.longTasks.median,
    (v) => (v == null ? 'n/a' : String(v)),
  )
  return [
    table(rows),
    `* from ${meta.profiledRounds} separate profiled rounds (V8 sampling profiler, ${meta.profilerSamplingUs} µs) under ${meta.cpuThrottling ?? 1}× CPU throttling, without request recording; all else from the ${meta.rounds} timing rounds.`,
    `  Bytes are on the wire: the site's files ${meta.siteGzip ? 'gzip' : 'uncompressed'}, the stand-in's embed.js and checkout uncompressed; the library is ${(meta.libraryGzipBytes / 1024).toFixed(1)} KB gzip -9 (${(meta.libraryBytes / 1024).toFixed(1)} KB raw).`,
  ].join('\n')
}

function ratioTable({ eager, meta }) {
  return [
    table([
      ['time to last display()', ...RATIOS.map(([top, bottom]) => `${top}/${bottom} [95% CI]`)],
      ...COUNTS.map((c) => [
        `${c} checkout(s)`,
        ...RATIOS.map(([top, bottom]) => withCI(eager[c].ratios[`${top}/${bottom}`])),
      ]),
    ]),
    `Medians of the ${meta.rounds} per-round ratios; percentile bootstrap, ${meta.bootstrap.resamples} resamples, seed ${meta.bootstrap.seed}. Every round's ratios are in results.json.`,
  ].join('\n')
}

function lazyTable({ lazy }) {
  return table([
    [
      'lazy, below the fold (B only)',
      'embed.js before intent',
      'checkout before intent',
      'display after intent',
      'frame loaded after intent',
    ],
    ...LAZY_MODES.map((mode) => [
      `load="${mode}"`,
      `${lazy[mode].maxEmbedBytesBeforeIntent} B (max)`,
      `${lazy[mode].maxCheckoutBytesBeforeIntent} B (max)`,
      ms(lazy[mode].displayAfterIntentMs),
      ms(lazy[mode].frameLoadedAfterIntentMs),
    ]),
  ])
}

function scanTable({ scan }) {
  return [
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
    `growth exponents (1 = linear): ${scan.growth.map((g) => `${g.from}→${g.to} sync ${g.syncExponent.toFixed(2)}, until displayed ${g.untilDisplayedExponent.toFixed(2)}`).join('; ')}`,
  ].join('\n')
}
