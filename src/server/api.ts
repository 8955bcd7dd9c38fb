// Confirming a return on the server, through MoonClerk's read-only REST API. A redirect back to
// the site proves nothing (anyone can type it); the API's records do.

export interface ConfirmOptions {
  /** MoonClerk API key. Never logged, never put in a URL or an error message. */
  apiKey: string
  /** Only this form's payments. */
  formId?: number | string
  /** Default `https://api.moonclerk.com/`. */
  apiBase?: string
  /** Look at payments and plans from this day on (UTC); default: three days ago. */
  since?: Date
  /** Per request, in milliseconds; default 10,000. */
  timeoutMs?: number
  /** Further attempts after a 5xx answer or a network failure; default 3, with backoff. */
  retries?: number
  /** Pages of 100 to look through per list before giving up; default 10. */
  maxPages?: number
  /** For tests, or a runtime without a global fetch. */
  fetch?: typeof fetch
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const day = (date: Date) => date.toISOString().slice(0, 10)

/** One GET, with MoonClerk's headers; retries what MoonClerk says to retry (5xx) and network failures. */
async function get(path: string, query: Record<string, string>, options: ConfirmOptions): Promise<Record<string, unknown>> {
  const url = new URL(path, options.apiBase || 'https://api.moonclerk.com/')
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const retries = options.retries ?? 3
  for (let attempt = 0; ; attempt++) {
    let failure: string
    try {
      const response = await (options.fetch || fetch)(url, {
        headers: { Authorization: `Token token=${options.apiKey}`, Accept: 'application/vnd.moonclerk+json;version=1' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
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

/** Pages through a list until `match` finds a record, the list ends, or `maxPages` is reached. */
async function find(list: 'payments' | 'customers', query: Record<string, string>, match: (record: MoonClerkRecord) => boolean, options: ConfirmOptions) {
  for (let page = 0; page < (options.maxPages ?? 10); page++) {
    const body = await get(list, { ...query, count: '100', offset: String(page * 100) }, options)
    const rows = (body[list] as MoonClerkRecord[] | undefined) || []
    const found = rows.find(match)
    if (found || rows.length < 100) return found
  }
  return undefined
}

/**
 * Finds the payment (one-time) or plan (recurring) whose checkout token came back in the redirect
 * URL, and returns it only when its custom id is the expected one; otherwise `null`.
 */
export async function confirmCheckout(
  returned: { checkoutToken: string; customId: string },
  options: ConfirmOptions,
): Promise<Confirmed | null> {
  if (!returned.checkoutToken) throw new TypeError('confirmCheckout needs the checkout token that came back')
  if (!options.apiKey) throw new TypeError('confirmCheckout needs the MoonClerk API key')
  const since = day(options.since || new Date(Date.now() - 3 * 86_400_000))
  const filter: Record<string, string> = options.formId == null ? {} : { form_id: String(options.formId) }
  const ofThisCheckout = (record: MoonClerkRecord) => (record.checkout as { token?: string } | undefined)?.token === returned.checkoutToken
  const payment = await find('payments', { ...filter, date_from: since }, ofThisCheckout, options)
  const plan = payment ? undefined : await find('customers', filter, ofThisCheckout, options)
  const record = payment || plan
  if (!record || record.custom_id !== returned.customId) return null
  return { kind: payment ? 'payment' : 'plan', record }
}
