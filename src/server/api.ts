// Confirming a return on the server, through MoonClerk's read-only REST API. A redirect back to
// the site proves nothing (anyone can type it); the API's records do.

/** What every call to MoonClerk's API takes. */
export interface ApiOptions {
  /** MoonClerk API key. Never logged, never put in a URL or an error message. */
  apiKey: string
  /** Default `https://api.moonclerk.com/`. Must be `https:`; `http:` only for localhost, 127.0.0.0/8 and [::1]. */
  apiBase?: string
  /** Per request, in milliseconds; default 10,000. */
  timeoutMs?: number
  /** Further attempts after a 5xx answer or a network failure; default 3, with backoff. */
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
  /** The cid you passed into the checkout; required. */
  customId: string
  /** `{{checkout_token}}`: found by paging through payments, then plans. */
  checkoutToken?: string | null
  /** `{{payment_id}}` (older redirect instructions): fetched directly. */
  paymentId?: number | string | null
  /** `{{customer_id}}` (older redirect instructions, plans): fetched directly. */
  customerId?: number | string | null
}

export type MoonClerkRecord = Record<string, unknown> & { id: number | string; custom_id?: string | null }

export type Confirmed = { kind: 'payment'; record: MoonClerkRecord } | { kind: 'plan'; record: MoonClerkRecord }

export class MoonClerkApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'MoonClerkApiError'
  }
}

/** Options whose `apiBase` has been checked; what `get()` takes. */
export type Api = ApiOptions & { base: URL }

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/
// MoonClerk's ids are integers; anything that could leave its path segment is no id of theirs.
const ID = /^[A-Za-z0-9_-]{1,64}$/

