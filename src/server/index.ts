// `moonclerk-checkout/server`: the server companion, on web standards only (Web Crypto, fetch, Request/Response):
// Node 20+, Deno, Bun, Workers. The ledger adapters that need a driver are entries of their own.
export { sealCid, openCid, hashCid, CidError, type CidErrorCode, type SealOptions, type OpenedCid } from './cid.js'
export {
  confirmCheckout,
  isPaid,
  MoonClerkApiError,
  type ApiOptions,
  type ConfirmOptions,
  type Confirmed,
  type MoonClerkRecord,
  type Returned,
} from './api.js'
export { parseWebhook, verifyWebhook, WebhookError, type MoonClerkWebhook, type WebhookErrorCode } from './webhook.js'
export { createWebhookHandler, type WebhookHandlerOptions, type WebhookLogLine } from './handler.js'
export { toNodeListener, type NodeRequestLike, type NodeResponseLike } from './node.js'
export { reconcile, type ReconcileOptions, type ReconcileSummary } from './reconcile.js'
export { CallbackError, type GrantContext, type SettleOutcome } from './settle.js'
export { memoryLedgerForTestsOnly } from './ledger/memory.js'
export type { ClaimResult, Ledger, LedgerEntry } from './ledger/ledger.js'
export type * from './records.js'
