// What the benchmark measures, shared by every module: the variants and their pages, the checkout
// counts, the scan sizes, the realistic page's network profiles and variants, and the numbers of
// runs (RUN_PLANS: full and --quick; profiled rounds are separate from the timing rounds, since the
// profiler slows every script down). BENCHMARKS.md ("Method") explains each. The numbers the
// environment can change (BENCH_PAIRS, BENCH_SCAN_RUNS) are read in main.mjs.

/** The latency the fixtures ask of the stand-in's embed.js (`?delay=150` in every bench-*.html). */
export const EMBED_DELAY_MS = 150
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
  B: { label: 'moonclerk-checkout', fixture: 'lib', ownScript: '/dist/moonclerk-checkout.iife.min.js' },
  C: {
    label: "control: the snippet's work from an external async file",
    fixture: 'control',
    ownScript: '/e2e/bench-control.js',
  },
}
export const VARIANT_NAMES = Object.keys(VARIANTS)
/** Ratios of time to the last display() reported per count, each as [numerator, denominator]. */
export const RATIOS = [
  ['B', 'A'],
  ['C', 'A'],
  ['B', 'C'],
]

/**
 * The realistic page's network profiles: Chromium's own emulation (CDP
 * Network.emulateNetworkConditions). `latencyMs` is added to every request, between sending it and
 * the first byte of the answer; connection set-up (DNS, TCP, TLS) is not emulated.
 */
export const NETWORK_PROFILES = {
  rtt40: { label: '10 Mbit/s, RTT 40 ms', latencyMs: 40, downMbps: 10, upMbps: 5 },
  rtt150: { label: '10 Mbit/s, RTT 150 ms', latencyMs: 150, downMbps: 10, upMbps: 5 },
  // Lighthouse's "slow 4G" numbers.
  slow: { label: '1.6 Mbit/s, RTT 150 ms', latencyMs: 150, downMbps: 1.6, upMbps: 0.75 },
}
/** The profiles the goals are judged at. */
export const GOAL_PROFILES = ['rtt40', 'rtt150']

const MARKUP_LABELS = {
  'body-end': 'placeholder + <script async> at the end of <body> (README today)',
  head: 'placeholder + <script async> in <head>',
  preload: 'placeholder + <link rel=preload> embed.js and <script async>, both in <head>',
  'one-tag': 'one tag: classic <script data-moonclerk-checkout> where the checkout goes',
}
/**
 * The realistic page's variants, by id (the page is /<id>.html on the landing site): the stock
 * snippet, and each of our markups with the library from another origin (as from a CDN) or from
 * the page's own.
 */
export const REALISTIC_VARIANTS = {
  stock: { label: "MoonClerk's stock snippet", markup: 'stock', library: null },
  none: { label: "no checkout: the merchant's page alone (a control for DCL and LCP)", markup: 'none', library: null },
  ...Object.fromEntries(
    Object.entries(MARKUP_LABELS).flatMap(([markup, label]) =>
      ['cdn', 'self'].map((library) => [
        `${markup}-${library}`,
        {
          label: `${label}; library from ${library === 'cdn' ? 'a CDN origin' : "the page's origin"}`,
          markup,
          library,
        },
      ]),
    ),
  ),
}
/** The markup the goals are about: the preload and the async script in <head>. */
export const RECOMMENDED = ['preload-cdn', 'preload-self']
/** Time to display() of the recommended markup, as a ratio to stock, at most (issue 14). */
export const DISPLAY_GOAL = 0.8
/** DCL and LCP of every page with our markup, as a ratio to stock, at most (issue 14: within 5%). */
export const PAGE_METRIC_GOAL = 1.05

/**
 * How many runs of each kind: `full` (npm run bench, under 5 minutes in all on a 2-core machine)
 * and `quick` (--quick, under a minute: to see that everything runs, not to publish). The realistic
 * page runs `rounds` rounds per profile, each running every listed variant once, in rotated order.
 * The full plan's library-from-the-page's-origin variants are those of the README today and of the
 * recommended markup; the slow profile runs the stock snippet, the page alone and three markups.
 */
export const RUN_PLANS = {
  full: {
    // Were 12, 7, 7 and 7 before the realistic page: the whole run must stay under 5 minutes.
    eagerRounds: 7,
    profiledRounds: 3,
    lazyRuns: 4,
    scanRuns: 4,
    realistic: [
      {
        profile: 'rtt40',
        rounds: 7,
        variants: [
          'stock',
          'none',
          'body-end-cdn',
          'body-end-self',
          'head-cdn',
          'preload-cdn',
          'preload-self',
          'one-tag-cdn',
        ],
      },
      {
        profile: 'rtt150',
        rounds: 7,
        variants: [
          'stock',
          'none',
          'body-end-cdn',
          'body-end-self',
          'head-cdn',
          'preload-cdn',
          'preload-self',
          'one-tag-cdn',
        ],
      },
      { profile: 'slow', rounds: 5, variants: ['stock', 'none', 'body-end-cdn', 'preload-cdn', 'one-tag-cdn'] },
    ],
  },
  quick: {
    eagerRounds: 1,
    profiledRounds: 1,
    lazyRuns: 1,
    scanRuns: 1,
    realistic: [
      { profile: 'rtt150', rounds: 2, variants: ['stock', 'none', 'body-end-cdn', 'preload-cdn', 'one-tag-cdn'] },
    ],
  },
}
