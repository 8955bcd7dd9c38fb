// From the realistic-page runs to what is published: per network profile and variant the medians,
// the ratios to the stock snippet and to the control (the stock snippet with embed.js preloaded) with
// 95% intervals, the check that the emulated network was applied, the goals of issue 24, and the
// printed tables. Pure, like report.mjs: a report can be
// redrawn from results.json.
import {
  CONTROL,
  CONTROL_GOAL,
  GOAL_PROFILES,
  NETWORK_PROFILES,
  PAGE_METRIC_GOAL,
  RECOMMENDED,
  REALISTIC_VARIANTS,
  STOCK_GOALS,
  firstByteCostMs,
} from './plan.mjs'
import { max, median, min, pairedRatio, verdictOf } from './stats.mjs'
import { table, withCI } from './report.mjs'

/** Time metrics compared with stock, each as the run's field. */
export const PAGE_METRICS = { display: 'displayMs', dcl: 'dclMs', lcp: 'lcpMs' }
/** Below this share of the profile's latency, a request's wait shows that the emulation was off. */
const LATENCY_TOLERANCE = 0.95

/** Per profile that ran: the variants' medians and ratios to stock, and the latency check. */
export function summarizeRealistic(runs) {
  const out = {}
  for (const profile of Object.keys(NETWORK_PROFILES)) {
    const ofProfile = runs.filter((r) => r.profile === profile)
    if (!ofProfile.length) continue
    const variants = Object.keys(REALISTIC_VARIANTS).filter((v) => ofProfile.some((r) => r.variant === v))
    const byVariant = Object.fromEntries(variants.map((v) => [v, ofProfile.filter((r) => r.variant === v)]))
    const summarize = (v) =>
      summarizeVariant(byVariant[v], byVariant.stock || [], byVariant.none || [], byVariant[CONTROL] || [])
    const settings = NETWORK_PROFILES[profile]
    out[profile] = {
      label: settings.label,
      emulation: settings.emulation,
      rounds: byVariant[variants[0]].length,
      variants: Object.fromEntries(variants.map((v) => [v, summarize(v)])),
      latency: latencyCheck(ofProfile, { documentMs: firstByteCostMs(settings), embedMs: settings.latencyMs }),
    }
  }
  return out
}

/**
 * A variant's medians; its ratios to stock and its time to display() against the control; its DCL
 * and LCP against the page alone (`none`); its new connections per host name (connection profile).
 */
function summarizeVariant(runs, stockRuns, aloneRuns, controlRuns) {
  const medianOf = (pick) => median(runs.map(pick))
  const ratios = {}
  for (const [name, field] of Object.entries(PAGE_METRICS)) ratios[name] = pairedRatio(runs, stockRuns, (r) => r[field])
  const toPageAlone = {
    dcl: pairedRatio(runs, aloneRuns, (r) => r.dclMs),
    lcp: pairedRatio(runs, aloneRuns, (r) => r.lcpMs),
  }
  const hosts = [...new Set(runs.flatMap((r) => Object.keys(r.connections || {})))].sort()
  return {
    runs: runs.length,
    toControl: { display: pairedRatio(runs, controlRuns, (r) => r.displayMs) },
    connections: Object.fromEntries(hosts.map((h) => [h, medianOf((r) => r.connections?.[h] ?? 0)])),
    displayMs: medianOf((r) => r.displayMs),
    dclMs: medianOf((r) => r.dclMs),
    lcpMs: medianOf((r) => r.lcpMs),
    loadMs: medianOf((r) => r.loadMs),
    ratios,
    toPageAlone,
    lcpElements: [...new Set(runs.map((r) => r.lcpElement))],
    embedRequests: {
      median: medianOf((r) => r.embedRequests),
      min: min(runs.map((r) => r.embedRequests)),
      max: max(runs.map((r) => r.embedRequests)),
    },
    embedRequestsServedMax: runs.some((r) => r.embedRequestsServed == null)
      ? null
      : max(runs.map((r) => r.embedRequestsServed)),
    embedExecutionsMax: max(runs.map((r) => r.embedExecutions)),
    bytesTotal: medianOf((r) => r.bytes.total),
    bytesLibrary: medianOf((r) => r.bytes.library),
    bytesEmbed: medianOf((r) => r.bytes.embed),
  }
}

/**
 * Whether every run's document, and its embed.js if it asked for one, waited at least about what the
 * profile charges for their first byte (`documentMs`: a fresh origin's; `embedMs`: one round trip).
 * A wait that is not known counts against it.
 */
