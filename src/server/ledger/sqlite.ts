// `moonclerk-checkout/server/sqlite`: the ledger in one SQLite file, for a server on one machine
// (several processes on that machine may share the file). An entry of its own, so that the main
// server entry never loads better-sqlite3, a native module that edge runtimes cannot load.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { RecordKind } from '../records.js'
import { ledgerKey, newClaim, type ClaimResult, type Ledger, type LedgerEntry } from './ledger.js'

export type { ClaimResult, Ledger, LedgerEntry } from './ledger.js'

/** A database you opened yourself: the ledger adds its tables to it and leaves it open on close(). */
export interface SqliteLedgerOptions {
  database: Database.Database
}

// Prefixed names: the ledger may live in the merchant's own database, next to their tables.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS moonclerk_ledger (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    custom_id TEXT,
    state TEXT,
    paid INTEGER NOT NULL DEFAULT 0,
    pending_state TEXT,
    claim TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    changed_at INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS moonclerk_ledger_custom_id ON moonclerk_ledger (custom_id);
  CREATE TABLE IF NOT EXISTS moonclerk_cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

// The claim in one statement, so that no other connection can slip in between a read and a write:
// a new key is inserted claimed; an existing one is claimed only if no live claim holds it and its
// committed state differs. RETURNING yields a row only when this statement took the claim, and its
// `state` (which the claim leaves alone) is the state committed before.
const CLAIM = `
  INSERT INTO moonclerk_ledger (key, kind, record_id, custom_id, pending_state, claim, lease_until)
  VALUES (@key, @kind, @id, @customId, @state, @claim, @leaseUntil)
  ON CONFLICT (key) DO UPDATE SET
    pending_state = excluded.pending_state, claim = excluded.claim, lease_until = excluded.lease_until
  WHERE (moonclerk_ledger.claim IS NULL OR moonclerk_ledger.lease_until <= @now)
    AND moonclerk_ledger.state IS NOT excluded.pending_state
  RETURNING state`

// Only to tell `done` from `busy` after the claim above took nothing.
const AFTER_REFUSAL = `
  SELECT state, (claim IS NOT NULL AND lease_until > @now) AS live FROM moonclerk_ledger WHERE key = @key`

// changed_at orders a cid's records for paidFor(): the clock, but always after the cid's last
// change, so that two commits within one millisecond keep their order.
const COMMIT = `
  UPDATE moonclerk_ledger SET
    state = @state, paid = @paid, custom_id = @customId, pending_state = NULL, claim = NULL, lease_until = 0,
    changed_at = MAX(@now, COALESCE((SELECT MAX(changed_at) FROM moonclerk_ledger WHERE custom_id = @customId), 0) + 1)
  WHERE key = @key AND claim = @claim`

const RELEASE = `
  UPDATE moonclerk_ledger SET pending_state = NULL, claim = NULL, lease_until = 0 WHERE key = @key AND claim = @claim`

const PAID_FOR = `
  SELECT kind FROM moonclerk_ledger WHERE custom_id = ? AND paid = 1 ORDER BY changed_at DESC LIMIT 1`

const SET_CURSOR = `
  INSERT INTO moonclerk_cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`

/** Opens (and creates on first use) the SQLite file at `path`, or uses a database you opened. */
function openDatabase(pathOrOptions: string | SqliteLedgerOptions) {
  if (typeof pathOrOptions != 'string') return { database: pathOrOptions.database, owned: false }
  if (pathOrOptions !== ':memory:') mkdirSync(dirname(pathOrOptions), { recursive: true })
  // timeout: SQLite's busy_timeout, waiting up to 5 s for another connection's write instead of
  // failing at once (SQLITE_BUSY) when two processes write to the file.
  const database = new Database(pathOrOptions, { timeout: 5000 })
  // WAL: readers never block the writer, and a write waits only for another write.
  database.pragma('journal_mode = WAL')
  return { database, owned: true }
}

function prepare(database: Database.Database) {
  return {
    claimStatement: database.prepare(CLAIM),
    afterRefusal: database.prepare(AFTER_REFUSAL),
    commitStatement: database.prepare(COMMIT),
    releaseStatement: database.prepare(RELEASE),
    paidForStatement: database.prepare(PAID_FOR),
    getCursor: database.prepare('SELECT value FROM moonclerk_cursors WHERE name = ?').pluck(),
    setCursor: database.prepare(SET_CURSOR),
  }
}

/**
 * The ledger in SQLite. `path`: a file, created with its tables on first use (in WAL mode).
 * `{ database }`: a better-sqlite3 Database you opened (its journal mode and timeout stay yours).
 */
export function sqliteLedger(pathOrOptions: string | SqliteLedgerOptions): Ledger {
  const { database, owned } = openDatabase(pathOrOptions)
  database.exec(SCHEMA)
  const { claimStatement, afterRefusal, commitStatement, releaseStatement, paidForStatement, getCursor, setCursor } =
    prepare(database)

  async function claim(entry: LedgerEntry, leaseMs: number): Promise<ClaimResult> {
    const key = ledgerKey(entry)
    const now = Date.now()
    const claimId = newClaim()
    const values = { key, kind: entry.kind, id: entry.id, customId: entry.customId, state: entry.state }
    const taken = claimStatement.get({ ...values, claim: claimId, leaseUntil: now + leaseMs, now }) as
      { state: string | null } | undefined
    if (taken) return { outcome: 'claimed', claim: claimId, previousState: taken.state }
    const row = afterRefusal.get({ key, now }) as { state: string | null; live: number } | undefined
    // A claim released between the two statements: busy too, the next delivery claims it.
    return !row?.live && row?.state === entry.state ? { outcome: 'done' } : { outcome: 'busy' }
  }

  const changeOf = (entry: LedgerEntry, claimId: string) => ({ key: ledgerKey(entry), claim: claimId })

  return {
    claim,
    async commit(entry, claimId) {
      const { state, customId } = entry
      commitStatement.run({ ...changeOf(entry, claimId), state, customId, paid: entry.paid ? 1 : 0, now: Date.now() })
    },
    async release(entry, claimId) {
      releaseStatement.run(changeOf(entry, claimId))
    },
    async paidFor(customId) {
      const row = paidForStatement.get(customId) as { kind: RecordKind } | undefined
      return row ? { kind: row.kind } : null
    },
    getCursor: async (name) => (getCursor.get(name) as string | undefined) ?? null,
    setCursor: async (name, value) => void setCursor.run(name, value),
    close: async () => void (owned && database.close()),
  }
}
