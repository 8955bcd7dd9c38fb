// One realistic-page run: the merchant's landing page (bench/landing-page.mjs) in one markup, in a
// fresh browser context whose network Chromium itself throttles (CDP Network.emulateNetworkConditions).
// Measured: time to display(), DOMContentLoaded, LCP, embed.js requests, bytes, and the time to
// first byte of the document and of embed.js, which shows the emulated latency was applied.
import { pagePath } from './landing-site.mjs'
import { paintMetrics } from './instrument.mjs'
import { networkStats, setNetworkProfile } from './network.mjs'
import { NETWORK_PROFILES, REALISTIC_VARIANTS } from './plan.mjs'
import { openRun, waitForCheckouts } from './runs.mjs'
import { servedEmbedRequests } from './servers.mjs'
import { min } from './stats.mjs'

const bytesPerSecond = (mbps) => (mbps * 1_000_000) / 8

/** Throttles the page's network (its frames included) before it navigates. */
export async function emulateNetwork(context, page, profile) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: profile.latencyMs,
    downloadThroughput: bytesPerSecond(profile.downMbps),
    uploadThroughput: bytesPerSecond(profile.upMbps),
  })
  return cdp
}

/**
 * Time from sending a request to the first byte of its answer, or null: where the emulated latency
 * shows. From Playwright's timing (the network stack's); the page's own Navigation Timing puts the
 * document's first byte before the emulated delay, so it cannot show it.
 */
function waitingMs(request) {
  const timing = request.timing()
  return timing.requestStart >= 0 && timing.responseStart >= 0 ? timing.responseStart - timing.requestStart : null
}

/**
 * Time from the start of a request to the first byte of its answer, connection set-up included: what
 * a fresh origin costs under the connection profile.
 */
function firstByteMs(request) {
  const timing = request.timing()
  return timing.responseStart >= 0 ? timing.responseStart : null
}

/**
 * Where the pages and the stand-in are under a profile: the servers' own origins, or, for the
 * connection profile, bench/network.mjs's host names (embed.js and the checkout on two of them).
 */
const originsFor = (env, profile) =>
  profile.emulation === 'connections'
    ? {
        landingOrigin: env.network.origins.page,
        standInOrigin: env.network.origins.embed,
        checkoutOrigin: env.network.origins.pay,
        recordsOrigin: env.network.standIn,
      }
    : env

/** The landing page with `variantId`'s markup, under `profileId`'s network, once. */
export async function runRealistic(browser, env, variantId, profileId, { round = null } = {}) {
  const variant = REALISTIC_VARIANTS[variantId]
  const profile = NETWORK_PROFILES[profileId]
  const connections = profile.emulation === 'connections'
  const runEnv = originsFor(env, profile)
  const url = runEnv.landingOrigin + pagePath(variant.markup, variant.library)
  const run = await openRun(browser, runEnv)
  try {
    await run.context.addInitScript(paintMetrics)
    if (connections) await setNetworkProfile(env.network.control, { rttMs: profile.latencyMs, ...profile })
    else await emulateNetwork(run.context, run.page, profile)
    const served = await servedEmbedRequests(runEnv)
    try {
      await run.page.goto(url, { waitUntil: 'load', timeout: 15_000 })
      // The page alone has no checkout to wait for; its load is the end.
      if (variant.markup !== 'none') await waitForCheckouts(run.page, 1)
      // LCP is reported after a paint, and the page alone can reach load before its first one:
      // read it once there is an entry (or after 5 s, as none).
      await run.page
        .waitForFunction(() => !window.__paints?.lcp || window.__paints.lcp.length > 0, null, { timeout: 5_000 })
        .catch(() => {})
    } catch (error) {
      // Which request held the page up says whose fault it was.
      const pending = run.requests.filter((r) => !r.finished).map((r) => r.request.url())
      throw new Error(
        `bench: ${variantId} at ${profileId}: ${error.message.split('\n')[0]}; unfinished requests: ${pending.join(', ') || 'none'}`,
      )
    }
    const page = await run.page.evaluate(readPage)
    const traffic = await run.traffic()
    const embed = run.requests.filter((r) => r.kind === 'embed')
    return {
      variant: variantId,
      profile: profileId,
      round,
      displayMs: page.displays.length ? min(page.displays) : null,
      displays: page.displays.length,
      dclMs: page.dclMs,
      loadMs: page.loadMs,
      lcpMs: page.lcp && page.lcp.length ? page.lcp[page.lcp.length - 1].at : null,
      lcpElement: page.lcp && page.lcp.length ? page.lcp[page.lcp.length - 1].element : null,
      embedRequests: traffic.embed.requests,
      embedRequestsServed: served == null ? null : (await servedEmbedRequests(runEnv)) - served,
      embedExecutions: page.executions,
      // The document is the context's first request. Under the connection profile, from the request's
      // start (its connection's set-up included); under CDP's, from sending it.
      documentWaitMs: (connections ? firstByteMs : waitingMs)(run.requests[0].request),
      embedWaitMs: embed.length ? waitingMs(embed[0].request) : null,
      // New connections per host name (the relay's count): a hint that opens one nobody uses shows here.
      connections: connections ? (await networkStats(env.network.control)).connections : null,
      bytes: {
        total: traffic.total.bytes,
        page: traffic.page.bytes,
        library: traffic.library.bytes,
        embed: traffic.embed.bytes,
        checkout: traffic.checkout.bytes,
      },
    }
  } finally {
    await run.close()
  }
}

/** In the page: what the init scripts recorded, and the document's navigation timing. */
function readPage() {
  const nav = performance.getEntriesByType('navigation')[0]
  return {
    displays: window.__bench.displays,
    lcp: window.__paints.lcp,
    dclMs: nav.domContentLoadedEventStart,
    loadMs: nav.loadEventStart,
    executions: window.__moonclerkStandIn ? window.__moonclerkStandIn.executions : 0,
  }
}
