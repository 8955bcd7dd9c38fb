// Confirming a return on the server, through MoonClerk's read-only REST API. A redirect back to
// the site proves nothing (anyone can type it); the API's records do.
import { isSecure } from '../secure.js'
import type { KindedRecord, MoonClerkCustomer, MoonClerkObject, MoonClerkPayment, RecordKind } from './records.js'

/** What every call to MoonClerk's API takes. */
export interface ApiOptions {
  /** MoonClerk API key: printable ASCII, no spaces. Never logged, never put in a URL or an error message. */
  apiKey: string
  /** Default `https://api.moonclerk.com/`. Must be `https:`; `http:` only for localhost, 127.0.0.0/8 and [::1]. */
  apiBase?: string
  /** Per request, in milliseconds; default 10,000 (and never past the deadline). */
  timeoutMs?: number
  /** Bound on the whole call, every attempt and wait included, in milliseconds; default 10,000. */
  deadlineMs?: number
  /** Further attempts after a 5xx, a 429 or a network failure, within the deadline; default 3, with backoff. */
  retries?: number
  /** For tests, or a runtime without a global fetch. */
  fetch?: typeof fetch
}

export interface ConfirmOptions extends ApiOptions {
  /** Only a payment or plan of this form (its id in MoonClerk's API, `form_id`). */
  formId?: number | string
  /** Only a payment of exactly this `amount`, or a plan of this price (`subscription.plan.amount`), in cents. */
  amountCents?: number
  /** Look at payments and plans from this day on (UTC); default: three days ago. */
  since?: Date
  /** Pages of 100 to look through per list before giving up; default 10. */
  maxPages?: number
}

/** What came back to the success page: the expected cid, and one of MoonClerk's keys to the checkout. */
export interface Returned {
  /**
   * The cid you passed into the checkout; required (`null`, as `readReturn()` gives it when none
   * came back, is a `TypeError`, as is an empty string).
   */
  customId: string | null
  /** `{{checkout_token}}`: found by paging through payments, then plans. */
  checkoutToken?: string | null
  /** `{{payment_id}}` (older redirect instructions): fetched directly. */
  paymentId?: number | string | null
  /** `{{customer_id}}` (older redirect instructions, plans): fetched directly. */
  customerId?: number | string | null
}

/** A payment or a plan's customer, as MoonClerk's API has it. */
export type MoonClerkRecord = MoonClerkPayment | MoonClerkCustomer

/** What `confirmCheckout()` returns: `kind` says which record `record` is. */
export type Confirmed = KindedRecord

/**
 * MoonClerk's API could not be asked, or answered what it should not. `status` is the HTTP status
 * (0 when there was no answer in time, or after the last retry). `retryable` says whether asking
 * again later may succeed: true for 5xx, 429, network failures, timeouts and the deadline; false
 * for 4xx answers (a wrong key: 401) and a 200 that is not the JSON MoonClerk documents.
 */
export class MoonClerkApiError extends Error {
  readonly retryable: boolean
  constructor(
    readonly status: number,
    message: string,
    retryable = status == 0 || status == 429 || status >= 500,
  ) {
    super(message)
    this.name = 'MoonClerkApiError'
    this.retryable = retryable
  }
}

/** Options checked by `client()`, with the absolute time (`Date.now()` ms) after which no request is made. */
export type Api = ApiOptions & { base: URL; deadlineAt: number }

// What may go into an HTTP header: a key read from a file or an env var often carries a newline.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/
const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_DEADLINE_MS = 10_000
const DEFAULT_RETRIES = 3
// MoonClerk documents no throttling numbers: honour its Retry-After, but never sleep longer than this.
const MAX_RETRY_AFTER_MS = 60_000

function checkKey(apiKey: unknown, caller: string): asserts apiKey is string {
  if (apiKey === undefined || apiKey === null || apiKey === '')
    throw new TypeError(`${caller} needs the MoonClerk API key (apiKey)`)
  if (typeof apiKey != 'string') throw new TypeError(`apiKey must be a string, not a ${typeof apiKey}`)
  // Never quote the key, not even a part of it: messages end up in logs.
  if (!PRINTABLE_ASCII.test(apiKey))
    throw new TypeError(
      'apiKey must be printable ASCII without spaces: it holds whitespace, a control character or a non-ASCII ' +
        'character (a trailing newline from a file or an environment variable?)',
    )
}

