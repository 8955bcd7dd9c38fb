// @vitest-environment node
// The benchmark's statistics (bench/stats.mjs) and the pure parts of its report (bench/report.mjs):
// they decide the PASS / FAIL / INCONCLUSIVE verdicts BENCHMARKS.md publishes, so they are pinned
// here without a browser.
import { describe, expect, test } from 'vitest'

type Interval = [number, number]
type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE'
interface Stats {
  median(values: Array<number | null>): number | null
  quantile(sorted: number[], q: number): number
  seededRandom(seed: number): () => number
  bootstrapMedianCI(values: number[], options?: { resamples?: number; seed?: number; level?: number }): Interval
  verdictOf(ci: Interval, threshold: number, options: { inclusive: boolean }): Verdict
  variantOrder(names: string[], round: number): string[]
  BOOTSTRAP_SEED: number
}
interface Ratio {
  median: number
  ci95: Interval
}
interface Goal {
  goal: string
  measured: string
  verdict: Verdict
}
interface Report {
  withCI(ratio: Ratio): string
  table(rows: Array<Array<string | number>>): string
  judge(eager: object, lazy: object, scan: object): Goal[]
}
// The bench is plain JavaScript without declarations: imported by URL, typed here.
const statsModule: string = new URL('../bench/stats.mjs', import.meta.url).href
const reportModule: string = new URL('../bench/report.mjs', import.meta.url).href
const stats = (await import(statsModule)) as Stats
const { withCI, table, judge } = (await import(reportModule)) as Report

describe('median', () => {
  test('odd count: the middle value, whatever the input order', () => {
    expect(stats.median([9, 1, 5])).toBe(5)
    expect(stats.median([3])).toBe(3)
  })
  test('even count: the mean of the two middle values', () => {
    expect(stats.median([4, 1, 3, 2])).toBe(2.5)
    expect(stats.median([10, 20])).toBe(15)
  })
  test('sorts numerically, not as strings', () => {
    expect(stats.median([100, 9, 20])).toBe(20)
  })
  test('skips missing measurements (null, NaN); nothing left is null', () => {
    expect(stats.median([null, 1, NaN, 3, 2])).toBe(2)
    expect(stats.median([null, NaN])).toBeNull()
    expect(stats.median([])).toBeNull()
  })
})

describe('quantile (linear interpolation between neighbours, at (n − 1)·q)', () => {
  const sorted = [10, 20, 30, 40]
  test('the ends are the minimum and the maximum', () => {
    expect(stats.quantile(sorted, 0)).toBe(10)
    expect(stats.quantile(sorted, 1)).toBe(40)
  })
  test('between two values it interpolates', () => {
    expect(stats.quantile(sorted, 0.5)).toBe(25) // at 1.5
    expect(stats.quantile(sorted, 0.25)).toBeCloseTo(17.5, 12) // at 0.75
    expect(stats.quantile(sorted, 0.975)).toBeCloseTo(39.25, 12) // at 2.925
  })
  test('on a value it is that value', () => {
    expect(stats.quantile([1, 2, 3, 4, 5], 0.5)).toBe(3)
    expect(stats.quantile([7], 0.025)).toBe(7)
  })
})

describe('seededRandom (mulberry32)', () => {
  test('the same seed gives the same sequence', () => {
    const a = stats.seededRandom(20261122)
    const b = stats.seededRandom(20261122)
    const first = Array.from({ length: 50 }, a)
    expect(Array.from({ length: 50 }, b)).toEqual(first)
  })
  test('another seed gives another sequence', () => {
    const a = Array.from({ length: 5 }, stats.seededRandom(1))
    const b = Array.from({ length: 5 }, stats.seededRandom(2))
    expect(a).not.toEqual(b)
  })
  test("is mulberry32: seed 1's first value is the reference one (published intervals depend on it)", () => {
    expect(stats.seededRandom(1)()).toBe(0.6270739405881613)
  })
  test('values lie in [0, 1) and spread over it', () => {
    const random = stats.seededRandom(7)
    const values = Array.from({ length: 10_000 }, random)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length
    expect(mean).toBeGreaterThan(0.48)
    expect(mean).toBeLessThan(0.52)
  })
})

