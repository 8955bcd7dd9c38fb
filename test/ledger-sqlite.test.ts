// @vitest-environment node
// The SQLite ledger on real files: the contract, then what only a file shows. better-sqlite3 is
// synchronous, so two Database objects in one thread never interleave: the race that counts runs
// in two worker threads, each with its own connection, claiming every entry at the same moment.
import Database from 'better-sqlite3'
import { build } from 'esbuild'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ClaimResult } from '../src/server/ledger/ledger'
import { sqliteLedger } from '../src/server/ledger/sqlite'
import { HOUR, grant, ledgerContract, paymentEntry } from './ledger-contract'

const directory = mkdtempSync(join(tmpdir(), 'moonclerk-ledger-'))
let files = 0
const freshFile = () => join(directory, `ledger-${++files}.sqlite`)
afterAll(() => rmSync(directory, { recursive: true, force: true }))

ledgerContract('sqlite', {
  freshStore() {
    const file = freshFile()
    // Each connect() opens the file again: a new Database object, a connection of its own.
    return { connect: () => sqliteLedger(file) }
  },
  durable: true,
})

describe('sqlite: files and databases', () => {
  test('a path is created on first use, directories included, in WAL mode with prefixed tables', async () => {
    const file = join(directory, 'new', 'nested', 'ledger.sqlite')
    const ledger = sqliteLedger(file)
    await grant(ledger, paymentEntry('1001'))
    await ledger.close()
    expect(existsSync(file)).toBe(true)
    const database = new Database(file, { readonly: true })
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal')
    const ours = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    const names = database.prepare(ours).pluck().all()
    expect(names).toStrictEqual(['moonclerk_cursors', 'moonclerk_ledger', 'moonclerk_ledger_custom_id'])
    database.close()
  })

  test('{ database }: the ledger uses the Database you opened, beside your tables, and leaves it open', async () => {
    const database = new Database(freshFile())
    database.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, paid INTEGER)')
    const ledger = sqliteLedger({ database })
    await grant(ledger, paymentEntry('1001'))
    await ledger.close()
    expect(database.open).toBe(true)
    expect(database.prepare('SELECT state FROM moonclerk_ledger').pluck().all()).toStrictEqual(['paid'])
    // A second ledger on the same Database finds its tables and what was committed.
    const again = sqliteLedger({ database })
    expect(await again.claim(paymentEntry('1001'), HOUR)).toStrictEqual({ outcome: 'done' })
    database.close()
  })

  test('an in-memory database works for one ledger', async () => {
    const ledger = sqliteLedger(':memory:')
    await grant(ledger, paymentEntry('1001'))
    expect(await ledger.paidFor('user-1')).toStrictEqual({ kind: 'payment' })
    await ledger.close()
  })
})

// The worker: its own connection to the file; for each round and each id, it waits at a barrier
// for the other thread, claims, and commits what it won.
const WORKER = `
  const { workerData, parentPort } = require('node:worker_threads')
  const { module, file, ids, rounds, arrivals, parties } = workerData
  const barrier = new Int32Array(arrivals)
  const meet = (slot) => {
    Atomics.add(barrier, slot, 1)
    Atomics.notify(barrier, slot)
    for (let seen; (seen = Atomics.load(barrier, slot)) < parties; ) Atomics.wait(barrier, slot, seen, 20)
  }
  import(module).then(async ({ sqliteLedger }) => {
    const ledger = sqliteLedger(file)
    const outcomes = []
    for (const [round, state] of rounds.entries()) {
      for (const [index, id] of ids.entries()) {
        const entry = { kind: 'plan', id, state, paid: state === 'active', customId: 'user-' + id }
        meet(round * ids.length + index)
        const result = await ledger.claim(entry, 3600000)
        if (result.outcome === 'claimed') await ledger.commit(entry, result.claim)
        outcomes.push(result.outcome)
      }
    }
    await ledger.close()
    parentPort.postMessage(outcomes)
  })
`

describe('sqlite: two threads, two connections, one file', () => {
  let module: string
  beforeAll(async () => {
    // The adapter as the workers can import it (they cannot load TypeScript): built next to
    // node_modules, so that its import of better-sqlite3 resolves.
    const outfile = resolve('node_modules/.cache/moonclerk-ledger-tests', `sqlite-${process.pid}.mjs`)
    const entryPoints = ['src/server/ledger/sqlite.ts']
    const external = ['better-sqlite3']
    await build({ entryPoints, outfile, external, bundle: true, platform: 'node', format: 'esm', logLevel: 'error' })
    module = pathToFileURL(outfile).href
    return () => rmSync(outfile, { force: true })
  })

  test('200 records claimed by two threads at once, round after round: exactly one claimed each', async () => {
    const file = freshFile()
    await sqliteLedger(file).close() // the tables exist before the race, as after a first start
    const ids = Array.from({ length: 200 }, (_, index) => String(800000 + index))
    // A new record, two changes of its state, and a replay of the last one.
    const rounds = ['active', 'past_due', 'active', 'active']
    const arrivals = new SharedArrayBuffer(4 * ids.length * rounds.length)
    const run = () =>
      new Promise<ClaimResult['outcome'][]>((resolve, reject) => {
        const workerData = { module, file, ids, rounds, arrivals, parties: 2 }
        const worker = new Worker(WORKER, { eval: true, workerData })
        worker.once('message', resolve)
        worker.once('error', reject)
      })
    const [first, second] = await Promise.all([run(), run()])
    const perEntry = first!.map((outcome, index) => [outcome, second![index]!].sort().join('+'))
    const round = (number: number) => perEntry.slice(number * ids.length, (number + 1) * ids.length)
    // The loser finds the claim live (busy), or already committed (done); never both claimed.
    for (const number of [0, 1, 2]) {
      const notOnce = round(number).filter((pair) => pair !== 'busy+claimed' && pair !== 'claimed+done')
      expect(notOnce, `round ${number + 1}: entries not claimed exactly once`).toStrictEqual([])
    }
    expect(new Set(round(3))).toStrictEqual(new Set(['done+done']))
    // What the threads committed is in the file.
    const ledger = sqliteLedger(file)
    expect(
      await ledger.claim({ kind: 'plan', id: ids[0]!, state: 'active', paid: true, customId: null }, HOUR),
    ).toStrictEqual({ outcome: 'done' })
    expect(await ledger.paidFor(`user-${ids[199]}`)).toStrictEqual({ kind: 'plan' })
    await ledger.close()
  }, 60_000)
})
