// A ready webhook endpoint on web standards: `(request: Request) => Promise<Response>`, as Next.js
// route handlers, Hono, Bun, Deno and Cloudflare Workers take it; `toNodeListener()` adapts it
// to node:http and Express. Its answers follow MoonClerk's retry contract (docs/server.md, "What
// the endpoint answers"): 200–204 ends a delivery, anything else is retried up to 10 times, after
// which MoonClerk switches the endpoint off. So: 5xx only where a retry can succeed.
import { MoonClerkApiError, type ApiOptions } from './api.js'
import { settleChange, CallbackError, type SettleOptions, type SettleOutcome } from './settle.js'
import { verifyWebhook, WebhookError, type MoonClerkWebhook } from './webhook.js'
import type { KindedRecord } from './records.js'
import { answerStatus, type StatusOptions } from './status.js'

/** One line per webhook, for your logs. Never holds the API key, the payer's name or email. */
export interface WebhookLogLine {
  /** What happened: see the table of answers in docs/server.md. */
  outcome:
    | SettleOutcome
    | 'not-post'
    | 'not-json'
    | 'too-large'
    | 'malformed'
    | 'forged'
    | 'api-error'
    | 'callback-error'
    | 'internal-error'
    | 'ignored'
  status: number
  event?: string
  kind?: 'payment' | 'plan'
  id?: string
  customId?: string | null
  /** Why, for outcomes that are refusals or failures. */
  reason?: string
  ms: number
}

export interface WebhookHandlerOptions
  extends
    Omit<ApiOptions, 'retries'>,
    SettleOptions,
    Pick<StatusOptions, 'cidSecret' | 'authorize' | 'lookInApi' | 'lookEveryMs'> {
  /** Further API attempts after a 5xx, 429 or network failure, within `deadlineMs`; default 3. */
  retries?: number
  /** Bound on verifying one webhook with MoonClerk's API, all retries included; default 8,000 ms. */
  deadlineMs?: number
  /** Bodies larger than this are refused with 413; default 65,536 bytes. */
  maxBodyBytes?: number
  /** Receives one structured line per webhook; default: none. */
  logger?: (line: WebhookLogLine) => void
}

type Answer = { status: number; line: Omit<WebhookLogLine, 'status' | 'ms'>; headers?: Record<string, string> }

const DEFAULT_DEADLINE_MS = 8_000
const DEFAULT_MAX_BODY = 65_536

/** Every answer of the endpoint: JSON, never cached. */
const json = (status: number, body: unknown, headers?: Record<string, string>) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  })

const respond = (answer: Answer) =>
  json(answer.status, { ok: answer.status < 300, outcome: answer.line.outcome }, answer.headers)

const isJson = (type: string | null) => !!type && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)

/** The body's bytes, or null once it passes `limit` (the rest is not read). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length'))
  if (declared > limit) return null
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  chunks.reduce((offset, chunk) => (body.set(chunk, offset), offset + chunk.byteLength), 0)
  return body
}

/** What verifying the body came to: MoonClerk's copy, or the answer that ends the request. */
async function verify(body: Uint8Array, options: WebhookHandlerOptions): Promise<MoonClerkWebhook | Answer> {
  try {
    return await verifyWebhook(body, { ...options, deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS })
  } catch (error) {
    if (error instanceof WebhookError && error.code == 'unsupported-object')
      return { status: 200, line: { outcome: 'ignored', reason: error.message } }
    if (error instanceof WebhookError && error.code == 'malformed')
      return { status: 400, line: { outcome: 'malformed', reason: error.message } }
    // Not MoonClerk's: a retry would not make it true, and a 4xx would let MoonClerk switch off
    // an endpoint that somehow received one of its own (another account's key, say).
    if (error instanceof WebhookError) return { status: 200, line: { outcome: 'forged', reason: error.message } }
    if (error instanceof MoonClerkApiError)
      return { status: 503, line: { outcome: 'api-error', reason: error.message } }
    throw error
  }
}

