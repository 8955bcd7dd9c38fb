// What the benchmark measures, shared by every module: the variants and their pages, the checkout
// counts, the scan sizes, and the fixed numbers of runs. BENCHMARKS.md ("Method") explains each.
// The numbers the environment can change (BENCH_PAIRS, BENCH_SCAN_RUNS) are read in main.mjs.

/** The latency the fixtures ask of the stand-in's embed.js (`?delay=150` in every bench-*.html). */
export const EMBED_DELAY_MS = 150
/** Profiled rounds: separate from the timing rounds, since the profiler slows every script down. */
export const PROFILE_ROUNDS = 7
export const LAZY_RUNS = 7
/** The lazy load modes measured, on one checkout below the fold. */
export const LAZY_MODES = ['visible', 'click']
export const COUNTS = [1, 3, 10]
export const SCAN_SIZES = [10, 100, 1000]
/** V8 CPU profiler sampling interval, in microseconds. */
export const SAMPLING_US = 50

/**
 * The eager variants: their fixture (e2e/fixtures/bench-<fixture>-<count>.html) and the script
 * whose main-thread time is their own. A's own code is its inline snippets, whose URL is the page's.
 */
export const VARIANTS = {
  A: { label: 'MoonClerk stock snippet', fixture: 'stock', ownScript: null },
  B: { label: 'moonclerk-checkout', fixture: 'lib', ownScript: '/dist/moonclerk-checkout.umd.min.js' },
  C: { label: "control: the snippet's work from an external async file", fixture: 'control', ownScript: '/e2e/bench-control.js' },
}
export const VARIANT_NAMES = Object.keys(VARIANTS)
/** Ratios of time to the last display() reported per count, each as [numerator, denominator]. */
export const RATIOS = [['B', 'A'], ['C', 'A'], ['B', 'C']]
