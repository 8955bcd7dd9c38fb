// `moonclerk-checkout/server`: the Node (18+) companion. No dependencies: Web Crypto and fetch.
export { sealCid, openCid, hashCid, CidError, type CidErrorCode, type SealOptions, type OpenedCid } from './cid.js'
export { confirmCheckout, isPaid, MoonClerkApiError, type ApiOptions, type ConfirmOptions, type Confirmed, type MoonClerkRecord, type Returned } from './api.js'
export { parseWebhook, verifyWebhook, WebhookError, type MoonClerkWebhook, type WebhookErrorCode } from './webhook.js'
export { memoryLedgerForTestsOnly } from './ledger/memory.js'
export type { ClaimResult, Ledger, LedgerEntry } from './ledger/ledger.js'
