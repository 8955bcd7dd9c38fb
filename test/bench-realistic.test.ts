// @vitest-environment node
// The realistic page's statistics and verdicts (bench/stats.mjs pairedRatio, bench/realistic-report.mjs):
// ratios to the stock snippet and to the control within rounds, the check that the emulated network
// was applied, and the goals of issue 24, on made-up runs, without a browser.
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
  connections?: Record<string, number> | null
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
      {
        displayMs: number
        embedRequests: { min: number; max: number }
        ratios: Record<string, Ratio | null>
        toControl: { display: Ratio | null }
        connections: Record<string, number>
      }
    >
    latency: { applied: boolean; embedWaitMs: { min: number } }
  }
}
interface RealisticReport {
  summarizeRealistic(runs: Run[]): Summary
  judgeRealistic(summary: Summary): Goal[]
  latencyCheck(
    runs: Run[],
    expected: { documentMs: number; embedMs: number },
  ): { applied: boolean; documentWaitMs: { min: number; median: number } }
  realisticReport(results: object): string
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const stats = (await import(new URL('../bench/stats.mjs', import.meta.url).href)) as Stats
const realistic = (await import(new URL('../bench/realistic-report.mjs', import.meta.url).href)) as RealisticReport

/** A run with plausible values; `over` replaces any of them. */
const run = (over: Partial<Run> & Pick<Run, 'variant' | 'profile' | 'round'>): Run => runOf(over)
function runOf(over: Partial<Run> & Pick<Run, 'variant' | 'profile' | 'round'>): Run {
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

/**
 * Seven rounds at one profile of stock, the control (stock-preload, 0.95× stock), the page alone and
 * preload-cdn, whose display() is `factor`× stock's; the page alone's DCL and LCP are every run's.
 */
function rounds(profile: string, factor: number, over: Partial<Run> = {}): Run[] {
  return Array.from({ length: 7 }, (_, round) => {
    const stockMs = 600 + round * 10
    // A fresh origin's first byte under net150: 75 ms of DNS and 3 round trips of 150 ms.
    const run = (fields: Parameters<typeof runOf>[0]) => runOf({ documentWaitMs: 530, ...fields })
    return [
      run({ variant: 'stock', profile, round, displayMs: stockMs }),
      run({ variant: 'stock-preload', profile, round, displayMs: stockMs * 0.95 }),
      run({
        variant: 'none',
        profile,
        round,
        displayMs: null,
        embedRequests: 0,
        embedRequestsServed: 0,
        embedExecutions: 0,
        embedWaitMs: null,
      }),
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

  const rtt150 = { documentMs: 150, embedMs: 150 }
  test('applied when every document and embed.js waited at least 95% of what the profile charges', () => {
    const check = realistic.latencyCheck(runs, rtt150)
    expect(check.applied).toBe(true)
    expect(check.documentWaitMs.min).toBeCloseTo(150.2)
  })

  test('a run without embed.js (the page alone) needs only its document to have waited', () => {
    const alone = run({ variant: 'none', profile: 'rtt150', round: 0, embedRequests: 0, embedWaitMs: null })
    expect(realistic.latencyCheck([...runs, alone], rtt150).applied).toBe(true)
  })

  test('not applied when one request answered sooner (emulation off), or a wait is unknown', () => {
    expect(
      realistic.latencyCheck([...runs, run({ variant: 'stock', profile: 'rtt150', round: 2, embedWaitMs: 2 })], rtt150)
        .applied,
    ).toBe(false)
    expect(
      realistic.latencyCheck(
        [...runs, run({ variant: 'stock', profile: 'rtt150', round: 2, documentWaitMs: null })],
        rtt150,
      ).applied,
    ).toBe(false)
  })

  test("the connection profile: a document's first byte must cost a fresh origin's DNS and 3 round trips", () => {
    const net150 = { documentMs: 75 + 3 * 150, embedMs: 150 }
    const fresh = run({ variant: 'stock', profile: 'net150', round: 0, documentWaitMs: 530 })
    expect(realistic.latencyCheck([fresh], net150).applied).toBe(true)
    // One round trip, as CDP's emulation charges it, is not the set-up of a new connection.
    expect(realistic.latencyCheck([{ ...fresh, documentWaitMs: 152 }], net150).applied).toBe(false)
  })
})

describe('judgeRealistic: the goals of issue 24', () => {
  const verdicts = (goals: Goal[]) => goals.map((g) => g.verdict)

  test('display() at 0.8× stock (0.84× the control) at both RTTs, DCL and LCP as the page alone, one embed.js: all PASS', () => {
    const goals = realistic.judgeRealistic(
      realistic.summarizeRealistic([...rounds('net40', 0.8), ...rounds('net150', 0.8)]),
    )
    // Per RTT: preload-cdn's display() × the control and × stock, DCL and LCP × the page alone;
    // then one embed.js and the network check.
    expect(goals).toHaveLength(10)
    expect(verdicts(goals)).toEqual(Array(10).fill('PASS'))
    expect(goals.slice(0, 4).map((g) => g.goal)).toEqual([
      'connection set-up, 10 Mbit/s, RTT 40 ms, preload-cdn: time to display() × stock-preload ≤ 1.02',
      'connection set-up, 10 Mbit/s, RTT 40 ms, preload-cdn: time to display() × stock ≤ 0.92',
      'connection set-up, 10 Mbit/s, RTT 40 ms, preload-cdn: DOMContentLoaded × the page alone ≤ 1.05',
      'connection set-up, 10 Mbit/s, RTT 40 ms, preload-cdn: LCP × the page alone ≤ 1.05',
    ])
    expect(goals[1].measured).toBe('0.800 [0.800–0.800]')
    expect(goals[0].measured).toBe('0.842 [0.842–0.842]')
    expect(goals[5].goal).toMatch(/RTT 150 ms, preload-cdn: time to display\(\) × stock ≤ 0\.85$/)
  })

  test("display() at the control's time passes × the control and fails × stock at 150 ms; a DCL 10% after the page alone fails", () => {
    const goals = realistic.judgeRealistic(realistic.summarizeRealistic(rounds('net150', 0.95, { dclMs: 330 })))
    expect(verdicts(goals.slice(0, 4))).toEqual(['PASS', 'FAIL', 'FAIL', 'PASS'])
    const slower = realistic.judgeRealistic(realistic.summarizeRealistic(rounds('net150', 0.98)))
    expect(slower[0].verdict).toBe('FAIL') // 0.98 / 0.95 = 1.032 > 1.02
  })

  test('a second embed.js request in any run of any variant fails that goal, naming it', () => {
    const runs = rounds('rtt150', 0.7)
    runs[7] = { ...runs[7], embedRequests: 2 }
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
    const others = rounds('rtt150', 0.7).filter((r) => r.variant !== 'none')
    const pass = realistic.summarizeRealistic([...others, alone(0, 0), alone(1, 0)])
    const fail = realistic.summarizeRealistic([...others, alone(0, 0), alone(1, 1)])
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
      rounds('slow', 1.5).map((r) => ({ ...r, variant: r.variant === 'preload-cdn' ? 'one-tag-cdn' : r.variant })),
    )
    expect(summary.slow.variants['one-tag-cdn'].ratios.display!.median).toBeCloseTo(1.5)
    expect(verdicts(realistic.judgeRealistic(summary))).toEqual(['PASS', 'PASS'])
  })
})

test('realisticReport: a table per profile, the connections, the network check and the goals', () => {
  const runs = rounds('net150', 0.7).map((r): Run => ({
    ...r,
    connections: r.variant === 'preload-cdn' ? { 'app.moonclerk.test': 2, 'shop.test': 1 } : { 'shop.test': 1 },
  }))
  const summary = realistic.summarizeRealistic(runs)
  const text = realistic.realisticReport({
    meta: { landingPage: { htmlBytes: 303_000, htmlGzipBytes: 71_000, images: 15 } },
    realistic: {
      summary,
      goals: realistic.judgeRealistic(summary),
      retries: ['bench: one-tag-cdn at net40: page.goto: Timeout 15000ms exceeded.; unfinished requests: x'],
    },
  })
  expect(text).toContain('Runs repeated after a failure (1):\n  bench: one-tag-cdn at net40: page.goto: Timeout')
  expect(text).toContain('Realistic page: 303 KB of HTML (71 KB gzip), 15 images')
  expect(text).toContain('connection set-up, 10 Mbit/s, RTT 150 ms: 7 rounds (rotated order)')
  expect(text).toMatch(
    /preload-cdn +\d+ ms +0\.700 \[0\.700–0\.700\] +0\.737 \[0\.737–0\.737\] +300 ms +1\.000 \[1\.000–1\.000\] +500 ms +1\.000 \[1\.000–1\.000\] +1 +87\.9/,
  )
  expect(text).toMatch(/connections +app\.moonclerk\.test +shop\.test\n[- ]+\nstock +0 +1\n(.*\n){2}preload-cdn +2 +1/)
  expect(text).toContain('LCP element: the hero heading in every run')
  // The legend names only the variants that ran.
  expect(text).toContain('  preload-cdn   placeholder + <link rel=preload>')
  expect(text).not.toContain('  one-tag-cdn ')
  expect(text).toContain(
    "network check: the document's first byte after 530 ms (min 530 ms; 525 ms asked), embed.js's 153 ms after its request was sent (min 153 ms; 150 ms asked): applied",
  )
  expect(text).toMatch(
    /PASS {10}connection set-up, 10 Mbit\/s, RTT 150 ms, preload-cdn: time to display\(\) × stock ≤ 0\.85: 0\.700/,
  )
})
