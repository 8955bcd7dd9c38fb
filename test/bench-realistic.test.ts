// @vitest-environment node
// The realistic page's statistics and verdicts (bench/stats.mjs pairedRatio, bench/realistic-report.mjs):
// ratios to the stock snippet within rounds, the check that the emulated latency was applied, and
// the goals of issue 14, on made-up runs, without a browser.
import { describe, expect, test } from 'vitest'

type Interval = [number, number]
interface Run {
  variant: string
  profile: string
  round: number
  displayMs: number | null
  dclMs: number | null
  lcpMs: number | null
  loadMs: number | null
  lcpElement: string | null
  embedRequests: number
  embedRequestsServed: number | null
  embedExecutions: number
  documentWaitMs: number | null
  embedWaitMs: number | null
  bytes: { total: number; page: number; library: number; embed: number; checkout: number }
}
interface Ratio {
  median: number
  ci95: Interval
  rounds: number
  perRound: number[]
}
interface Goal {
  goal: string
  measured: string
  verdict: 'PASS' | 'FAIL' | 'INCONCLUSIVE'
}
interface Stats {
  pairedRatio<T extends { round: number }>(top: T[], bottom: T[], pick: (run: T) => number | null): Ratio | null
}
interface Summary {
  [profile: string]: {
    rounds: number
    variants: Record<
      string,
      { displayMs: number; embedRequests: { min: number; max: number }; ratios: Record<string, Ratio | null> }
    >
    latency: { applied: boolean; embedWaitMs: { min: number } }
  }
}
interface RealisticReport {
  summarizeRealistic(runs: Run[]): Summary
  judgeRealistic(summary: Summary): Goal[]
  latencyCheck(runs: Run[], latencyMs: number): { applied: boolean; documentWaitMs: { min: number; median: number } }
  realisticReport(results: object): string
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const stats = (await import(new URL('../bench/stats.mjs', import.meta.url).href)) as Stats
const realistic = (await import(new URL('../bench/realistic-report.mjs', import.meta.url).href)) as RealisticReport

/** A run with plausible values; `over` replaces any of them. */
function run(over: Partial<Run> & Pick<Run, 'variant' | 'profile' | 'round'>): Run {
  return {
    displayMs: 600,
    dclMs: 300,
    lcpMs: 500,
    loadMs: 1000,
    lcpElement: 'hero',
    embedRequests: 1,
    embedRequestsServed: 1,
    embedExecutions: 1,
    documentWaitMs: 152,
    embedWaitMs: 153,
    bytes: { total: 90_000, page: 80_000, library: 6_000, embed: 2_000, checkout: 2_000 },
    ...over,
  }
}

/** Seven rounds of stock and preload-cdn at one profile; preload's display() is `factor`× stock's. */
function rounds(profile: string, factor: number, over: Partial<Run> = {}): Run[] {
  return Array.from({ length: 7 }, (_, round) => {
    const stockMs = 600 + round * 10
    return [
      run({ variant: 'stock', profile, round, displayMs: stockMs }),
      run({ variant: 'preload-cdn', profile, round, displayMs: stockMs * factor, ...over }),
    ]
  }).flat()
}

describe('pairedRatio: ratios within rounds', () => {
  const top = [
    { round: 0, ms: 80 },
    { round: 1, ms: 90 },
    { round: 2, ms: 120 },
  ]
  const bottom = [
    { round: 2, ms: 100 },
    { round: 0, ms: 100 },
    { round: 1, ms: 100 },
  ]

  test('matches runs by round, whatever their order, and takes the median of the ratios', () => {
    const ratio = stats.pairedRatio(top, bottom, (r) => r.ms)!
    expect(ratio.perRound).toEqual([0.8, 0.9, 1.2])
    expect(ratio.median).toBeCloseTo(0.9)
    expect(ratio.rounds).toBe(3)
    expect(ratio.ci95[0]).toBeLessThanOrEqual(0.9)
    expect(ratio.ci95[1]).toBeGreaterThanOrEqual(0.9)
  })

  test('skips rounds where either run lacks the value (or the bottom is zero); null when none is left', () => {
    const gaps = [
      { round: 0, ms: null },
      { round: 1, ms: 90 },
      { round: 3, ms: 50 },
    ]
    expect(stats.pairedRatio(gaps, bottom, (r) => r.ms)!.perRound).toEqual([0.9])
    expect(stats.pairedRatio(top, [{ round: 0, ms: 0 }], (r) => r.ms)).toBeNull()
    expect(stats.pairedRatio([], bottom, (r) => r.ms)).toBeNull()
  })
})

describe('latencyCheck', () => {
  const runs = [
    run({ variant: 'stock', profile: 'rtt150', round: 0 }),
    run({ variant: 'stock', profile: 'rtt150', round: 1, documentWaitMs: 150.2 }),
  ]

  test('applied when every document and embed.js waited at least 95% of the latency', () => {
    const check = realistic.latencyCheck(runs, 150)
    expect(check.applied).toBe(true)
    expect(check.documentWaitMs.min).toBeCloseTo(150.2)
  })

  test('a run without embed.js (the page alone) needs only its document to have waited', () => {
    const alone = run({ variant: 'none', profile: 'rtt150', round: 0, embedRequests: 0, embedWaitMs: null })
    expect(realistic.latencyCheck([...runs, alone], 150).applied).toBe(true)
  })

  test('not applied when one request answered sooner (emulation off), or a wait is unknown', () => {
    expect(
      realistic.latencyCheck([...runs, run({ variant: 'stock', profile: 'rtt150', round: 2, embedWaitMs: 2 })], 150)
        .applied,
    ).toBe(false)
    expect(
      realistic.latencyCheck(
        [...runs, run({ variant: 'stock', profile: 'rtt150', round: 2, documentWaitMs: null })],
        150,
      ).applied,
    ).toBe(false)
  })
})

describe('judgeRealistic: the goals of issue 14', () => {
  const verdicts = (goals: Goal[]) => goals.map((g) => g.verdict)

  test('display() at 0.7× stock at both RTTs, DCL and LCP equal, one embed.js: all PASS', () => {
    const goals = realistic.judgeRealistic(
      realistic.summarizeRealistic([...rounds('rtt40', 0.7), ...rounds('rtt150', 0.7)]),
    )
    // Per RTT: display, DCL, LCP of preload-cdn; then one embed.js and the latency check.
    expect(goals).toHaveLength(8)
    expect(verdicts(goals)).toEqual(Array(8).fill('PASS'))
    expect(goals[0].goal).toBe('10 Mbit/s, RTT 40 ms, preload-cdn: time to display() ≤ 0.80× stock')
    expect(goals[0].measured).toBe('0.700 [0.700–0.700]')
  })

  test('display() at 0.9× stock fails; a DCL 10% later than stock fails', () => {
    const goals = realistic.judgeRealistic(realistic.summarizeRealistic(rounds('rtt40', 0.9, { dclMs: 330 })))
    expect(verdicts(goals.slice(0, 3))).toEqual(['FAIL', 'FAIL', 'PASS'])
  })

  test('a second embed.js request in any run of any variant fails that goal, naming it', () => {
    const runs = rounds('rtt150', 0.7)
    runs[3] = { ...runs[3], embedRequests: 2 }
    const goal = realistic
      .judgeRealistic(realistic.summarizeRealistic(runs))
      .find((g) => g.goal.startsWith('one embed.js'))!
    expect(goal.verdict).toBe('FAIL')
    expect(goal.measured).toBe('rtt150 preload-cdn: 1–2 requests, 1 executions')
  })

  test('the page alone must make no embed.js request; one there fails the goal', () => {
    const alone = (round: number, embedRequests: number) =>
      run({
        variant: 'none',
        profile: 'rtt150',
        round,
        displayMs: null,
        embedRequests,
        embedRequestsServed: embedRequests,
        embedExecutions: embedRequests,
      })
    const pass = realistic.summarizeRealistic([...rounds('rtt150', 0.7), alone(0, 0), alone(1, 0)])
    const fail = realistic.summarizeRealistic([...rounds('rtt150', 0.7), alone(0, 0), alone(1, 1)])
    const embedGoal = (summary: Summary) =>
      realistic.judgeRealistic(summary).find((g) => g.goal.startsWith('one embed.js'))!
    expect(embedGoal(pass).verdict).toBe('PASS')
    expect(embedGoal(fail).verdict).toBe('FAIL')
    expect(embedGoal(fail).measured).toBe('rtt150 none: 0–1 requests, 1 executions')
    expect(pass.rtt150.variants.none.ratios.display).toBeNull()
    // Every other variant's DCL and LCP are also compared with the page alone.
    const text = realistic.realisticReport({
      meta: { landingPage: { htmlBytes: 1, htmlGzipBytes: 1, images: 0 } },
      realistic: { summary: pass, goals: [] },
    })
    expect(text).toMatch(/against the page alone +DCL × none \[95% CI\] +LCP × none \[95% CI\]/)
    expect(text).toMatch(/preload-cdn +1\.000 \[1\.000–1\.000\] +1\.000 \[1\.000–1\.000\]/)
  })

  test('profiles without goals (slow) and variants not recommended are summarized, not judged', () => {
    const summary = realistic.summarizeRealistic(
      rounds('slow', 1.5).map((r) => ({ ...r, variant: r.variant === 'stock' ? 'stock' : 'one-tag-cdn' })),
    )
    expect(summary.slow.variants['one-tag-cdn'].ratios.display!.median).toBeCloseTo(1.5)
    expect(verdicts(realistic.judgeRealistic(summary))).toEqual(['PASS', 'PASS'])
  })
})

test('realisticReport: a table per profile, the latency line and the goals', () => {
  const runs = rounds('rtt150', 0.7)
  const summary = realistic.summarizeRealistic(runs)
  const text = realistic.realisticReport({
    meta: { landingPage: { htmlBytes: 303_000, htmlGzipBytes: 71_000, images: 15 } },
    realistic: {
      summary,
      goals: realistic.judgeRealistic(summary),
      retries: ['bench: one-tag-cdn at rtt40: page.goto: Timeout 15000ms exceeded.; unfinished requests: x'],
    },
  })
  expect(text).toContain('Runs repeated after a failure (1):\n  bench: one-tag-cdn at rtt40: page.goto: Timeout')
  expect(text).toContain('Realistic page: 303 KB of HTML (71 KB gzip), 15 images')
  expect(text).toContain('10 Mbit/s, RTT 150 ms: 7 rounds (rotated order)')
  expect(text).toMatch(
    /preload-cdn +\d+ ms +0\.700 \[0\.700–0\.700\] +300 ms +1\.000 \[1\.000–1\.000\] +500 ms +1\.000 \[1\.000–1\.000\] +1 +87\.9/,
  )
  expect(text).toContain('LCP element: the hero heading in every run')
  // The legend names only the variants that ran.
  expect(text).toContain('  preload-cdn   placeholder + <link rel=preload>')
  expect(text).not.toContain('  one-tag-cdn ')
  expect(text).toContain(
    'latency check: 150 ms asked; first byte after 152 ms (document, min 152 ms) and 153 ms (embed.js, min 153 ms): applied',
  )
  expect(text).toMatch(/PASS {10}10 Mbit\/s, RTT 150 ms, preload-cdn: time to display\(\) ≤ 0\.80× stock: 0\.700/)
})
