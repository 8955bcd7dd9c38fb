// The statistics behind BENCHMARKS.md's verdicts: medians, quantiles, a seeded bootstrap of the
// median, the PASS / FAIL / INCONCLUSIVE rule, and the rotated run order. Pure functions, no I/O:
// test/bench-stats.test.ts pins them down, since they decide what the benchmark publishes.

/** Percentile bootstrap of the median ratio: resamples, and the seed that makes it reproducible. */
export const BOOTSTRAP_RESAMPLES = 2000
export const BOOTSTRAP_SEED = 20261122

/** The median of the values that are numbers (null and NaN, a missing measurement, are skipped), or null. */
export const median = (values) => {
  const sorted = values.filter((v) => v != null && !Number.isNaN(v)).sort((a, b) => a - b)
  if (!sorted.length) return null
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
export const min = (values) => Math.min(...values)
export const max = (values) => Math.max(...values)
export const round = (value, digits = 1) => (value == null ? null : Math.round(value * 10 ** digits) / 10 ** digits)

/** Round `round` runs the variants rotated by `round`, so none always goes first (or last). */
export const variantOrder = (names, round) => names.map((_, i) => names[(i + round) % names.length])

/** mulberry32: a small seeded PRNG, so the bootstrap gives the same interval for the same data. */
export function seededRandom(seed) {
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
export function quantile(sorted, q) {
  const at = (sorted.length - 1) * q
  const below = Math.floor(at)
  return sorted[below] + (sorted[Math.min(below + 1, sorted.length - 1)] - sorted[below]) * (at - below)
}

/** 95 % percentile-bootstrap confidence interval of the median of `values`. */
export function bootstrapMedianCI(
  values,
  { resamples = BOOTSTRAP_RESAMPLES, seed = BOOTSTRAP_SEED, level = 0.95 } = {},
) {
  const random = seededRandom(seed)
  const medians = []
  for (let i = 0; i < resamples; i++)
    medians.push(median(values.map(() => values[Math.floor(random() * values.length)])))
  medians.sort((a, b) => a - b)
  return [quantile(medians, (1 - level) / 2), quantile(medians, (1 + level) / 2)]
}

/**
 * A goal on a ratio, judged on its confidence interval: PASS when all of it meets the goal, FAIL
 * when none of it does, INCONCLUSIVE when it straddles the threshold (the noise decides).
 */
export function verdictOf([low, high], threshold, { inclusive }) {
  const meets = (value) => (inclusive ? value <= threshold : value < threshold)
  if (meets(high)) return 'PASS'
  if (!meets(low)) return 'FAIL'
  return 'INCONCLUSIVE'
}

/**
 * top/bottom of `pick(run)` within each round, runs matched by `round` (both saw the same moment's
 * machine load): the median of those per-round ratios and its 95 % CI. Rounds where either run
 * lacks the value are skipped; null when none is left.
 */
export function pairedRatio(top, bottom, pick) {
  const bottomByRound = new Map(bottom.map((run) => [run.round, pick(run)]))
  const perRound = top
    .map((run) => [pick(run), bottomByRound.get(run.round)])
    .filter(([a, b]) => a != null && b != null && !Number.isNaN(a) && b > 0)
    .map(([a, b]) => a / b)
  if (!perRound.length) return null
  return {
    median: median(perRound),
    ci95: bootstrapMedianCI(perRound),
    rounds: perRound.length,
    perRound: perRound.map((r) => round(r, 3)),
  }
}
