// @vitest-environment node
// A bounded load test on loopback: 1,000 webhooks for 200 payments, 50 in flight at a time, with
// duplicates, forgeries and 5% of MoonClerk API calls failing, into two endpoint instances that
// share one ledger (SQLite file, PostgreSQL). Each delivery is retried as MoonClerk retries it, until
// a 2xx. Every paid payment must be granted exactly once and no forgery ever; throughput and p99
// latency are printed for BENCHMARKS.md (`npx vitest run test/server-load.test.ts`).
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createWebhookHandler, toNodeListener } from '../src/server/index'
import type { Ledger } from '../src/server/ledger/ledger'
import { postgresLedger } from '../src/server/ledger/postgres'
import { sqliteLedger } from '../src/server/ledger/sqlite'
import { API_KEY, control, startStandIn, type Json, type StandIn } from './standin-harness'

const PAYMENTS = 200
const WEBHOOKS = 1000
const IN_FLIGHT = 50
const API_FAILURE_RATE = 0.05
const MAX_ATTEMPTS = 10 // MoonClerk's

let standIn: StandIn
let payments: Json[]

beforeAll(async () => {
  standIn = await startStandIn()
  payments = []
  // One in five not paid: failed, or fully refunded.
  for (let i = 0; i < PAYMENTS; i++) {
    const given = i % 10 == 3 ? { status: 'failed' } : i % 10 == 7 ? { status: 'refunded', amount_refunded: 1000 } : {}
    const { body } = await control(standIn, '/__standin/seed', {
      payment: { custom_id: `user-${i}`, amount: 1000, ...given },
    })
    payments.push(body.payment)
  }
}, 60_000)
afterAll(() => standIn?.close())

/** A repeatable stream of numbers in [0, 1): the same load each run. */
function seeded(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

/** The 1,000 bodies: every payment's payment_created and payment_succeeded, replays, and forgeries. */
function webhooks(random: () => number): string[] {
  const hook = (event: string, data: Json) => JSON.stringify({ event, object: 'payment', data })
  const bodies = payments.flatMap((p) => [hook('payment_created', p), hook('payment_succeeded', p)])
  const forged = (i: number) => {
    const p = payments[i % PAYMENTS]
    return i % 2
      ? hook('payment_created', { ...p, custom_id: `attacker-${i}` })
      : hook('payment_created', { ...p, id: 990_000 + i })
  }
  for (let i = 0; bodies.length < WEBHOOKS; i++)
    bodies.push(i % 3 == 0 ? forged(i) : hook('payment_created', payments[Math.floor(random() * PAYMENTS)]))
  // Shuffled: duplicates of one payment arrive side by side, and at the two instances at once.
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[bodies[i], bodies[j]] = [bodies[j], bodies[i]]
  }
  return bodies
}

async function listen(ledger: Ledger, granted: Map<string, number>, random: () => number) {
  // 5% of the handler's calls to MoonClerk's API fail as a gateway would.
  const flaky: typeof fetch = (url, init) =>
    random() < API_FAILURE_RATE ? Promise.resolve(new Response('bad gateway', { status: 502 })) : fetch(url, init)
  const handler = createWebhookHandler({
    apiKey: API_KEY,
    apiBase: standIn.origin + '/',
    retries: 0,
    fetch: flaky,
    ledger,
    onPayment: (payment) =>
      void granted.set(String(payment.custom_id), (granted.get(String(payment.custom_id)) ?? 0) + 1),
  })
  const server = http.createServer((req, res) => void toNodeListener(handler)(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/moonclerk`
  const close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return { url, close }
}

/** Delivers one body as MoonClerk does: again after a non-2xx answer, up to 10 attempts. */
async function deliver(urls: string[], body: string, index: number, latencies: number[]) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const started = performance.now()
    const response = await fetch(urls[(index + attempt) % urls.length], {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    })
    await response.arrayBuffer()
    latencies.push(performance.now() - started)
    if (response.status >= 200 && response.status <= 204) return attempt + 1
  }
  throw new Error(`a webhook was refused ${MAX_ATTEMPTS} times: MoonClerk would switch the endpoint off`)
}

async function runLoad(name: string, makeLedgers: () => Promise<[Ledger, Ledger]>) {
  const random = seeded(20261202)
  const granted = new Map<string, number>()
  const [first, second] = await makeLedgers()
  const endpoints = [await listen(first, granted, random), await listen(second, granted, random)]
  const bodies = webhooks(random)
  const latencies: number[] = []
  let next = 0
  let attempts = 0
  const started = performance.now()
  const worker = async () => {
    while (next < bodies.length) {
      const index = next++
      const tries = await deliver(
        endpoints.map((e) => e.url),
        bodies[index],
        index,
        latencies,
      )
      attempts += tries
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const seconds = (performance.now() - started) / 1000
  await Promise.all(endpoints.map((e) => e.close()))
  await Promise.all([first.close(), second.close()])
  latencies.sort((a, b) => a - b)
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1)
  console.log(
    `[load] ${name}: ${bodies.length} webhooks (${attempts} attempts) in ${seconds.toFixed(2)} s = ` +
      `${(bodies.length / seconds).toFixed(0)} webhooks/s; latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`,
  )
  return granted
}

function expectExactlyOnce(granted: Map<string, number>) {
  const paid = payments.filter((p) => p.status == 'successful').map((p) => p.custom_id)
  expect(paid.length).toBe(160)
  expect([...granted.keys()].sort()).toStrictEqual([...paid].sort())
  expect([...granted.values()].every((count) => count == 1)).toBe(true)
}

describe('1,000 webhooks for 200 payments, 50 at a time, two instances on one ledger', () => {
  test('SQLite (one file, two connections)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moonclerk-load-'))
    try {
      const file = join(dir, 'ledger.db')
      expectExactlyOnce(await runLoad('SQLite', async () => [sqliteLedger(file), sqliteLedger(file)]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  const url = process.env.MOONCLERK_TEST_POSTGRES_URL || 'postgres://postgres:postgres@127.0.0.1:5432/postgres'
  test('PostgreSQL (two pools)', async (context) => {
    const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
    const reachable = await admin.connect().then(
      () => true,
      () => false,
    )
    if (!reachable) {
      // In CI, PostgreSQL is installed and started by .ci/run: its absence is a failure there.
      expect(process.env.CI, 'PostgreSQL must be reachable in CI').toBeFalsy()
      return context.skip(`no PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}: run npm run db:start`)
    }
    const schema = `moonclerk_load_${process.pid}`
    try {
      const ledgers = async (): Promise<[Ledger, Ledger]> => [
        postgresLedger({ connectionString: url, schema }),
        postgresLedger({ connectionString: url, schema }),
      ]
      expectExactlyOnce(await runLoad('PostgreSQL', ledgers))
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.end()
    }
  }, 120_000)
})
