// One change of one MoonClerk record, settled once: the step the webhook endpoint and the
// reconciliation share, so that a payment granted by either is never granted again by the other.
// The record must be MoonClerk's own copy (from its API), never a webhook's body.
import { isPaid } from './api.js'
import type { Ledger, LedgerEntry } from './ledger/ledger.js'
import type { KindedRecord, MoonClerkCustomer, MoonClerkPayment, RecordKind } from './records.js'

/** What your callback is told besides the record. */
export interface GrantContext {
  kind: RecordKind
  /**
   * `webhook` (a verified webhook), `reconcile` (found in MoonClerk's API by a catch-up run) or
   * `status` (found in MoonClerk's API when a success page asked before any webhook arrived).
   */
  source: 'webhook' | 'reconcile' | 'status'
  /** The webhook's event string (`payment_created`, `payment_succeeded`, `plan_ended`…); null from reconcile. */
  event: string | null
  /** The cid that went into the checkout, as MoonClerk's record has it. */
  customId: string | null
  /** Whether the record, as MoonClerk's API has it now, is one to grant (`isPaid()`). */
  paid: boolean
  /** `paid` for a payment; the subscription's status for a plan (`active`, `past_due`, `canceled`…). */
  state: string
  /** The state the ledger held before this change, or null the first time this record is seen. */
  previousState: string | null
  /**
   * `payment:<id>:paid`, `plan:<id>:<state>`: the same for every delivery of this change. Store it
   * with what you grant (a unique key) if your callback may outlive `leaseMs` or its commit may
   * fail: those are the two ways the same change can reach your callback twice.
   */
  idempotencyKey: string
}

export interface SettleOptions {
  ledger: Ledger
  /** Called once per paid payment (a plan's renewals too: `payment.customer_id` is the plan's id). */
  onPayment?: (payment: MoonClerkPayment, context: GrantContext) => unknown
  /** Called once per change of a plan's subscription status; `context.paid` says whether it is active. */
  onPlan?: (customer: MoonClerkCustomer, context: GrantContext) => unknown
  /** How long a claim holds before another instance may take it over (its holder died); default 60 s. */
  leaseMs?: number
}

/**
 * `granted`: your callback ran and returned; `recorded`: the ledger took the new state but no
 * callback was due (a payment that is not paid, or a record without a cid); `duplicate`: the ledger
 * already held this state; `busy`: another delivery of the same change is being settled right now.
 */
export type SettleOutcome = 'granted' | 'recorded' | 'duplicate' | 'busy'

/** Your callback threw: the claim was released, so the next delivery of this change runs it again. */
export class CallbackError extends Error {
  constructor(readonly cause: unknown) {
    super(`the callback threw: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'CallbackError'
  }
}

/** The record's state as the ledger keys it: `paid` or the payment's status; the subscription's status. */
function stateOf(found: KindedRecord, paid: boolean): string {
  if (paid) return found.kind == 'payment' ? 'paid' : 'active'
  const status = found.kind == 'payment' ? found.record.status : found.record.subscription?.status
  return typeof status == 'string' && status ? status : 'unknown'
}

/** The change a record of MoonClerk's stands for, as the ledger keys it (an empty cid is none). */
export function ledgerEntryOf(found: KindedRecord): LedgerEntry {
  const paid = isPaid(found)
  const customId = typeof found.record.custom_id == 'string' && found.record.custom_id ? found.record.custom_id : null
  return { kind: found.kind, id: String(found.record.id), state: stateOf(found, paid), paid, customId }
}

/**
 * Claims the record's current state in the ledger, runs the callback that change is due, and
 * commits; releases the claim and throws a `CallbackError` when the callback throws.
 */
export async function settleChange(
  found: KindedRecord,
  options: SettleOptions,
  origin: Pick<GrantContext, 'source' | 'event'>,
): Promise<{ outcome: SettleOutcome; entry: LedgerEntry }> {
  const entry = ledgerEntryOf(found)
  const claimed = await options.ledger.claim(entry, options.leaseMs ?? 60_000)
  if (claimed.outcome == 'done') return { outcome: 'duplicate', entry }
  if (claimed.outcome == 'busy') return { outcome: 'busy', entry }
  const context: GrantContext = {
    kind: entry.kind,
    ...origin,
    customId: entry.customId,
    paid: entry.paid,
    state: entry.state,
    previousState: claimed.previousState,
    idempotencyKey: `${entry.kind}:${entry.id}:${entry.state}`,
  }
  const callback = dueCallback(found, entry, options, context)
  if (callback) {
    try {
      await callback()
    } catch (error) {
      await options.ledger.release(entry, claimed.claim)
      throw new CallbackError(error)
    }
  }
  await options.ledger.commit(entry, claimed.claim)
  return { outcome: callback ? 'granted' : 'recorded', entry }
}

/** The callback this change is due, or undefined: payments only when paid, plans on any change; never without a cid. */
function dueCallback(found: KindedRecord, entry: LedgerEntry, options: SettleOptions, context: GrantContext) {
  if (!entry.customId) return undefined
  if (found.kind == 'plan') return options.onPlan && (() => options.onPlan!(found.record, context))
  // A payment is granted once, ever: after `paid` or `refunded`, a stale copy that says paid again
  // (a replayed webhook body verified a moment before a refund, a slow reconcile page) is no new payment.
  const grantedBefore = context.previousState == 'paid' || context.previousState == 'refunded'
  return entry.paid && !grantedBefore && options.onPayment ? () => options.onPayment!(found.record, context) : undefined
}