function checkNumbers(options: ApiOptions) {
  for (const name of ['timeoutMs', 'deadlineMs'] as const) {
    const value = options[name]
    if (value !== undefined && !(typeof value == 'number' && value > 0 && Number.isFinite(value)))
      throw new TypeError(`${name} must be a positive number of milliseconds`)
  }
  const retries = options.retries
  if (retries !== undefined && !(Number.isSafeInteger(retries) && retries >= 0))
    throw new TypeError('retries must be a whole number from 0')
}

function baseOf(apiBase: string | undefined): URL {
  let base: URL
  try {
    base = new URL(apiBase || 'https://api.moonclerk.com/')
  } catch {
    throw new TypeError(`apiBase must be an absolute https: URL, such as https://api.moonclerk.com/`)
  }
  if (!isSecure(base))
    throw new TypeError(
      'apiBase must be an https: URL (http: only for localhost, 127.0.0.0/8 or [::1]), ' +
        `not ${base.protocol}//${base.host}`,
    )
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return base
}

/**
 * Checks the key, the numbers and the base URL before any request (`https:`, or `http:` on a
 * loopback host), and starts the clock: the returned `Api` carries the absolute deadline of
 * `deadlineMs` from now, which every `apiGet()` made with it shares.
 */
export function client(options: ApiOptions, caller: string): Api {
  if (!options) throw new TypeError(`${caller} needs the MoonClerk API key (apiKey)`)
  checkKey(options.apiKey, caller)
  checkNumbers(options)
  const base = baseOf(options.apiBase)
  return { ...options, base, deadlineAt: Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS) }
}

/** The same client with a fresh deadline, `ms` from now: for each page of a long run. */
export function withDeadline(api: Api, ms: number): Api {
  if (!(typeof ms == 'number' && ms > 0 && Number.isFinite(ms)))
    throw new TypeError('a deadline must be a positive number of milliseconds')
  return { ...api, deadlineAt: Date.now() + ms }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const day = (date: Date) => date.toISOString().slice(0, 10)
/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value == 'object' && !Array.isArray(value)
const attempts = (n: number) => `${n} attempt${n == 1 ? '' : 's'}`

/** Retry-After, in seconds or as an HTTP date, in milliseconds from now (capped); undefined when unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  const value = header?.trim()
  if (!value) return undefined
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now()
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
}

/** What one attempt came to: the parsed body, or why to try again (and when MoonClerk said to). */
type Attempt = { body: Record<string, unknown> } | { failure: string; retryAfterMs?: number }

/** The body of a 200, which must be a JSON object; anything else is no answer of MoonClerk's, nor worth retrying. */
function jsonObjectOf(text: string, response: Response, url: URL): Record<string, unknown> {
  const where = `MoonClerk API ${url.pathname}`
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    const type = (response.headers.get('content-type') || 'no content type').slice(0, 60)
    const message = `${where}: the ${response.status} answer is not JSON (${type}); is apiBase right?`
    throw new MoonClerkApiError(response.status, message, false)
  }
  if (!isObject(body))
    throw new MoonClerkApiError(response.status, `${where}: the ${response.status} answer is not a JSON object`, false)
  return body
}

/** One request; throws the errors no retry can mend (4xx, a redirect, a body that is not JSON). */
async function request(url: URL, api: Api, signal: AbortSignal): Promise<Attempt> {
  const response = await (api.fetch || fetch)(url, {
    headers: { Authorization: `Token token=${api.apiKey}`, Accept: 'application/vnd.moonclerk+json;version=1' },
    signal,
    // MoonClerk's API does not redirect; a redirect would carry the key to wherever it points.
    redirect: 'manual',
  })
  const status = `${response.status} ${response.statusText}`.trim()
  if (response.ok) return { body: jsonObjectOf(await response.text(), response, url) }
  // Unread bodies hold their connection open.
  void response.body?.cancel().catch(() => {})
  if (response.status == 429 || response.status >= 500)
    return { failure: status, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) }
  // Not retryable, whatever the status: a browser reports a redirect as status 0.
  throw new MoonClerkApiError(response.status, `MoonClerk API ${url.pathname}: ${status}`, false)
}

