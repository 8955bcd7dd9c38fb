// Makes sure Playwright has a Chromium to drive: the system one (used by playwright.config.ts)
// or Playwright's own build. Only downloads when neither is there.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

const SYSTEM_CHROMIUM = '/usr/bin/chromium'

function bundledChromium() {
  try {
    return existsSync(chromium.executablePath())
  } catch {
    return false // executablePath() throws when Playwright knows no browser for this platform.
  }
}

if (existsSync(SYSTEM_CHROMIUM) || bundledChromium()) process.exit(0)

console.log('No Chromium found; running `npx playwright install chromium`.')
const result = spawnSync('npx', ['playwright', 'install', 'chromium'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
process.exit(result.status ?? 1)
