// A ledger in this process's memory, for tests and the demo only: it forgets everything on restart
// and knows nothing of other instances, so it cannot keep "once" in production. Its name says so.
import type { RecordKind } from '../records.js'
import { ledgerKey, newClaim, type ClaimResult, type Ledger, type LedgerEntry } from './ledger.js'

interface Row {
  kind: RecordKind
  customId: string | null
  state: string | null
  paid: boolean
  pendingState: string | null
  claim: string | null
  leaseUntil: number
  changedAt: number
}

const NO_CLAIM = { pendingState: null, claim: null, leaseUntil: 0 }

/** The claim step on a map of rows, as the SQL adapters do it in one statement. */
function claimIn(rows: Map<string, Row>, entry: LedgerEntry, leaseMs: number): ClaimResult {
  const key = ledgerKey(entry)
  const row = rows.get(key)
  const now = Date.now()
  if (row && row.claim && row.leaseUntil > now) return { outcome: 'busy' }
  if (row && row.state === entry.state) return { outcome: 'done' }
  const claim = newClaim()
  const fresh = { kind: entry.kind, customId: entry.customId, state: null, paid: false, changedAt: 0 }
  rows.set(key, { ...(row ?? fresh), pendingState: entry.state, claim, leaseUntil: now + leaseMs })
  return { outcome: 'claimed', claim, previousState: row ? row.state : null }
}

/** For tests and demos only: exactly-once holds within this one process, until it exits. */
export function memoryLedgerForTestsOnly(): Ledger {
  const rows = new Map<string, Row>()
  const cursors = new Map<string, string>()
  let clock = 0 // orders changes made within the same millisecond
  const stamp = () => (clock = Math.max(Date.now(), clock + 1))
  const held = (entry: LedgerEntry, claim: string) => {
    const row = rows.get(ledgerKey(entry))
    return row && row.claim === claim ? row : undefined
  }

  async function commit(entry: LedgerEntry, claim: string) {
    const { state, paid, customId } = entry
    const row = held(entry, claim)
    if (row) Object.assign(row, { state, paid, customId, ...NO_CLAIM, changedAt: stamp() })
  }

  async function paidFor(customId: string) {
    let latest: Row | undefined
    for (const row of rows.values())
      if (row.customId === customId && row.paid && (!latest || row.changedAt > latest.changedAt)) latest = row
    return latest ? { kind: latest.kind } : null
  }

  return {
    claim: async (entry, leaseMs) => claimIn(rows, entry, leaseMs),
    commit,
    release: async (entry, claim) => void Object.assign(held(entry, claim) ?? {}, NO_CLAIM),
    paidFor,
    getCursor: async (name) => cursors.get(name) ?? null,
    setCursor: async (name, value) => void cursors.set(name, value),
    close: async () => {},
  }
}
