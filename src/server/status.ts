// The success page's question, "has the payment for this cid landed?", answered from the ledger
// the webhooks fill. When the ledger knows nothing yet (the webhook is late, or never came), it
// looks once at MoonClerk's recent payments and plans for that cid, at most once per cid per
// `lookEveryMs`, and settles what it finds through the same ledger. It answers `{ paid, kind }`
// and nothing else: no name, no email, no amount.
import { client, isPaid, KIND_OF_LIST, pagesOf, type ApiOptions } from './api.js'
import { openCid } from './cid.js'
import type { KindedRecord } from './records.js'
import { settleChange, type SettleOptions } from './settle.js'

export interface StatusOptions extends SettleOptions, ApiOptions {
  /**
   * The secret your cids are sealed with (`sealCid()`): then only sealed cids are answered, which
   * nobody can guess. The default way to decide who may ask.
   */
  cidSecret?: string
  /** Your own rule instead (tie the question to your session): true lets the request ask about this cid. */
  authorize?: (request: Request, cid: string) => boolean | Promise<boolean>
  /** Whether to look in MoonClerk's API when the ledger has nothing; default true. */
  lookInApi?: boolean
  /** At most one look per cid this often; default 15,000 ms. */
  lookEveryMs?: number
}

export type StatusAnswer = { status: number; body: { paid: boolean; kind?: 'payment' | 'plan'; error?: string } }

const MAX_CID = 200
// Payments and plans from yesterday on (UTC days): a success page asks minutes after paying.
const LOOK_BACK_MS = 86_400_000
const LOOK_PAGES = 3
// Per process: enough to stop one page's polling from becoming one API call per poll.
const lastLooks = new Map<string, number>()
// Per process and interval: each look costs up to six list calls.
const MAX_LOOKS_PER_INTERVAL = 10

async function allowed(request: Request, cid: string, options: StatusOptions): Promise<boolean> {
  if (options.authorize) return (await options.authorize(request, cid)) === true
  try {
    await openCid(cid, options.cidSecret!)
    return true
  } catch {
    return false
  }
}

/** Whether this cid may be looked up in the API now; forgets looks older than the interval. */
function mayLook(cid: string, every: number): boolean {
  const now = Date.now()
  for (const [key, at] of lastLooks) if (now - at >= every) lastLooks.delete(key)
  // However many cids ask (anyone may hold many sealed ones), the looks stay few: MoonClerk's
  // 429s would otherwise reach webhook verification, whose 503s can get the endpoint switched off.
  if (lastLooks.has(cid) || lastLooks.size >= MAX_LOOKS_PER_INTERVAL) return false
  lastLooks.set(cid, now)
  return true
}

/** MoonClerk's recent paid payment or active plan for this cid, or null. */
async function findInApi(cid: string, options: StatusOptions): Promise<KindedRecord | null> {
  const api = client({ ...options, retries: options.retries ?? 1 }, 'the status endpoint')
  const since = new Date(Date.now() - LOOK_BACK_MS).toISOString().slice(0, 10)
  const limits = { maxPages: LOOK_PAGES, pageDeadlineMs: options.deadlineMs ?? 8_000 }
  for (const [list, filter] of [
    ['payments', { date_from: since }],
    ['customers', { checkout_from: since }],
  ] as const) {
    for await (const rows of pagesOf(list, filter, api, limits)) {
      const found = rows
        .map((record) => ({ kind: KIND_OF_LIST[list], record }) as KindedRecord)
        .find((row) => isOfCid(row, cid))
      if (found) return found
    }
  }
  return null
}

const isOfCid = (found: KindedRecord, cid: string) => found.record.custom_id === cid && isPaid(found)

/** Answers `GET ?cid=…`; `Cache-Control: no-store` is the caller's. */
export async function answerStatus(request: Request, options: StatusOptions): Promise<StatusAnswer> {
  const cid = new URL(request.url).searchParams.get('cid')
  if (!cid || cid.length > MAX_CID) return { status: 400, body: { paid: false, error: 'ask with ?cid=<the cid>' } }
  if (!(await allowed(request, cid, options))) return { status: 403, body: { paid: false, error: 'not yours to ask' } }
  const known = await options.ledger.paidFor(cid)
  if (known) return { status: 200, body: { paid: true, kind: known.kind } }
  if (options.lookInApi === false || !mayLook(cid, options.lookEveryMs ?? 15_000))
    return { status: 200, body: { paid: false } }
  const found = await findInApi(cid, options).catch(() => null)
  if (!found) return { status: 200, body: { paid: false } }
  // MoonClerk's own copy, from its API: settled as a webhook would have been, once. Should your
  // callback throw, nothing was granted: the page keeps waiting, and the webhook's retry grants.
  const settled = await settleChange(found, options, { source: 'status', event: null }).catch(() => null)
  return { status: 200, body: settled ? { paid: true, kind: found.kind } : { paid: false } }
}

/** For tests: forget the per-cid look times. */
export const forgetLooks = () => lastLooks.clear()
