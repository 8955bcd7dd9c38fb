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
 * The profiled rounds run the CPU this many times slower (CDP Emulation.setCPUThrottlingRate): a
 * slow phone's main thread (issue 24). They record no requests either: DevTools' request recording
 * captures the JavaScript stack of every request a script starts, a cost no visitor pays.
 */
export const CPU_THROTTLING = 4
/** Main-thread time of ours (library + embed.js) against the stock snippet's (inline + embed.js), at most. */
export const MAIN_THREAD_GOAL = 2

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
/**
 * The profiled rounds run A and B only: the main-thread goal compares those two, and C's three
 * throttled runs per round kept the full run over its 6 minutes.
 */
export const PROFILED_VARIANTS = ['A', 'B']
/** Ratios of time to the last display() reported per count, each as [numerator, denominator]. */
export const RATIOS = [
  ['B', 'A'],
  ['C', 'A'],
  ['B', 'C'],
]

/**
 * The realistic page's network profiles. `cdp`: Chromium's own emulation (CDP
 * Network.emulateNetworkConditions): `latencyMs` is added to every request, between sending it and
 * the first byte of the answer; connection set-up (DNS, TCP, TLS) costs nothing. `connections`:
 * bench/network.mjs's relay, where every origin has its own host name, TLS 1.3 and HTTP/2, and a new
 * connection costs a DNS look-up (`dnsMs`, once per host name and run) and TCP's and TLS's round
 * trips; one link of `downMbps` / `upMbps` is shared by all of them.
 */
export const NETWORK_PROFILES = {
  // A DNS look-up from a resolver half as far as the servers: half a round trip.
  net40: {
    label: 'connection set-up, 10 Mbit/s, RTT 40 ms',
    emulation: 'connections',
    latencyMs: 40,
    dnsMs: 20,
    downMbps: 10,
    upMbps: 5,
  },
  net150: {
    label: 'connection set-up, 10 Mbit/s, RTT 150 ms',
    emulation: 'connections',
    latencyMs: 150,
    dnsMs: 75,
    downMbps: 10,
    upMbps: 5,
  },
  rtt40: { label: '10 Mbit/s, RTT 40 ms (per request only)', emulation: 'cdp', latencyMs: 40, downMbps: 10, upMbps: 5 },
  rtt150: {
    label: '10 Mbit/s, RTT 150 ms (per request only)',
    emulation: 'cdp',
    latencyMs: 150,
    downMbps: 10,
    upMbps: 5,
  },
  // Lighthouse's "slow 4G" numbers.
  slow: {
    label: '1.6 Mbit/s, RTT 150 ms (per request only)',
    emulation: 'cdp',
    latencyMs: 150,
    downMbps: 1.6,
    upMbps: 0.75,
  },
}
/** The profiles the goals are judged at. */
export const GOAL_PROFILES = ['net40', 'net150']
/** What a fresh origin's first byte costs under a profile: what its check expects. */
export const firstByteCostMs = (profile) =>
  profile.emulation === 'connections' ? profile.dnsMs + 3 * profile.latencyMs : profile.latencyMs

const MARKUP_LABELS = {
  'body-end': 'placeholder + <script async> at the end of <body> (README today)',
  head: 'placeholder + <script async> in <head>',
  preload: 'placeholder + <link rel=preload> embed.js and <script async>, both in <head>',
  'async-embed': 'placeholder + <script async> of embed.js itself and <script async>, both in <head>',
  'one-tag': 'one tag: classic <script data-moonclerk-checkout> where the checkout goes',
  click: 'placeholder with data-moonclerk-load="click" + <script async> in <head>, no preload',
}
/**
 * The realistic page's variants, by id (the page is /<id>.html on the landing site): the stock
 * snippet, and each of our markups with the library from another origin (as from a CDN) or from
 * the page's own.
 */
export const REALISTIC_VARIANTS = {
  stock: { label: "MoonClerk's stock snippet", markup: 'stock', library: null },
  'stock-preload': {
    label: "MoonClerk's stock snippet with embed.js preloaded from <head>: the best hand-written markup (the control)",
    markup: 'stock-preload',
    library: null,
  },
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
/**
 * preload-cdn with another build of the library (BENCH_BASELINE=<file>, e.g. the build before a
 * change): added to the connection profile's runs when that is set, so a change is measured within
 * one run.
 */
REALISTIC_VARIANTS['preload-baseline'] = {
  label: 'as preload-cdn, with the baseline build of the library (BENCH_BASELINE)',
  markup: 'preload',
  library: 'baseline',
}

/**
 * bench/hint.mjs (npm run bench:hint): what the lazy modes' hint of intent gains. The click-mode
 * page, once clicked with the pointer resting on the button first (its pointerenter opens embed.js's
 * connection) and once tapped (pointerenter and click together: no head start). A pointer rests
 * a few hundred milliseconds on a target before the click (`hoverMs` is at the low end).
 */
export const HINT_PLAN = { variant: 'click-cdn', profiles: ['net40', 'net150'], rounds: 5, hoverMs: 250 }

/** The markup the goals are about: the preload and the async script in <head>. */
export const RECOMMENDED = ['preload-cdn', 'preload-self']
/** What the recommended markup is judged against: the stock snippet with embed.js preloaded. */
export const CONTROL = 'stock-preload'
/** Time to display() of the recommended markup, at most: × the control, and × stock per profile (issue 24). */
export const CONTROL_GOAL = 1.02
export const STOCK_GOALS = { net40: 0.92, net150: 0.85 }
/** DCL and LCP of the recommended markup, as a ratio to the page without a checkout, at most (within 5%). */
export const PAGE_METRIC_GOAL = 1.05

/**
 * How many runs of each kind: `full` (npm run bench, under 5 minutes in all on a 2-core machine)
 * and `quick` (--quick, under a minute: to see that everything runs, not to publish). The realistic
 * page runs `rounds` rounds per profile, each running every listed variant once, in rotated order.
 * The full plan's library-from-the-page's-origin variants are those of the README today and of the
 * recommended markup; the slow profile runs the stock snippet, the page alone and three markups.
 */
/** The realistic page's variants under the connection profile (the full run's). */
// async-embed-cdn (embed.js itself, async, in place of its preload) measured no faster than
// preload-cdn in three runs on 2026-12-03 (BENCHMARKS.md) and is left out of the full run.
const NET_VARIANTS = ['stock', 'stock-preload', 'none', 'body-end-cdn', 'preload-cdn', 'preload-self']
export const RUN_PLANS = {
  full: {
    // Were 12, 7, 7 and 7 before the realistic page: the whole run must stay under 5 minutes.
    eagerRounds: 7,
    profiledRounds: 3,
    lazyRuns: 4,
    scanRuns: 4,
    realistic: [
      { profile: 'net40', rounds: 7, variants: NET_VARIANTS },
      { profile: 'net150', rounds: 7, variants: NET_VARIANTS },
    ],
  },
  quick: {
    eagerRounds: 1,
    profiledRounds: 1,
    lazyRuns: 1,
    scanRuns: 1,
    realistic: [{ profile: 'net150', rounds: 1, variants: ['stock', 'stock-preload', 'none', 'preload-cdn'] }],
  },
}