// The webhook's kind and MoonClerk's copy: the union of records.ts, which TypeScript cannot pair by itself.
const kindedOf = (hook: MoonClerkWebhook) => ({ kind: hook.kind, record: hook.data }) as KindedRecord

/** Settles the verified change once, and says what to answer. */
async function settle(hook: MoonClerkWebhook, options: WebhookHandlerOptions): Promise<Answer> {
  const found = kindedOf(hook)
  const about = { event: hook.event, kind: found.kind, id: String(hook.id), customId: hook.customId }
  try {
    const { outcome } = await settleChange(found, options, { source: 'webhook', event: hook.event })
    // Another instance is settling the same change: be retried, and the retry finds it done.
    if (outcome == 'busy') return { status: 503, line: { outcome, ...about }, headers: { 'Retry-After': '10' } }
    return { status: 200, line: { outcome, ...about } }
  } catch (error) {
    if (error instanceof CallbackError)
      return { status: 500, line: { outcome: 'callback-error', ...about, reason: error.message } }
    throw error
  }
}

const answersStatus = (options: WebhookHandlerOptions) => !!(options.cidSecret || options.authorize)

async function answer(request: Request, options: WebhookHandlerOptions): Promise<Answer> {
  if (request.method != 'POST') {
    const allow = answersStatus(options) ? 'GET, POST' : 'POST'
    return { status: 405, line: { outcome: 'not-post' }, headers: { Allow: allow } }
  }
  if (!isJson(request.headers.get('content-type')))
    return { status: 415, line: { outcome: 'not-json', reason: 'Content-Type must be application/json' } }
  const body = await readLimited(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY)
  if (!body) return { status: 413, line: { outcome: 'too-large' } }
  const verified = await verify(body, options)
  return 'status' in verified ? verified : settle(verified, options)
}

/** The success page's question (`GET ?cid=…`): `{ paid, kind }`, never cached. */
async function statusResponse(request: Request, options: WebhookHandlerOptions): Promise<Response> {
  const { status, body } = await answerStatus(request, options).catch(() => ({
    status: 503,
    body: { paid: false, error: 'try again' },
  }))
  return json(status, body)
}

function checkOptions(options: WebhookHandlerOptions) {
  if (!options || typeof options != 'object')
    throw new TypeError('createWebhookHandler needs options: { apiKey, ledger, onPayment, onPlan }')
  if (!options.ledger || typeof options.ledger.claim != 'function')
    throw new TypeError(
      "createWebhookHandler needs a ledger, e.g. sqliteLedger('moonclerk.db') " +
        "from 'moonclerk-checkout/server/sqlite': " +
        'it is what makes each payment count once',
    )
  if (options.cidSecret !== undefined && (typeof options.cidSecret != 'string' || options.cidSecret.length < 32))
    throw new TypeError('cidSecret must be the secret your cids are sealed with (sealCid()): at least 32 characters')
  if (!options.onPayment && !options.onPlan)
    throw new TypeError('createWebhookHandler needs onPayment and/or onPlan: without them it grants nothing')
}

/**
 * MoonClerk's webhook endpoint, ready: verifies each webhook with MoonClerk's API, and calls
 * `onPayment` / `onPlan` with MoonClerk's record once per change, through the ledger.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: Request) => Promise<Response> {
  checkOptions(options)
  return async (request) => {
    if (request.method == 'GET' && answersStatus(options)) return statusResponse(request, options)
    const started = Date.now()
    let result: Answer
    try {
      result = await answer(request, options)
    } catch (error) {
      // The ledger failed (a database down): nothing was granted; be retried.
      result = {
        status: 500,
        line: {
          outcome: 'internal-error',
          reason: `internal: ${error instanceof Error ? error.message : String(error)}`,
        },
      }
    }
    options.logger?.({ ...result.line, status: result.status, ms: Date.now() - started })
    return respond(result)
  }
}
