// @vitest-environment node
// reconcile() against the MoonClerk stand-in's API over real HTTP: catching up on what no webhook
// delivered, through the same ledger as the endpoint, once, resuming from its cursor.
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { createWebhookHandler, reconcile, type GrantContext, type ReconcileOptions } from '../src/server/index'
import { memoryLedgerForTestsOnly } from '../src/server/ledger/memory'
import type { Ledger } from '../src/server/ledger/ledger'
import { RECONCILE_CURSOR } from '../src/server/reconcile'
import { API_KEY, control, startStandIn, type Json, type StandIn } from './standin-harness'

let standIn: StandIn
let ledger: Ledger
const onPayment = vi.fn(async (_payment: Json, _context: GrantContext) => {})
const onPlan = vi.fn(async (_customer: Json, _context: GrantContext) => {})
const today = () => new Date().toISOString().slice(0, 10)

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn?.close())
beforeEach(async () => {
  await control(standIn, '/__standin/reset')
  ledger = memoryLedgerForTestsOnly()
  onPayment.mockReset()
  onPlan.mockReset()
})

const options = (more: Partial<ReconcileOptions> = {}): ReconcileOptions => ({
  apiKey: API_KEY,
  apiBase: standIn.origin + '/',
  ledger,
  onPayment,
  onPlan,
  since: today(),
  ...more,
})

async function seed(kind: 'payment' | 'customer', given: Json = {}): Promise<Json> {
  const { status, body } = await control(standIn, '/__standin/seed', { [kind]: { custom_id: 'user-1', ...given } })
  expect(status).toBe(201)
  return body[kind]
}

const post = (body: unknown) =>
  new Request('https://shop.example/moonclerk', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('reconcile()', () => {
  test('grants paid payments and plans no webhook delivered, and counts the rest under one heading each', async () => {
    const paid = await seed('payment', { custom_id: 'user-1' })
    await seed('payment', { custom_id: 'user-2', status: 'failed' })
    await seed('payment', { custom_id: null })
    await seed('customer', { custom_id: 'user-3' })
    const summary = await reconcile(options())
    expect(summary).toStrictEqual({
      since: today(),
      seen: 4,
      grantedNow: 2,
      alreadyGranted: 0,
      notPaid: 1,
      withoutCid: 1,
      inProgress: 0,
      failed: 0,
      wouldSettle: 0,
    })
    expect(onPayment).toHaveBeenCalledTimes(1)
    expect(onPayment.mock.calls[0][0].id).toBe(paid.id)
    expect(onPayment.mock.calls[0][1]).toMatchObject({ source: 'reconcile', event: null, customId: 'user-1' })
    expect(onPlan.mock.calls.map(([record, context]) => [record.custom_id, context.state])).toStrictEqual([
      ['user-3', 'active'],
    ])
  })

  test('a second run resumes from its cursor and grants nothing again', async () => {
    await seed('payment')
    await reconcile(options())
    expect(await ledger.getCursor(RECONCILE_CURSOR)).toBe(today())
    const again = await reconcile(options({ since: undefined }))
    expect(again).toMatchObject({ since: today(), seen: 1, grantedNow: 0, alreadyGranted: 1 })
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('what the endpoint granted, reconcile does not grant again; and the reverse', async () => {
    const first = await seed('payment', { custom_id: 'by-webhook' })
    const handler = createWebhookHandler({ ...options(), retries: 0 })
    expect((await handler(post({ event: 'payment_created', object: 'payment', data: first }))).status).toBe(200)
    const second = await seed('payment', { custom_id: 'by-reconcile' })
    expect(await reconcile(options())).toMatchObject({ grantedNow: 1, alreadyGranted: 1 })
    const late = await handler(post({ event: 'payment_created', object: 'payment', data: second }))
    expect(await late.json()).toStrictEqual({ ok: true, outcome: 'duplicate' })
    expect(onPayment.mock.calls.map(([record]) => record.custom_id)).toStrictEqual(['by-webhook', 'by-reconcile'])
  })

  test('pages through 100 at a time until a short page', async () => {
    for (let i = 0; i < 130; i++) await seed('payment', { custom_id: `user-${i}` })
    const progress = vi.fn()
    const summary = await reconcile(options({ onProgress: progress }))
    expect(summary.grantedNow).toBe(130)
    expect(new Set(onPayment.mock.calls.map(([record]) => record.id)).size).toBe(130)
    expect(progress.mock.calls.map(([step]) => [step.list, step.page])).toStrictEqual([
      ['payments', 1],
      ['payments', 2],
      ['customers', 1],
    ])
  })

  test('payments before `since` are not looked at', async () => {
    await seed('payment', { date: '2020-01-02T10:00:00Z' })
    expect((await reconcile(options({ since: '2020-01-03' }))).seen).toBe(0)
    expect((await reconcile(options({ since: new Date('2020-01-02T23:00:00Z') }))).seen).toBe(1)
  })

  test('5xx and 429 answers are retried with backoff, and the run completes', async () => {
    await seed('payment')
    await control(standIn, '/__standin/api-faults', { status: 503, times: 2 })
    const summary = await reconcile(options())
    expect(summary.grantedNow).toBe(1)
  })

  test('a callback that throws is counted, released, and the cursor stays for the next run', async () => {
    await seed('payment')
    onPayment.mockRejectedValueOnce(new Error('down'))
    expect(await reconcile(options())).toMatchObject({ failed: 1, grantedNow: 0 })
    expect(await ledger.getCursor(RECONCILE_CURSOR)).toBeNull()
    expect(await reconcile(options())).toMatchObject({ failed: 0, grantedNow: 1 })
  })

  test('a row another holder has claimed is left to it, and the cursor stays so the next run looks again', async () => {
    const payment = await seed('payment')
    const entry = { kind: 'payment' as const, id: String(payment.id), state: 'paid', paid: true, customId: 'user-1' }
    const held = await ledger.claim(entry, 60_000)
    expect(await reconcile(options())).toMatchObject({ inProgress: 1, grantedNow: 0 })
    expect(await ledger.getCursor(RECONCILE_CURSOR)).toBeNull()
    if (held.outcome == 'claimed') await ledger.release(entry, held.claim)
    expect(await reconcile(options())).toMatchObject({ inProgress: 0, grantedNow: 1 })
    expect(await ledger.getCursor(RECONCILE_CURSOR)).toBe(today())
  })

  test('a dry run settles nothing and moves no cursor', async () => {
    await seed('payment')
    await seed('payment', { status: 'failed' })
    expect(await reconcile(options({ dryRun: true }))).toMatchObject({
      seen: 2,
      wouldSettle: 1,
      notPaid: 1,
      grantedNow: 0,
    })
    expect(onPayment).not.toHaveBeenCalled()
    expect(await ledger.getCursor(RECONCILE_CURSOR)).toBeNull()
  })

  test('the first run needs `since`; a `since` that is no day is a TypeError', async () => {
    await expect(reconcile(options({ since: undefined }))).rejects.toThrow(/needs `since`.*first run/)
    for (const since of ['2024-02-30', '2024-1-02', 'yesterday'])
      await expect(reconcile(options({ since }))).rejects.toThrow(/since must be a day, YYYY-MM-DD/)
    await expect(reconcile(options({ since: new Date(NaN) }))).rejects.toThrow(/invalid Date/)
  })
})
