// The ledger: what makes "once per change" true. Every change a webhook or a reconciliation
// brings (a payment became paid, a plan's subscription became `past_due`…) is claimed in it
// atomically before your callback runs, committed after it returns, and released when it throws,
// so MoonClerk's retry grants it then. A unique key in a database, not a Set in memory: it has to
// survive restarts and hold across several server instances.
import type { RecordKind } from '../records.js'

/** One change of one MoonClerk record, as the ledger keys it. */
export interface LedgerEntry {
  kind: RecordKind
  /** MoonClerk's id of the payment or the plan (customer), as a string. */
  id: string
  /** `paid`, or the payment's `status`, for a payment; the subscription's `status` for a plan. */
  state: string
  /** Whether this state is one to grant (`isPaid()`). */
  paid: boolean
  /** The cid that went into the checkout, or null. */
  customId: string | null
}

/**
 * `claimed`: this change is yours to act on; then `commit()` or `release()` with `claim`.
 * `done`: the ledger already holds this state for this record (a retry or a replay).
 * `busy`: another handler holds a live claim on this record right now.
 */
export type ClaimResult =
  { outcome: 'claimed'; claim: string; previousState: string | null } | { outcome: 'done' } | { outcome: 'busy' }

export interface Ledger {
  /**
   * Atomically claims the change of record `entry.id` to `entry.state`, for `leaseMs`: a claim
   * neither committed nor released by then (its process died) can be taken again.
   */
  claim(entry: LedgerEntry, leaseMs: number): Promise<ClaimResult>
  /** Records `entry.state` as the record's state; a claim that has been taken over commits nothing. */
  commit(entry: LedgerEntry, claim: string): Promise<void>
  /** Gives the claim up, recording nothing: the next delivery of the same change claims it again. */
  release(entry: LedgerEntry, claim: string): Promise<void>
  /** The kind of the most recently changed record of this cid whose recorded state is paid, or null. */
  paidFor(customId: string): Promise<{ kind: RecordKind } | null>
  /** A named value that outlives the process: `reconcile()` keeps its cursor here. */
  getCursor(name: string): Promise<string | null>
  setCursor(name: string, value: string): Promise<void>
  /** Closes what the ledger opened (not a pool or database you passed in). */
  close(): Promise<void>
}

/** The key of a record in every adapter: `payment:1348394`, `plan:500001`. */
export const ledgerKey = (entry: Pick<LedgerEntry, 'kind' | 'id'>) => `${entry.kind}:${entry.id}`

/** A claim's id: random, so that a process that lost its lease cannot commit over its successor. */
export const newClaim = () => globalThis.crypto.randomUUID()