export function latencyCheck(runs, { documentMs, embedMs }) {
  const waits = (pick) => runs.map(pick).filter((v) => v != null)
  const documentWaits = waits((r) => r.documentWaitMs)
  const embedWaits = waits((r) => r.embedWaitMs)
  return {
    documentMs,
    embedMs,
    documentWaitMs: { min: documentWaits.length ? min(documentWaits) : null, median: median(documentWaits) },
    embedWaitMs: { min: embedWaits.length ? min(embedWaits) : null, median: median(embedWaits) },
    applied:
      runs.every((r) => r.documentWaitMs != null && (r.embedRequests === 0 || r.embedWaitMs != null)) &&
      documentWaits.length > 0 &&
      min(documentWaits) >= LATENCY_TOLERANCE * documentMs &&
      (!embedWaits.length || min(embedWaits) >= LATENCY_TOLERANCE * embedMs),
  }
}

const passIf = (ok) => (ok ? 'PASS' : 'FAIL')

/** The goals of issue 24 on the realistic page, for the profiles and variants that ran. */
export function judgeRealistic(summary) {
  const goals = []
  for (const profile of GOAL_PROFILES.filter((p) => summary[p])) {
    const { label, variants } = summary[profile]
    for (const id of RECOMMENDED.filter((v) => variants[v])) {
      const ratioGoal = (ratio, name, threshold) => ({
        goal: `${label}, ${id}: ${name} ≤ ${threshold.toFixed(2)}`,
        measured: ratio ? withCI(ratio) : 'not measured',
        verdict: ratio ? verdictOf(ratio.ci95, threshold, { inclusive: true }) : 'FAIL',
      })
      const v = variants[id]
      goals.push(ratioGoal(v.toControl.display, `time to display() × ${CONTROL}`, CONTROL_GOAL))
      goals.push(ratioGoal(v.ratios.display, 'time to display() × stock', STOCK_GOALS[profile]))
      goals.push(ratioGoal(v.toPageAlone.dcl, 'DOMContentLoaded × the page alone', PAGE_METRIC_GOAL))
      goals.push(ratioGoal(v.toPageAlone.lcp, 'LCP × the page alone', PAGE_METRIC_GOAL))
    }
  }
  goals.push(oneEmbedGoal(summary))
  goals.push(latencyGoal(summary))
  return goals
}

/** embed.js requests and executions every run of a variant must show: none on the page alone. */
const expectedEmbeds = (id) => (REALISTIC_VARIANTS[id].markup === 'none' ? 0 : 1)

function oneEmbedGoal(summary) {
  const rows = Object.entries(summary).flatMap(([profile, s]) =>
    Object.entries(s.variants).map(([id, v]) => ({ profile, id, expected: expectedEmbeds(id), ...v })),
  )
  const extra = rows.filter(
    (r) =>
      r.embedRequests.max !== r.expected ||
      r.embedRequests.min !== r.expected ||
      (r.embedRequestsServedMax != null && r.embedRequestsServedMax !== r.expected) ||
      r.embedExecutionsMax !== r.expected,
  )
  return {
    goal: 'one embed.js request (browser and stand-in) and one execution, every variant, every run (none on the page alone)',
    measured: extra.length
      ? extra
          .map(
            (r) =>
              `${r.profile} ${r.id}: ${r.embedRequests.min}–${r.embedRequests.max} requests, ${r.embedExecutionsMax} executions`,
          )
          .join('; ')
      : `${rows.length} variant × profile cells, all as expected`,
    verdict: passIf(!extra.length),
  }
}

function latencyGoal(summary) {
  const checks = Object.entries(summary).map(([profile, s]) => ({ profile, ...s.latency }))
  return {
    goal: "the emulated network was applied (every run's document waited ≥ 95% of a fresh origin's cost for its first byte, embed.js ≥ 95% of a round trip)",
    measured: checks
      .map(
        (c) =>
          `${c.profile}: document ${c.documentMs} ms asked, min ${c.documentWaitMs.min?.toFixed(1)} ms; embed.js ${c.embedMs} ms asked, min ${c.embedWaitMs.min?.toFixed(1)} ms`,
      )
      .join('; '),
    verdict: passIf(checks.every((c) => c.applied)),
  }
}

const ms = (value) => (value == null ? '–' : `${Math.round(value)} ms`)
const ratioCell = (ratio) => (ratio ? withCI(ratio) : '–')