/** One attempt, bounded by `timeoutMs` even when `fetch` ignores its signal. */
async function attempt(url: URL, api: Api, timeoutMs: number): Promise<Attempt> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<Attempt>((resolve) => {
    // Settled before aborting, so that the race ends with this failure, not with the abort's.
    timer = setTimeout(() => {
      resolve({ failure: `no answer within ${timeoutMs} ms` })
      controller.abort()
    }, timeoutMs)
  })
  try {
    return await Promise.race([request(url, api, controller.signal), timedOut])
  } catch (error) {
    if (error instanceof MoonClerkApiError) throw error
    return { failure: String(error) }
  } finally {
    clearTimeout(timer)
  }
}

/** How long to wait before the next attempt, or why not to make one (out of retries, or past the deadline). */
function nextWait(done: number, outcome: { failure: string; retryAfterMs?: number }, api: Api): number | string {
  if (done > (api.retries ?? DEFAULT_RETRIES)) return outcome.failure
  const wait = outcome.retryAfterMs ?? 250 * 2 ** (done - 1)
  if (Date.now() + wait < api.deadlineAt) return wait
  if (outcome.retryAfterMs === undefined) return outcome.failure
  return `${outcome.failure}; Retry-After ${Math.round(outcome.retryAfterMs / 1000)} s is past the deadline`
}

/**
 * One GET with MoonClerk's headers, returning the JSON object it answers. Retries what MoonClerk
 * says to retry (5xx, 429 after its `Retry-After`) and network failures, with backoff, until
 * `api.retries` or `api.deadlineAt`: then a `MoonClerkApiError` with status 0. A 4xx or a 200 that
 * is not a JSON object is a `MoonClerkApiError` at once.
 */
export async function apiGet(path: string, query: Record<string, string>, api: Api): Promise<Record<string, unknown>> {
  const url = new URL(path, api.base)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const started = Date.now()
  const giveUp = (done: number, why: string) => {
    const spent = `${attempts(done)} in ${Date.now() - started} ms`
    return new MoonClerkApiError(0, `MoonClerk API ${url.pathname}: gave up after ${spent} (${why})`)
  }
  for (let done = 0; ; done++) {
    const left = api.deadlineAt - Date.now()
    if (left <= 0) throw giveUp(done, 'the deadline had passed')
    const outcome = await attempt(url, api, Math.min(api.timeoutMs ?? DEFAULT_TIMEOUT_MS, left))
    if ('body' in outcome) return outcome.body
    const wait = nextWait(done + 1, outcome, api)
    if (typeof wait == 'string') throw giveUp(done + 1, wait)
    await sleep(wait)
  }
}

// MoonClerk's ids are positive integers. Anything its API would read as another number ("07",
// " 7", "7.0", "+7") or that could leave its path segment is no id of theirs: never asked for.
const CANONICAL_ID = /^[1-9]\d{0,15}$/
function idOf(id: unknown): string | undefined {
  if (typeof id == 'number') return Number.isSafeInteger(id) && id > 0 ? String(id) : undefined
  return typeof id == 'string' && CANONICAL_ID.test(id) ? id : undefined
}

/** MoonClerk's own word for each kind: its paths, envelopes and webhooks' `object`. */
const OBJECT_OF_KIND = {
  payment: 'payment',
  plan: 'customer',
} as const satisfies Record<RecordKind, MoonClerkObject>

/**
 * `GET /payments/:id` or `/customers/:id`: the record, or `null` when MoonClerk has no such one
 * (404), the id is not one of MoonClerk's, or the answer is about another record.
 */
export function fetchRecord(kind: 'payment', id: unknown, api: Api): Promise<MoonClerkPayment | null>
export function fetchRecord(kind: 'plan', id: unknown, api: Api): Promise<MoonClerkCustomer | null>
export function fetchRecord(kind: RecordKind, id: unknown, api: Api): Promise<MoonClerkRecord | null>
export async function fetchRecord(kind: RecordKind, id: unknown, api: Api): Promise<MoonClerkRecord | null> {
  const canonical = idOf(id)
  if (!canonical) return null
  const object = OBJECT_OF_KIND[kind]
  const path = `${object}s/${canonical}`
  let body: Record<string, unknown>
  try {
    body = await apiGet(path, {}, api)
  } catch (error) {
    if (error instanceof MoonClerkApiError && error.status == 404) return null
    throw error
  }
  const record = body[object]
  if (!isObject(record))
    throw new MoonClerkApiError(200, `MoonClerk API /${path}: the answer holds no ${object} ${canonical}`, false)
  return String(record.id) === canonical ? (record as MoonClerkRecord) : null
}

