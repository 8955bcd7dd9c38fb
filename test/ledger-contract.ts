// The contract every ledger adapter keeps, as vitest tests: each adapter's test file registers
// them against its real engine (ledger-memory, ledger-sqlite, ledger-postgres .test.ts).
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { ClaimResult, Ledger, LedgerEntry } from '../src/server/ledger/ledger'

/** One database: every connect() is a new connection to it (a Database object, a pool). */
export interface LedgerStore {
  connect(): Promise<Ledger> | Ledger
}

export interface LedgerContractOptions {
  /** A new, empty database. */
  freshStore(): Promise<LedgerStore> | LedgerStore
  /** Whether the database outlives its ledgers: close every one, connect again, and all is there. */
  durable: boolean
}

export const HOUR = 3_600_000

export const paymentEntry = (id: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  kind: 'payment',
  id,
  state: 'paid',
  paid: true,
  customId: 'user-1',
  ...overrides,
})

export const planEntry = (id: string, state: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  kind: 'plan',
  id,
  state,
  paid: state === 'active',
  customId: 'user-1',
  ...overrides,
})

/** The outcomes as toStrictEqual() expects them. */
export const BUSY = { outcome: 'busy' } as const
export const DONE = { outcome: 'done' } as const
export const claimedAfter = (previousState: string | null) => ({
  outcome: 'claimed',
  claim: expect.any(String),
  previousState,
})

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The claim id of a `claimed` outcome, failing the test on any other. */
export function claimOf(result: ClaimResult) {
  expect(result.outcome).toBe('claimed')
  return (result as Extract<ClaimResult, { outcome: 'claimed' }>).claim
}

/** Claims and commits `entry` in one go (the callback ran and returned). */
export async function grant(ledger: Ledger, entry: LedgerEntry) {
  await ledger.commit(entry, claimOf(await ledger.claim(entry, HOUR)))
}

/**
 * Registers the contract's tests for one adapter. `options.freshStore()` runs once per test;
 * every ledger the tests connect is closed after it.
 */
export function ledgerContract(name: string, options: LedgerContractOptions) {
  const opened: Ledger[] = []
  afterEach(async () => {
    vi.restoreAllMocks()
    await Promise.all(opened.splice(0).map((ledger) => ledger.close()))
  })
  /** A new database and one ledger on it; `another()` connects one more ledger to the same database. */
  async function setUp() {
    const store = await options.freshStore()
    const another = async () => {
      const ledger = await store.connect()
      opened.push(ledger)
      return ledger
    }
    return { ledger: await another(), another }
  }

  describe(`${name}: claims`, () => claimTests(setUp))
  describe(`${name}: leases`, () => leaseTests(setUp))
  describe(`${name}: paidFor and cursors`, () => recordTests(setUp))
  describe(`${name}: two ledgers on one database`, () => raceTests(setUp))
  if (options.durable) describe(`${name}: restarts`, () => restartTests(setUp))
}

type SetUp = () => Promise<{ ledger: Ledger; another: () => Promise<Ledger> }>

function claimTests(setUp: SetUp) {
  test('a new change is claimed, with no previous state; while claimed it is busy', async () => {
    const { ledger } = await setUp()
    const first = await ledger.claim(paymentEntry('1001'), HOUR)
    expect(first).toStrictEqual(claimedAfter(null))
    expect(await ledger.claim(paymentEntry('1001'), HOUR)).toStrictEqual(BUSY)
    // Another state of the same record waits for the claim too; another record does not.
    const failed = paymentEntry('1001', { state: 'failed', paid: false })
    expect(await ledger.claim(failed, HOUR)).toStrictEqual(BUSY)
    expect((await ledger.claim(paymentEntry('1002'), HOUR)).outcome).toBe('claimed')
    // The same id of the other kind is another record.
    expect((await ledger.claim(planEntry('1001', 'active'), HOUR)).outcome).toBe('claimed')
  })

  test('a committed change, delivered again, is done, however often', async () => {
    const { ledger } = await setUp()
    await grant(ledger, paymentEntry('1001'))
    for (let replay = 0; replay < 3; replay++)
      expect(await ledger.claim(paymentEntry('1001'), HOUR)).toStrictEqual(DONE)
  })

  test('each new state of a plan is claimed again: active → past_due → active', async () => {
    const { ledger } = await setUp()
    const states = ['active', 'past_due', 'active']
    let previous: string | null = null
    for (const state of states) {
      const result = await ledger.claim(planEntry('500001', state), HOUR)
      expect(result).toStrictEqual(claimedAfter(previous))
      await ledger.commit(planEntry('500001', state), claimOf(result))
      expect(await ledger.claim(planEntry('500001', state), HOUR)).toStrictEqual(DONE)
      previous = state
    }
  })

  test('a released claim (the callback threw) is claimed again by the next delivery', async () => {
    const { ledger } = await setUp()
    await ledger.release(paymentEntry('1001'), claimOf(await ledger.claim(paymentEntry('1001'), HOUR)))
    const retry = await ledger.claim(paymentEntry('1001'), HOUR)
    expect(retry).toStrictEqual(claimedAfter(null))
    await ledger.commit(paymentEntry('1001'), claimOf(retry))
    // Released after a state was committed: the committed state stays, the next change is claimed again.
    const refund = paymentEntry('1001', { state: 'refunded', paid: false })
    await ledger.release(refund, claimOf(await ledger.claim(refund, HOUR)))
    expect(await ledger.claim(paymentEntry('1001'), HOUR)).toStrictEqual(DONE)
    expect(await ledger.claim(refund, HOUR)).toStrictEqual(claimedAfter('paid'))
  })

  test('commit and release with a claim id that does not hold change nothing', async () => {
    const { ledger } = await setUp()
    const held = claimOf(await ledger.claim(paymentEntry('1001'), HOUR))
    await ledger.release(paymentEntry('1001'), 'not-the-claim')
    await ledger.commit(paymentEntry('1001'), crypto.randomUUID())
    expect(await ledger.claim(paymentEntry('1001'), HOUR)).toStrictEqual(BUSY)
    await ledger.commit(paymentEntry('1001'), held)
    expect(await ledger.claim(paymentEntry('1001'), HOUR)).toStrictEqual(DONE)
  })
}