describe('bootstrapMedianCI', () => {
  // Per-round ratios spread evenly and symmetrically around a true ratio of 1.08.
  const around = (center: number, n: number, spread = 0.1) =>
    Array.from({ length: n }, (_, i) => center - spread + (2 * spread * i) / (n - 1))
  const width = ([low, high]: Interval) => high - low

  test('contains the true ratio (the median of this symmetric sample)', () => {
    const sample = around(1.08, 12)
    const [low, high] = stats.bootstrapMedianCI(sample)
    expect(low).toBeLessThanOrEqual(1.08)
    expect(high).toBeGreaterThanOrEqual(1.08)
    expect(low).toBeLessThan(high)
    expect(low).toBeGreaterThanOrEqual(Math.min(...sample))
    expect(high).toBeLessThanOrEqual(Math.max(...sample))
  })
  test('narrows with more rounds of the same spread', () => {
    const few = width(stats.bootstrapMedianCI(around(1.08, 12)))
    const many = width(stats.bootstrapMedianCI(around(1.08, 120)))
    expect(many).toBeLessThan(few / 2)
    expect(stats.bootstrapMedianCI(around(1.08, 120))[0]).toBeLessThanOrEqual(1.08)
    expect(stats.bootstrapMedianCI(around(1.08, 120))[1]).toBeGreaterThanOrEqual(1.08)
  })
  test('resamples every round: with [0, 0, 1], a median of 1 happens often enough (7/27) to be the upper end', () => {
    expect(stats.bootstrapMedianCI([0, 0, 1])).toEqual([0, 1])
    expect(stats.bootstrapMedianCI([1, 0, 0])).toEqual([0, 1])
  })
  test('pinned: 12 rounds, 2,000 resamples, the default seed, 2.5th and 97.5th percentiles', () => {
    // Recomputing an interval BENCHMARKS.md published must give the same numbers.
    const [low, high] = stats.bootstrapMedianCI([1.02, 1.05, 1.08, 1.03, 1.1, 1.04, 1.07, 0.99, 1.06, 1.05, 1.01, 1.09])
    expect(low).toBeCloseTo(1.025, 12)
    expect(high).toBeCloseTo(1.075, 12)
  })
  test('a lower level gives a narrower interval inside the wider one', () => {
    const sample = around(1, 30)
    const ci95 = stats.bootstrapMedianCI(sample)
    const ci50 = stats.bootstrapMedianCI(sample, { level: 0.5 })
    expect(ci50[0]).toBeGreaterThanOrEqual(ci95[0])
    expect(ci50[1]).toBeLessThanOrEqual(ci95[1])
    expect(width(ci50)).toBeLessThan(width(ci95))
  })
  test('is reproducible: the same data and seed give the same interval; identical rounds give a point', () => {
    const sample = [1.02, 1.05, 1.08, 1.03, 1.1, 1.04, 1.07, 0.99, 1.06, 1.05, 1.01, 1.09]
    expect(stats.bootstrapMedianCI(sample)).toEqual(stats.bootstrapMedianCI([...sample]))
    expect(stats.bootstrapMedianCI(sample, { seed: stats.BOOTSTRAP_SEED })).toEqual(stats.bootstrapMedianCI(sample))
    expect(stats.bootstrapMedianCI([1.2, 1.2, 1.2])).toEqual([1.2, 1.2])
  })
})

describe('verdictOf: PASS when the whole CI meets the goal, FAIL when none of it does', () => {
  test('inclusive goal (B/A ≤ 1.05): the threshold itself meets it', () => {
    const v = (ci: Interval) => stats.verdictOf(ci, 1.05, { inclusive: true })
    expect(v([0.98, 1.04])).toBe('PASS')
    expect(v([0.98, 1.05])).toBe('PASS') // high on the threshold
    expect(v([1.05, 1.05])).toBe('PASS')
    expect(v([1.04, 1.06])).toBe('INCONCLUSIVE')
    expect(v([1.05, 1.06])).toBe('INCONCLUSIVE') // low on the threshold still meets it
    expect(v([1.0500001, 1.06])).toBe('FAIL')
    expect(v([1.1, 1.2])).toBe('FAIL')
  })
  test('exclusive goal (B/A < 1): the threshold itself does not meet it', () => {
    const v = (ci: Interval) => stats.verdictOf(ci, 1, { inclusive: false })
    expect(v([0.9, 0.99])).toBe('PASS')
    expect(v([0.9, 0.9999999])).toBe('PASS')
    expect(v([0.9, 1])).toBe('INCONCLUSIVE') // high on the threshold
    expect(v([0.99, 1.01])).toBe('INCONCLUSIVE')
    expect(v([1, 1.01])).toBe('FAIL') // low on the threshold
    expect(v([1, 1])).toBe('FAIL')
    expect(v([1.02, 1.1])).toBe('FAIL')
  })
})

describe('variantOrder: each round rotates the variants by one', () => {
  const names = ['A', 'B', 'C']
  test('round 0 is the plain order, then B C A, C A B, and again', () => {
    expect([0, 1, 2, 3].map((r) => stats.variantOrder(names, r).join(' '))).toEqual([
      'A B C',
      'B C A',
      'C A B',
      'A B C',
    ])
  })
  test('over a multiple of the variant count, each variant runs first, and in each place, equally often', () => {
    for (const rounds of [3, 12]) {
      const orders = Array.from({ length: rounds }, (_, r) => stats.variantOrder(names, r))
      for (const order of orders) expect([...order].sort()).toEqual(names) // each round runs all, once
      for (let place = 0; place < names.length; place++) {
        const counts = Object.fromEntries(names.map((n) => [n, orders.filter((o) => o[place] === n).length]))
        expect(counts).toEqual({ A: rounds / 3, B: rounds / 3, C: rounds / 3 })
      }
    }
  })
})

