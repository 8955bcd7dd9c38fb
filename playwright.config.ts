import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'

// E2E_PORT: for a second checkout's tests at the same time (an existing server on the port is reused).
const PORT = Number(process.env.E2E_PORT) || 4310
const BASE_URL = `http://127.0.0.1:${PORT}/`
// The machine's Chromium when there is one; otherwise the browser `e2e/ensure-browser.mjs` installs.
const SYSTEM_CHROMIUM = '/usr/bin/chromium'

const CHROMIUM = {
  ...devices['Desktop Chrome'],
  launchOptions: existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {},
}
const SERIAL_SPECS = /(tracking|success-page|trust-streaming)\.spec\.ts$/

export default defineConfig({
  testDir: 'e2e',
  // Bundles the React fixtures (React 18 and 19) before any test runs.
  globalSetup: './e2e/build-fixtures.mjs',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  // Every page is local; a slow step means a bug, not a slow network.
  timeout: 15_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: BASE_URL,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: SERIAL_SPECS,
      use: CHROMIUM,
    },
    {
      // Specs that steer the stand-in for everyone (its webhooks): alone, after all the others.
      name: 'serial',
      testMatch: SERIAL_SPECS,
      dependencies: ['chromium'],
      fullyParallel: false,
      use: CHROMIUM,
    },
  ],
  webServer: {
    // Serves dist/ as it is: build first (`npm run build`), as `npm test` does.
    command: `node harness/site.mjs --port ${PORT}`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 15_000,
  },
})