/** Pages through a list until `match` finds a record, the list ends, or `maxPages` is reached. */
const PAGE_SIZE = 100

/** What a list path holds, in this project's word: `payments` → payment, `customers` → plan. */
export const KIND_OF_LIST = { payments: 'payment', customers: 'plan' } as const satisfies Record<string, RecordKind>

/**
 * The rows of `GET /payments` or `/customers`, a page of 100 at a time (newest first), until a
 * short page (MoonClerk gives no total) or `maxPages`. With `pageDeadlineMs`, each page gets a
 * deadline of its own (a long catch-up run); otherwise every page shares `api`'s.
 */
export async function* pagesOf(
  list: keyof typeof KIND_OF_LIST,
  query: Record<string, string>,
  api: Api,
  { maxPages = Infinity, pageDeadlineMs }: { maxPages?: number; pageDeadlineMs?: number } = {},
): AsyncGenerator<MoonClerkRecord[]> {
  for (let page = 0; page < maxPages; page++) {
    const paged = { ...query, count: String(PAGE_SIZE), offset: String(page * PAGE_SIZE) }
    const body = await apiGet(list, paged, pageDeadlineMs ? withDeadline(api, pageDeadlineMs) : api)
    const rows = (Array.isArray(body[list]) ? body[list] : []).filter(isObject) as MoonClerkRecord[]
    yield rows
    if (rows.length < PAGE_SIZE) return
  }
}
/** The first record of `list` that `match` finds, within `api.maxPages` pages. */
async function find<T extends MoonClerkRecord>(
  list: keyof typeof KIND_OF_LIST,
  query: Record<string, string>,
  match: (record: T) => boolean,
  api: Api & ConfirmOptions,
): Promise<T | undefined> {
  for await (const rows of pagesOf(list, query, api, { maxPages: api.maxPages ?? 10 })) {
    const found = (rows as T[]).find(match)
    if (found) return found
  }
  return undefined
}

/** `amount_refunded` as a number of cents (absent or null is 0), or undefined when it is anything else. */
const refundedOf = (refunded: unknown) =>
  refunded == null ? 0 : typeof refunded == 'number' && refunded >= 0 ? refunded : undefined

function paymentIsPaid(payment: Record<string, unknown>): boolean {
  const refunded = refundedOf(payment.amount_refunded)
  const amount = payment.amount
  // Fail closed on values of a type MoonClerk does not document: "1000" is no amount.
  if (payment.status !== 'successful' || refunded === undefined) return false
  if (amount != null && typeof amount != 'number') return false
  return refunded == 0 || (typeof amount == 'number' && refunded < amount)
}

/** A webhook's kind of record, in MoonClerk's own word: what `parseWebhook()` and `verifyWebhook()` return. */
type WebhookRecord = { object: 'payment'; data: MoonClerkPayment } | { object: 'customer'; data: MoonClerkCustomer }

/**
 * Whether a payment or plan, as the API has it now, is one to grant: a `successful` payment that is
 * not fully refunded, or a plan (customer) whose subscription is `active`. Takes what
 * `verifyWebhook()` or `confirmCheckout()` return. Any value of an unexpected type means not paid.
 */
export function isPaid(found: KindedRecord | WebhookRecord): boolean {
  const plan = 'record' in found ? found.kind == 'plan' : found.object == 'customer'
  const record: unknown = 'record' in found ? found.record : found.data
  if (!isObject(record)) return false
  if (!plan) return paymentIsPaid(record)
  return isObject(record.subscription) && record.subscription.status === 'active'
}