function leaseTests(setUp: SetUp) {
  test('an expired lease is taken over, and the old claim then commits nothing', async () => {
    const { ledger } = await setUp()
    const entry = planEntry('500001', 'active')
    const stale = claimOf(await ledger.claim(entry, 1))
    await sleep(30)
    const takeover = await ledger.claim(entry, HOUR)
    expect(takeover).toStrictEqual(claimedAfter(null))
    // The process that lost its lease wakes up and commits: the successor's claim still holds...
    await ledger.commit(entry, stale)
    await ledger.release(entry, stale)
    expect(await ledger.claim(entry, HOUR)).toStrictEqual(BUSY)
    expect(await ledger.paidFor('user-1')).toBeNull()
    // ...and when the successor gives up, nothing was recorded: the change is claimed afresh.
    await ledger.release(entry, claimOf(takeover))
    expect(await ledger.claim(entry, HOUR)).toStrictEqual(claimedAfter(null))
  })

  test('a live lease is not taken over, even a short one', async () => {
    const { ledger } = await setUp()
    claimOf(await ledger.claim(paymentEntry('1001'), 2_000))
    await sleep(30)
    expect(await ledger.claim(paymentEntry('1001'), HOUR)).toStrictEqual(BUSY)
  })

  test('an expired lease on a record with a committed state: the same state is done, a new one claimed', async () => {
    const { ledger } = await setUp()
    await grant(ledger, planEntry('500001', 'active'))
    claimOf(await ledger.claim(planEntry('500001', 'past_due'), 1))
    await sleep(30)
    expect(await ledger.claim(planEntry('500001', 'active'), HOUR)).toStrictEqual(DONE)
    const again = await ledger.claim(planEntry('500001', 'past_due'), HOUR)
    expect(again).toStrictEqual(claimedAfter('active'))
  })
}

function recordTests(setUp: SetUp) {
  test('paidFor: the kind of the latest paid record of the cid; unpaid and uncommitted ones do not count', async () => {
    const { ledger } = await setUp()
    expect(await ledger.paidFor('user-1')).toBeNull()
    await grant(ledger, paymentEntry('1001'))
    expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: 'payment' })
    await grant(ledger, planEntry('500001', 'active'))
    expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: 'plan' })
    // A later failed payment, a paid one only claimed, another cid's: none of them is the latest paid.
    await grant(ledger, paymentEntry('1002', { state: 'failed', paid: false }))
    claimOf(await ledger.claim(paymentEntry('1003'), HOUR))
    await grant(ledger, paymentEntry('1004', { customId: 'user-2' }))
    expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: 'plan' })
    expect(await ledger.paidFor('user-2')).toStrictEqual({ kind: 'payment' })
    // The plan ends: the payment is the latest paid record again; refunded, nothing is.
    await grant(ledger, planEntry('500001', 'canceled'))
    expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: 'payment' })
    await grant(ledger, paymentEntry('1001', { state: 'refunded', paid: false }))
    expect(await ledger.paidFor('user-1')).toBeNull()
    expect(await ledger.paidFor('nobody')).toBeNull()
  })

  test('paidFor keeps the order of commits made within one millisecond', async () => {
    const { ledger } = await setUp()
    const claims = [paymentEntry('1001'), planEntry('500001', 'active'), paymentEntry('1002')]
    const held = await Promise.all(claims.map(async (entry) => claimOf(await ledger.claim(entry, HOUR))))
    // One frozen clock for the adapters that take the time from Node (PostgreSQL's is its own).
    vi.spyOn(Date, 'now').mockReturnValue(Date.now())
    for (const [index, entry] of claims.entries()) {
      await ledger.commit(entry, held[index]!)
      expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: entry.kind })
    }
  })

  test("a record without a cid is claimed and committed, and is nobody's", async () => {
    const { ledger } = await setUp()
    await grant(ledger, paymentEntry('1001', { customId: null }))
    expect(await ledger.claim(paymentEntry('1001', { customId: null }), HOUR)).toStrictEqual(DONE)
    expect(await ledger.paidFor('null')).toBeNull()
    expect(await ledger.paidFor('')).toBeNull()
  })

  test('cursors: named values, unknown is null, the last set wins', async () => {
    const { ledger } = await setUp()
    expect(await ledger.getCursor('reconcile:payments')).toBeNull()
    await ledger.setCursor('reconcile:payments', '2026-01-01T00:00:00Z')
    await ledger.setCursor('reconcile:customers', '17')
    await ledger.setCursor('reconcile:payments', '2026-02-01T00:00:00Z')
    expect(await ledger.getCursor('reconcile:payments')).toBe('2026-02-01T00:00:00Z')
    expect(await ledger.getCursor('reconcile:customers')).toBe('17')
  })
}

