// `npm run bench:hint`: what the hint of intent gains in click mode, under the connection profile.
// The realistic page with one checkout in data-moonclerk-load="click" (the library from the CDN
// origin), clicked two ways in alternating order: after the pointer rested on the button for
// HINT_PLAN.hoverMs (its pointerenter adds <link rel=preconnect> to embed.js's origin), and tapped
// (pointerenter and click at once). Prints the time from the click to display() and to the frame's
// load, medians, and the connections the relay saw; with third-party cookies allowed and blocked
// (COOKIE_PREFERENCES). BENCHMARKS.md has the run.
//
// Every run has a browser of its own with a fresh regular profile (launchPersistentContext): in the
// off-the-record contexts of browser.newContext(), which the other runs use, Chromium ignores
// <link rel=preconnect> (its loading predictor is off there), so no hint could gain anything.
import { chromium } from '@playwright/test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pagePath } from './landing-site.mjs'
import { launchOptions, networkStats, setNetworkProfile } from './network.mjs'
import { HINT_PLAN, NETWORK_PROFILES, REALISTIC_VARIANTS } from './plan.mjs'
import { instrument } from './instrument.mjs'
import { waitForCheckouts } from './runs.mjs'
import { startNetworkProcess } from './servers.mjs'
import { table } from './report.mjs'
import { median, round, variantOrder } from './stats.mjs'

const INTENTS = ['hover', 'tap']

/**
 * The profile's third-party cookie setting (Chromium's CookieControlsMode: 0 allows them, as
 * Chrome does by default; 1 blocks them, as this Chromium build does by default, and as incognito
 * windows and other browsers do). It decides whether the hint's connection can carry embed.js:
 * Chromium opens a preconnect credentialed, while a script from another site, its cookies blocked,
 * goes out in another privacy mode, on a connection of its own.
 */
const COOKIE_PREFERENCES = {
  allowed: { cookie_controls_mode: 0, block_third_party_cookies: false },
  blocked: { cookie_controls_mode: 1, block_third_party_cookies: true },
}

/** A browser with a fresh regular profile, the init script in its pages; close() removes the profile. */
async function openRegularProfile(network, cookies) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moonclerk-bench-'))
  mkdirSync(path.join(dir, 'Default'))
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: COOKIE_PREFERENCES[cookies] }))
  const context = await chromium.launchPersistentContext(dir, {
    ...launchOptions(network.spki),
    viewport: { width: 1280, height: 720 },
  })
  await context.addInitScript(instrument, { noop: false })
  const page = context.pages()[0] || (await context.newPage())
  const close = async () => {
    await context.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { page, close }
}

/** One page load, one click on the checkout's button by `intent`: the times after the click. */
async function runIntent(env, profileId, cookies, intent) {
  const profile = NETWORK_PROFILES[profileId]
  const { markup, library } = REALISTIC_VARIANTS[HINT_PLAN.variant]
  const run = await openRegularProfile(env.network, cookies)
  try {
    await setNetworkProfile(env.network.control, { rttMs: profile.latencyMs, ...profile })
    await run.page.goto(env.network.origins.page + pagePath(markup, library), { waitUntil: 'load', timeout: 15_000 })
    const button = run.page.locator('[data-moonclerk-button]')
    await button.waitFor()
    await button.scrollIntoViewIfNeeded()
    const box = await button.boundingBox()
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
    if (intent === 'hover') {
      await run.page.mouse.move(x, y)
      // The hint's <link> is in the page once pointerenter has run: then the pointer rests.
      await run.page.waitForSelector('link[rel=preconnect]', { state: 'attached', timeout: 5_000 })
      await run.page.waitForTimeout(HINT_PLAN.hoverMs)
    }
    await run.page.mouse.click(x, y)
    await waitForCheckouts(run.page, 1)
    const times = await run.page.evaluate(() => ({
      click: window.__bench.clicks[0],
      display: window.__bench.displays[0],
      frame: window.__bench.frames[0],
    }))
    const stats = await networkStats(env.network.control)
    return {
      intent,
      profile: profileId,
      cookies,
      displayAfterClickMs: times.display - times.click,
      frameAfterClickMs: times.frame - times.click,
      embedConnections: stats.connections['js.moonclerk.test'] || 0,
    }
  } finally {
    await run.close()
  }
}

async function main() {
  // The connection profile's process has its own landing site and stand-in.
  const network = await startNetworkProcess()
  try {
    const env = { network }
    console.log(
      `click mode (${HINT_PLAN.variant}), the pointer resting ${HINT_PLAN.hoverMs} ms before the click or none; ` +
        `medians of ${HINT_PLAN.rounds} runs each, alternating`,
    )
    for (const profileId of HINT_PLAN.profiles) {
      const rows = [
        ['third-party cookies', 'intent', 'click → display()', 'click → frame loaded', 'embed.js connections'],
      ]
      for (const cookies of Object.keys(COOKIE_PREFERENCES)) {
        await runIntent(env, profileId, cookies, 'tap') // warm-up, discarded
        const runs = []
        for (let i = 0; i < HINT_PLAN.rounds; i++)
          for (const intent of variantOrder(INTENTS, i)) runs.push(await runIntent(env, profileId, cookies, intent))
        for (const intent of INTENTS) {
          const med = (pick) => round(median(runs.filter((r) => r.intent === intent).map(pick)), 0)
          rows.push([
            cookies,
            intent,
            `${med((r) => r.displayAfterClickMs)} ms`,
            `${med((r) => r.frameAfterClickMs)} ms`,
            med((r) => r.embedConnections),
          ])
        }
      }
      console.log(`\n${NETWORK_PROFILES[profileId].label}\n${table(rows)}`)
    }
  } finally {
    await network.close()
  }
}

main().catch((error) => {
  console.error(error.stack || error.message)
  process.exit(1)
})