/** The price a confirmed record was bought at: the payment's amount, or the plan's. */
function priceOf(found: Confirmed): unknown {
  if (found.kind == 'payment') return found.record.amount
  const subscription: unknown = found.record.subscription
  return isObject(subscription) && isObject(subscription.plan) ? subscription.plan.amount : undefined
}

function confirms(found: Confirmed, customId: string, options: ConfirmOptions): boolean {
  const record = found.record
  if (record.custom_id !== customId || !isPaid(found)) return false
  if (options.formId != null && String(record.form_id) !== String(options.formId)) return false
  return options.amountCents == null || priceOf(found) === options.amountCents
}

const given = (value: unknown) => value != null && value !== ''
/** The token of the checkout that made `record` (`checkout.token`, as in a success page's return), or null. */
export const checkoutTokenOf = (record: MoonClerkRecord): string | null => {
  const checkout: unknown = record.checkout
  const token = isObject(checkout) ? checkout.token : undefined
  return typeof token == 'string' ? token : null
}

/** The customId, and which of MoonClerk's keys came back: a payment or plan id to fetch, and/or a checkout token. */
function keysOf(returned: Returned): { customId: string; direct?: [RecordKind, unknown]; token?: string } {
  if (!returned || typeof returned.customId != 'string' || !returned.customId)
    throw new TypeError(
      'confirmCheckout needs the customId you passed into the checkout: ' +
        'a payment without one proves nothing about who paid',
    )
  const { customId, checkoutToken, paymentId, customerId } = returned
  if (given(paymentId) && given(customerId))
    throw new TypeError('confirmCheckout takes a paymentId or a customerId, not both')
  const token = given(checkoutToken) ? String(checkoutToken) : undefined
  if (given(paymentId)) return { customId, direct: ['payment', paymentId], token }
  if (given(customerId)) return { customId, direct: ['plan', customerId], token }
  if (!token) throw new TypeError('confirmCheckout needs the checkoutToken, paymentId or customerId that came back')
  return { customId, token }
}

function checkPins(options: ConfirmOptions) {
  if (options.amountCents != null && !(Number.isSafeInteger(options.amountCents) && options.amountCents >= 0))
    throw new TypeError('amountCents must be a whole number of cents')
  if (options.formId === '') throw new TypeError('formId must not be empty')
}

/** Finds the record with this checkout token: among recent payments, then among plans. */
async function byCheckoutToken(token: string, api: Api & ConfirmOptions): Promise<Confirmed | null> {
  const since = day(api.since || new Date(Date.now() - 3 * 86_400_000))
  const filter: Record<string, string> = api.formId == null ? {} : { form_id: String(api.formId) }
  const ofThisCheckout = (record: MoonClerkRecord) => checkoutTokenOf(record) === token
  const payment = await find<MoonClerkPayment>('payments', { ...filter, date_from: since }, ofThisCheckout, api)
  if (payment) return { kind: 'payment', record: payment }
  const plan = await find<MoonClerkCustomer>('customers', filter, ofThisCheckout, api)
  return plan ? { kind: 'plan', record: plan } : null
}

/** Fetches the payment or plan by id, with what it is. */
async function byId([kind, id]: [RecordKind, unknown], api: Api): Promise<Confirmed | null> {
  if (kind == 'payment') {
    const payment = await fetchRecord('payment', id, api)
    return payment && { kind, record: payment }
  }
  const customer = await fetchRecord('plan', id, api)
  return customer && { kind, record: customer }
}

/**
 * Confirms a return on the server. Fetches the payment or plan by `paymentId` / `customerId`, or
 * finds it by the checkout token (among recent payments, then plans), and returns it only when its
 * custom id is `customId`, it is paid (`isPaid()`), its checkout token is the one that came back
 * (when one did), and it is of `formId` at `amountCents` when those are given; otherwise `null`.
 * All requests together are bounded by `deadlineMs` (default 10 s).
 */
export async function confirmCheckout(returned: Returned, options: ConfirmOptions): Promise<Confirmed | null> {
  const api = client(options, 'confirmCheckout')
  const { customId, direct, token } = keysOf(returned)
  checkPins(options)
  const found = direct ? await byId(direct, api) : await byCheckoutToken(token!, api)
  if (!found || (token && checkoutTokenOf(found.record) !== token)) return null
  return confirms(found, customId, options) ? found : null
}
