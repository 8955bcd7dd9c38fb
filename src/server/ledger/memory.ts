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

/** For tests and demos only: exactly-once holds within this one process, until it exits. */
export function memoryLedgerForTestsOnly(): Ledger {
  const rows = new Map<string, Row>()
  const cursors = new Map<string, string>()
  let clock = 0 // orders changes made within the same millisecond
  const stamp = () => (clock = Math.max(Date.now(), clock + 1))

  async function claim(entry: LedgerEntry, leaseMs: number): Promise<ClaimResult> {
    const key = ledgerKey(entry)
    const row = rows.get(key)
    const now = Date.now()
    if (row && row.claim && row.leaseUntil > now) return { outcome: 'busy' }
    if (row && row.state === entry.state) return { outcome: 'done' }
    const claimId = newClaim()
    const previousState = row ? row.state : null
    const next: Row = row ?? {
      kind: entry.kind,
      customId: entry.customId,
      state: null,
      paid: false,
      pendingState: null,
      claim: null,
      leaseUntil: 0,
      changedAt: 0,
    }
    Object.assign(next, { pendingState: entry.state, claim: claimId, leaseUntil: now + leaseMs })
    rows.set(key, next)
    return { outcome: 'claimed', claim: claimId, previousState }
  }

  async function commit(entry: LedgerEntry, claimId: string) {
    const row = rows.get(ledgerKey(entry))
    if (!row || row.claim !== claimId) return
    Object.assign(row, {
      state: entry.state,
      paid: entry.paid,
      customId: entry.customId,
      pendingState: null,
      claim: null,
      leaseUntil: 0,
      changedAt: stamp(),
    })
  }

  async function release(entry: LedgerEntry, claimId: string) {
    const row = rows.get(ledgerKey(entry))
    if (row && row.claim === claimId) Object.assign(row, { pendingState: null, claim: null, leaseUntil: 0 })
  }

  async function paidFor(customId: string) {
    let latest: Row | undefined
    for (const row of rows.values())
      if (row.customId === customId && row.paid && (!latest || row.changedAt > latest.changedAt)) latest = row
    return latest ? { kind: latest.kind } : null
  }

  const getCursor = async (name: string) => cursors.get(name) ?? null
  const setCursor = async (name: string, value: string) => void cursors.set(name, value)
  return { claim, commit, release, paidFor, getCursor, setCursor, close: async () => {} }
}