/** Checks the key and the base URL, before any request: `https:`, or `http:` on a loopback host. */
export function client(options: ApiOptions, caller: string): Api {
  if (!options || !options.apiKey) throw new TypeError(`${caller} needs the MoonClerk API key (apiKey)`)
  let base: URL
  try {
    base = new URL(options.apiBase || 'https://api.moonclerk.com/')
  } catch {
    throw new TypeError(`apiBase must be an absolute https: URL, such as https://api.moonclerk.com/`)
  }
  const secure = base.protocol == 'https:' || (base.protocol == 'http:' && LOOPBACK.test(base.hostname))
  if (!secure) throw new TypeError(`apiBase must be an https: URL (http: only for localhost, 127.0.0.0/8 or [::1]), not ${base.protocol}//${base.host}`)
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return { ...options, base }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const day = (date: Date) => date.toISOString().slice(0, 10)

/** One GET, with MoonClerk's headers; retries what MoonClerk says to retry (5xx) and network failures. */
async function get(path: string, query: Record<string, string>, api: Api): Promise<Record<string, unknown>> {
  const url = new URL(path, api.base)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const retries = api.retries ?? 3
  for (let attempt = 0; ; attempt++) {
    let failure: string
    try {
      const response = await (api.fetch || fetch)(url, {
        headers: { Authorization: `Token token=${api.apiKey}`, Accept: 'application/vnd.moonclerk+json;version=1' },
        signal: AbortSignal.timeout(api.timeoutMs ?? 10_000),
        // MoonClerk's API does not redirect; a redirect would carry the key to wherever it points.
        redirect: 'manual',
      })
      if (response.ok) return (await response.json()) as Record<string, unknown>
      if (response.status < 500) throw new MoonClerkApiError(response.status, `MoonClerk API ${url.pathname}: ${response.status} ${response.statusText}`)
      failure = `${response.status} ${response.statusText}`
    } catch (error) {
      if (error instanceof MoonClerkApiError) throw error
      failure = String(error)
    }
    if (attempt >= retries) throw new MoonClerkApiError(0, `MoonClerk API ${url.pathname}: gave up after ${attempt + 1} attempts (${failure})`)
    await sleep(250 * 2 ** attempt)
  }
}

/** `GET /payments/:id` or `/customers/:id`: the record, or `null` when MoonClerk has no such one (404). */
export async function fetchRecord(object: 'payment' | 'customer', id: number | string, api: Api): Promise<MoonClerkRecord | null> {
  if (!ID.test(String(id))) return null
  let body: Record<string, unknown>
  try {
    body = await get(`${object}s/${id}`, {}, api)
  } catch (error) {
    if (error instanceof MoonClerkApiError && error.status == 404) return null
    throw error
  }
  const record = body[object] as MoonClerkRecord | undefined
  if (!record || typeof record != 'object' || String(record.id) !== String(id))
    throw new MoonClerkApiError(200, `MoonClerk API /${object}s/${id}: the answer holds no ${object} ${id}`)
  return record
}

/** Pages through a list until `match` finds a record, the list ends, or `maxPages` is reached. */
async function find(list: 'payments' | 'customers', query: Record<string, string>, match: (record: MoonClerkRecord) => boolean, api: Api & ConfirmOptions) {
  for (let page = 0; page < (api.maxPages ?? 10); page++) {
    const body = await get(list, { ...query, count: '100', offset: String(page * 100) }, api)
    const rows = (body[list] as MoonClerkRecord[] | undefined) || []
    const found = rows.find(match)
    if (found || rows.length < 100) return found
  }
  return undefined
}

/**
 * Whether a payment or plan, as the API has it now, is one to grant: a `successful` payment that is
 * not fully refunded, or a plan (customer) whose subscription is `active`. Takes what
 * `verifyWebhook()` or `confirmCheckout()` return.
 */
export function isPaid(found: { object: 'payment' | 'customer'; data: Record<string, unknown> } | Confirmed): boolean {
  const plan = 'kind' in found ? found.kind == 'plan' : found.object == 'customer'
  const record: Record<string, unknown> = 'kind' in found ? found.record : found.data
  if (plan) return (record.subscription as { status?: unknown } | null | undefined)?.status === 'active'
  const refunded = typeof record.amount_refunded == 'number' ? record.amount_refunded : 0
  return record.status === 'successful' && (refunded == 0 || refunded < Number(record.amount))
}

/** The price a confirmed record was bought at: the payment's amount, or the plan's. */
function priceOf(found: Confirmed): unknown {
  if (found.kind == 'payment') return found.record.amount
  return (found.record.subscription as { plan?: { amount?: unknown } } | null | undefined)?.plan?.amount
}

function confirms(found: Confirmed, customId: string, options: ConfirmOptions): boolean {
  const record = found.record
  if (record.custom_id !== customId || !isPaid(found)) return false
  if (options.formId != null && String(record.form_id) !== String(options.formId)) return false
  return options.amountCents == null || priceOf(found) === options.amountCents
}

const given = (value: unknown) => value != null && value !== ''
const tokenOf = (record: MoonClerkRecord) => (record.checkout as { token?: unknown } | null | undefined)?.token

/** Which of MoonClerk's keys came back: a payment or customer id to fetch, and/or a checkout token. */
function keysOf(returned: Returned): { direct?: ['payment' | 'customer', string]; token?: string } {
  if (!returned || typeof returned.customId != 'string' || !returned.customId)
    throw new TypeError('confirmCheckout needs the customId you passed into the checkout: a payment without one proves nothing about who paid')
  const { checkoutToken, paymentId, customerId } = returned
  if (given(paymentId) && given(customerId)) throw new TypeError('confirmCheckout takes a paymentId or a customerId, not both')
  const token = given(checkoutToken) ? String(checkoutToken) : undefined
  if (given(paymentId)) return { direct: ['payment', String(paymentId)], token }
  if (given(customerId)) return { direct: ['customer', String(customerId)], token }
  if (!token) throw new TypeError('confirmCheckout needs the checkoutToken, paymentId or customerId that came back')
  return { token }
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
  const ofThisCheckout = (record: MoonClerkRecord) => tokenOf(record) === token
  const payment = await find('payments', { ...filter, date_from: since }, ofThisCheckout, api)
  if (payment) return { kind: 'payment', record: payment }
  const plan = await find('customers', filter, ofThisCheckout, api)
  return plan ? { kind: 'plan', record: plan } : null
}

/**
 * Confirms a return on the server. Fetches the payment or plan by `paymentId` / `customerId`, or
 * finds it by the checkout token (among recent payments, then plans), and returns it only when its
 * custom id is `customId`, it is paid (`isPaid()`), its checkout token is the one that came back
 * (when one did), and it is of `formId` at `amountCents` when those are given; otherwise `null`.
 */
export async function confirmCheckout(returned: Returned, options: ConfirmOptions): Promise<Confirmed | null> {
  const api = client(options, 'confirmCheckout')
  const { direct, token } = keysOf(returned)
  checkPins(options)
  let found: Confirmed | null
  if (!direct) found = await byCheckoutToken(token!, api)
  else {
    const record = await fetchRecord(direct[0], direct[1], api)
    found = record && (direct[0] == 'payment' ? { kind: 'payment', record } : { kind: 'plan', record })
  }
  if (!found || (token && tokenOf(found.record) !== token)) return null
  return confirms(found, returned.customId, options) ? found : null
}