/** One table per profile: medians and ratios to stock for display(), DCL, LCP; embed.js requests; bytes. */
export function realisticTables({ realistic, meta }) {
  const out = [
    `Realistic page: ${(meta.landingPage.htmlBytes / 1000).toFixed(0)} KB of HTML (${(meta.landingPage.htmlGzipBytes / 1000).toFixed(0)} KB gzip), ${meta.landingPage.images} images, the checkout half-way down.`,
    ...Object.entries(REALISTIC_VARIANTS)
      .filter(([id]) => Object.values(realistic.summary).some((s) => s.variants[id]))
      .map(([id, v]) => `  ${id.padEnd(13)} ${v.label}`),
  ]
  for (const s of Object.values(realistic.summary)) {
    const rows = [
      [
        'variant',
        'display()',
        '× stock [95% CI]',
        `× ${CONTROL} [95% CI]`,
        'DCL',
        '× stock [95% CI]',
        'LCP',
        '× stock [95% CI]',
        'embed.js req',
        'KB',
      ],
    ]
    for (const [id, v] of Object.entries(s.variants)) {
      const isStock = id === 'stock'
      const requests =
        v.embedRequests.min === v.embedRequests.max
          ? String(v.embedRequests.max)
          : `${v.embedRequests.min}–${v.embedRequests.max}`
      rows.push([
        id,
        ms(v.displayMs),
        isStock ? '' : ratioCell(v.ratios.display),
        id === CONTROL ? '' : ratioCell(v.toControl.display),
        ms(v.dclMs),
        isStock ? '' : ratioCell(v.ratios.dcl),
        ms(v.lcpMs),
        isStock ? '' : ratioCell(v.ratios.lcp),
        requests,
        (v.bytesTotal / 1024).toFixed(1),
      ])
    }
    const { latency } = s
    out.push('', `${s.label}: ${s.rounds} rounds (rotated order), medians; ratios are medians of per-round ratios`)
    out.push(table(rows))
    if (s.variants.none) out.push(pageAloneTable(s))
    const lcpElements = [...new Set(Object.values(s.variants).flatMap((v) => v.lcpElements))]
    out.push(
      `LCP element: ${lcpElements.map((e) => (e === 'hero' ? 'the hero heading' : String(e))).join(', ')}${lcpElements.length === 1 ? ' in every run' : ' (not the same in every run)'}`,
    )
    if (s.emulation === 'connections') out.push(connectionsTable(s))
    out.push(
      `network check: the document's first byte after ${ms(latency.documentWaitMs.median)} (min ${ms(latency.documentWaitMs.min)}; ${latency.documentMs} ms asked), embed.js's ${ms(latency.embedWaitMs.median)} after its request was sent (min ${ms(latency.embedWaitMs.min)}; ${latency.embedMs} ms asked): ${latency.applied ? 'applied' : 'NOT APPLIED'}`,
    )
  }
  return out.join('\n')
}

/** New connections per host name, medians per variant: a hint that opens one nobody uses shows here. */
function connectionsTable(s) {
  const hosts = [...new Set(Object.values(s.variants).flatMap((v) => Object.keys(v.connections)))].sort()
  const rows = [['connections', ...hosts]]
  for (const [id, v] of Object.entries(s.variants)) rows.push([id, ...hosts.map((h) => String(v.connections[h] ?? 0))])
  return table(rows)
}

/** DCL and LCP of each variant against the page without a checkout: what the markup itself costs the page. */
function pageAloneTable(s) {
  const rows = [['against the page alone', 'DCL × none [95% CI]', 'LCP × none [95% CI]']]
  for (const [id, v] of Object.entries(s.variants))
    if (id !== 'none') rows.push([id, ratioCell(v.toPageAlone.dcl), ratioCell(v.toPageAlone.lcp)])
  return table(rows)
}

/** What a run prints for the realistic page: the tables, then the goals. */
export function realisticReport(results) {
  const out = [realisticTables(results)]
  const retries = results.realistic.retries || []
  if (retries.length)
    out.push(`Runs repeated after a failure (${retries.length}):`, ...retries.map((message) => `  ${message}`))
  out.push('', 'Goals, realistic page (issue 24)')
  for (const g of results.realistic.goals) out.push(`  ${g.verdict.padEnd(12)}  ${g.goal}: ${g.measured}`)
  return out.join('\n')
}