describe('report: formatting and the goals on a fixed summary', () => {
  test('withCI: the median and the interval, three decimals', () => {
    expect(withCI({ median: 1.0834, ci95: [1.0206, 1.14] })).toBe('1.083 [1.021–1.140]')
  })
  test('table: first column left-aligned, the others right-aligned, a rule under the head', () => {
    expect(
      table([
        ['name', 'ms'],
        ['a', 1.5],
        ['bbbbbb', 12],
      ]).split('\n'),
    ).toEqual([
      'name     ms', //
      '------  ---',
      'a       1.5',
      'bbbbbb   12',
    ])
  })

  // A summary as report.summarize*() makes it, with only what judge() reads.
  const summary = (
    ratios: Record<number, Interval>,
    { embedMax = 1, lazyBytes = 0, exponent = 1.02, libraryMs = 12 } = {},
  ) => ({
    eager: Object.fromEntries(
      [1, 3, 10].map((count) => [
        count,
        {
          ratios: { 'B/A': { median: (ratios[count][0] + ratios[count][1]) / 2, ci95: ratios[count] } },
          embedRequests: { max: { B: embedMax } },
          embedExecutions: { max: { B: 1 } },
          embedRequestsServed: { max: { B: null } },
          // Stock: 2 ms of snippet and 8 of embed.js; ours: the library's and 8 of embed.js.
          ownScriptMs: { A: 2, B: libraryMs },
          moonclerkScriptMs: { A: 8, B: 8 },
          profiledRounds: 3,
        },
      ]),
    ),
    lazy: Object.fromEntries(
      ['visible', 'click'].map((mode) => [
        mode,
        {
          maxEmbedBytesBeforeIntent: lazyBytes,
          maxEmbedRequestsBeforeIntent: 0,
          maxCheckoutBytesBeforeIntent: 0,
          maxCheckoutRequestsBeforeIntent: 0,
        },
      ]),
    ),
    scan: {
      growth: [
        { from: 10, to: 100, syncExponent: 0.5 },
        { from: 100, to: 1000, syncExponent: exponent },
      ],
    },
  })
  const verdicts = (s: ReturnType<typeof summary>) => judge(s.eager, s.lazy, s.scan).map((g) => g.verdict)

  test('the ten goals, in order, with their verdicts', () => {
    const s = summary({ 1: [1.0, 1.05], 3: [0.97, 1.0], 10: [0.9, 0.98] })
    const goals = judge(s.eager, s.lazy, s.scan)
    expect(goals.map((g) => g.verdict)).toEqual([
      'PASS',
      'INCONCLUSIVE',
      'PASS',
      'PASS',
      ...['PASS', 'PASS', 'PASS'], // main thread at 1, 3 and 10 checkouts
      'PASS',
      'PASS',
      'PASS',
    ])
    expect(goals[0]).toEqual({
      goal: 'time to last display(), 1 checkout: B/A ≤ 1.05',
      measured: 'median of round ratios 1.025 [1.000–1.050]',
      verdict: 'PASS',
    })
    expect(goals[4]).toEqual({
      goal: 'main-thread time under 4× CPU throttling, 1 checkout(s): B ≤ 2× A (own script + embed.js)',
      measured: '20.0 ms (library 12.0) against 10.0 ms (snippet 2.0): 2.00×, medians of 3 rounds',
      verdict: 'PASS',
    })
    expect(goals[9].goal).toBe('scan cost grows no faster than linearly (exponent 100 → 1000 ≤ 1.1)')
  })
  test('a second embed.js request, bytes before intent, super-linear scan growth or main-thread time over 2× fail their goal', () => {
    const ok = { 1: [1.06, 1.1], 3: [1.0, 1.1], 10: [0.9, 0.95] } as Record<number, Interval>
    expect(verdicts(summary(ok))).toEqual([
      'FAIL',
      'FAIL',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
      'PASS',
    ])
    expect(verdicts(summary(ok, { embedMax: 2 }))[3]).toBe('FAIL')
    expect(verdicts(summary(ok, { libraryMs: 12.1 })).slice(4, 7)).toEqual(['FAIL', 'FAIL', 'FAIL'])
    expect(verdicts(summary(ok, { lazyBytes: 1 })).slice(7, 9)).toEqual(['FAIL', 'FAIL'])
    expect(verdicts(summary(ok, { exponent: 1.1 }))[9]).toBe('PASS')
    expect(verdicts(summary(ok, { exponent: 1.11 }))[9]).toBe('FAIL')
  })
})