const RACE_KEYS = 200

/** Both ledgers claim each of the 200 entries at the same moment; returns the outcomes per entry. */
async function raceAll(ledgers: Ledger[], entries: LedgerEntry[]) {
  return Promise.all(entries.map((entry) => Promise.all(ledgers.map((ledger) => ledger.claim(entry, HOUR)))))
}

function raceTests(setUp: SetUp) {
  test(`${RACE_KEYS} changes claimed by both at the same moment: exactly one claimed each, every round`, async () => {
    const { ledger, another } = await setUp()
    const ledgers = [ledger, await another()]
    const ids = Array.from({ length: RACE_KEYS }, (_, index) => String(700000 + index))
    // Round 1 inserts new records, round 2 changes their state, round 3 replays round 2's state.
    for (const state of ['active', 'past_due']) {
      const entries = ids.map((id) => planEntry(id, state))
      const outcomes = await raceAll(ledgers, entries)
      const claimedCounts = outcomes.map((pair) => pair.filter((result) => result.outcome === 'claimed').length)
      const notOnce = claimedCounts.filter((count) => count !== 1)
      expect(notOnce, `records claimed other than once (${state})`).toStrictEqual([])
      expect(
        outcomes
          .flat()
          .filter((result) => result.outcome !== 'claimed')
          .map((result) => result.outcome),
      ).toStrictEqual(Array(RACE_KEYS).fill('busy'))
      // Each winner commits through its own ledger.
      await Promise.all(
        outcomes.map(async (pair, index) => {
          const winner = pair.findIndex((result) => result.outcome === 'claimed')
          await ledgers[winner]!.commit(entries[index]!, claimOf(pair[winner]!))
        }),
      )
    }
    const replays = await raceAll(
      ledgers,
      ids.map((id) => planEntry(id, 'past_due')),
    )
    expect(new Set(replays.flat().map((result) => result.outcome))).toStrictEqual(new Set(['done']))
  }, 60_000)

  test('what one ledger commits, the other sees at once', async () => {
    const { ledger, another } = await setUp()
    const other = await another()
    await grant(ledger, paymentEntry('1001'))
    await ledger.setCursor('reconcile:payments', '5')
    expect(await other.claim(paymentEntry('1001'), HOUR)).toStrictEqual(DONE)
    expect(await other.paidFor('user-1')).toStrictEqual({ kind: 'payment' })
    expect(await other.getCursor('reconcile:payments')).toBe('5')
    claimOf(await other.claim(paymentEntry('1002'), HOUR))
    expect(await ledger.claim(paymentEntry('1002'), HOUR)).toStrictEqual(BUSY)
  })
}

function restartTests(setUp: SetUp) {
  test('a restart in between loses nothing: committed states, paid records, cursors', async () => {
    const { ledger, another } = await setUp()
    await grant(ledger, paymentEntry('1001'))
    await grant(ledger, planEntry('500001', 'active'))
    await ledger.setCursor('reconcile:payments', '2026-02-01T00:00:00Z')
    await ledger.close()
    const restarted = await another()
    expect(await restarted.claim(paymentEntry('1001'), HOUR)).toStrictEqual(DONE)
    expect(await restarted.claim(planEntry('500001', 'active'), HOUR)).toStrictEqual(DONE)
    expect(await restarted.paidFor('user-1')).toStrictEqual({ kind: 'plan' })
    expect(await restarted.getCursor('reconcile:payments')).toBe('2026-02-01T00:00:00Z')
    const change = await restarted.claim(planEntry('500001', 'past_due'), HOUR)
    expect(change).toStrictEqual(claimedAfter('active'))
  })

  test('a claim whose process died stays busy after the restart until its lease ends, then is claimed', async () => {
    const { ledger, another } = await setUp()
    claimOf(await ledger.claim(paymentEntry('1001'), 400))
    await ledger.close()
    const restarted = await another()
    expect(await restarted.claim(paymentEntry('1001'), HOUR)).toStrictEqual(BUSY)
    await sleep(450)
    expect(await restarted.claim(paymentEntry('1001'), HOUR)).toStrictEqual(claimedAfter(null))
  })
}
