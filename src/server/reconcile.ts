// Catching up on webhooks that never arrived. MoonClerk switches an endpoint off after 10 failed
// attempts, and from then on what it missed exists only in the API: this pages through
// `GET /payments` and `GET /customers` and settles each record through the same ledger as the
// endpoint, so a payment the endpoint granted is never granted again, and the reverse.
import { client, KIND_OF_LIST, pagesOf, type Api, type ApiOptions } from './api.js'
import type { KindedRecord } from './records.js'
import { CallbackError, ledgerEntryOf, settleChange, type SettleOptions } from './settle.js'

export interface ReconcileOptions extends Omit<ApiOptions, 'retries'>, SettleOptions {
  /**
   * The first day (UTC) to look at: a Date or `YYYY-MM-DD`. Without it, the run resumes from where
   * the last complete run stopped (its cursor in the ledger); the first run needs it.
   */
  since?: Date | string
  /** Look and count, but settle nothing and move no cursor. */
  dryRun?: boolean
  /** Further attempts per page after a 429, 5xx or network failure, with backoff; default 5. */
  retries?: number
  /** Bound on one page, retries included; default 60,000 ms. */
  pageDeadlineMs?: number
  /** Called after each page: for a progress line on long runs. */
  onProgress?: (progress: { list: 'payments' | 'customers'; page: number; seen: number }) => void
}

/** What a run found. A record is counted once, under the first heading that fits it. */
export interface ReconcileSummary {
  /** The first day looked at (YYYY-MM-DD, UTC). */
  since: string
  /** Records looked at: payments and plans. */
  seen: number
  /** Callbacks run by this run: payments and plan changes no webhook had delivered. */
  grantedNow: number
  /** Already in the ledger in this state (a webhook or an earlier run settled it). */
  alreadyGranted: number
  /** Payments that are not paid (failed, refunded) and plans whose state gives nothing to grant. */
  notPaid: number
  /** Paid, but without a cid: nothing to attribute them to; look them up in MoonClerk. */
  withoutCid: number
  /** Being settled by a running endpoint at this moment: it grants them (the cursor stays, to look again). */
  inProgress: number
  /** Callbacks that threw: released, retried by the next run (which therefore starts from the same day). */
  failed: number
  /** With `dryRun`: paid records with a cid that a real run would settle (or find settled). */
  wouldSettle: number
}

export const RECONCILE_CURSOR = 'reconcile:since'
const DAY = /^\d{4}-\d{2}-\d{2}$/

const dayOf = (date: Date) => date.toISOString().slice(0, 10)

/** The first day to look at: given, or the cursor; a TypeError for anything that is not a day. */
async function firstDay(options: ReconcileOptions): Promise<string> {
  const given = options.since
  if (given instanceof Date) {
    if (Number.isNaN(given.getTime())) throw new TypeError('since is an invalid Date')
    return dayOf(given)
  }
  if (typeof given == 'string') {
    if (
      !DAY.test(given) ||
      Number.isNaN(Date.parse(given + 'T00:00:00Z')) ||
      dayOf(new Date(given + 'T00:00:00Z')) != given
    )
      throw new TypeError(`since must be a day, YYYY-MM-DD, not ${JSON.stringify(given).slice(0, 40)}`)
    return given
  }
  const cursor = await options.ledger.getCursor(RECONCILE_CURSOR)
  if (cursor) return cursor
  throw new TypeError(
    'reconcile needs `since` (a Date or YYYY-MM-DD) on its first run; later runs resume from their cursor',
  )
}

function newSummary(since: string): ReconcileSummary {
  return {
    since,
    seen: 0,
    grantedNow: 0,
    alreadyGranted: 0,
    notPaid: 0,
    withoutCid: 0,
    inProgress: 0,
    failed: 0,
    wouldSettle: 0,
  }
}

/** Settles one record and counts it. */
async function reconcileOne(found: KindedRecord, options: ReconcileOptions, summary: ReconcileSummary) {
  summary.seen++
  const { paid, customId } = ledgerEntryOf(found)
  const hasCid = customId != null
  if (options.dryRun) {
    if (!paid && found.kind == 'payment') summary.notPaid++
    else if (!hasCid) summary.withoutCid++
    else summary.wouldSettle++
    return
  }
  try {
    const { outcome } = await settleChange(found, options, { source: 'reconcile', event: null })
    if (outcome == 'granted') summary.grantedNow++
    else if (outcome == 'busy') summary.inProgress++
    // A state recorded before counts where it belongs: a failed payment seen again is still not paid.
    else if (outcome == 'duplicate' && paid && hasCid) summary.alreadyGranted++
    else if (!hasCid && paid) summary.withoutCid++
    else summary.notPaid++
  } catch (error) {
    if (!(error instanceof CallbackError)) throw error
    summary.failed++
  }
}

/** Settles every row of one list, page by page, and reports progress after each page. */
async function walk(
  list: keyof typeof KIND_OF_LIST,
  filter: Record<string, string>,
  api: Api,
  options: ReconcileOptions,
  summary: ReconcileSummary,
) {
  const kind = KIND_OF_LIST[list]
  let page = 0
  for await (const rows of pagesOf(list, filter, api, { pageDeadlineMs: options.pageDeadlineMs ?? 60_000 })) {
    for (const record of rows) await reconcileOne({ kind, record } as KindedRecord, options, summary)
    options.onProgress?.({ list, page: ++page, seen: summary.seen })
  }
}

/**
 * Catches up through MoonClerk's API: every payment from `since` on, and every plan that checked
 * out from `since` on, settled once through `ledger` (`onPayment` / `onPlan` as the endpoint calls
 * them). Resumes from its cursor when `since` is not given. Run it on a schedule (hourly, say).
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileSummary> {
  if (!options || !options.ledger)
    throw new TypeError('reconcile needs a ledger: the same one your webhook endpoint uses')
  const api = client({ ...options, retries: options.retries ?? 5 }, 'reconcile')
  const startedOn = dayOf(new Date())
  const summary = newSummary(await firstDay(options))
  await walk('payments', { date_from: summary.since }, api, options, summary)
  await walk('customers', { checkout_from: summary.since }, api, options, summary)
  // Dates filter whole UTC days: the next run starts from today, and the ledger absorbs the overlap.
  // A row left to another holder (busy) may never be settled by it (its process died): like a
  // failed callback, it keeps the cursor where it was, so the next run looks at it again.
  const unsettled = summary.failed + summary.inProgress
  if (!options.dryRun && unsettled == 0) await options.ledger.setCursor(RECONCILE_CURSOR, startedOn)
  return summary
}
