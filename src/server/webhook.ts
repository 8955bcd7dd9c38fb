// MoonClerk's webhooks: a JSON POST per event, to be answered 200–204 (anything else is retried,
// up to 10 times, then the endpoint is disabled). They are not signed: anyone who learns the
// endpoint's URL can POST one. `parseWebhook()` checks the shape; `verifyWebhook()` also fetches
// the object from MoonClerk's API and returns MoonClerk's copy, which is the one to act on.
import { checkoutTokenOf, client, fetchRecord, isObject, type ApiOptions, type MoonClerkRecord } from './api.js'
import type { MoonClerkCustomer, MoonClerkObject, MoonClerkPayment, RecordKind } from './records.js'

// The two event strings MoonClerk's docs print, with their objects: a body that pairs them
// otherwise is not MoonClerk's. The other topics' strings (payment_succeeded, plan_ended,
// plan_payment_failed) are only inferred, so their pairing is not checked: were MoonClerk to send
// plan_payment_failed with a payment, a 400 repeated ten times would switch the endpoint off.
// Every event string is decided from its "object".
const OBJECT_OF_EVENT: Record<string, MoonClerkObject> = {
  payment_created: 'payment',
  plan_created: 'customer',
}

/** What a webhook says, whichever kind of record it is about. */
interface WebhookFields {
  /** MoonClerk's event string: `payment_created`, `payment_succeeded`, `plan_created`, `plan_ended`, … */
  event: string
  /** The record's id: from `verifyWebhook()`, MoonClerk's (a number); from `parseWebhook()`, the body's. */
  id: number | string
  /** The cid that went into the checkout, or `null`. */
  customId: string | null
  checkoutToken: string | null
}

/** A webhook about a payment. */
export interface MoonClerkPaymentWebhook extends WebhookFields {
  /** This project's word for what the webhook is about, as in `confirmCheckout()` and the ledger. */
  kind: 'payment'
  /** MoonClerk's own word on the wire (the body's `"object"`): `payment`. */
  object: 'payment'
  /** From `verifyWebhook()`, MoonClerk's record as its API has it now; from `parseWebhook()`, the body's (unproven). */
  data: MoonClerkPayment
}

/** A webhook about a plan: MoonClerk calls the payer of a plan a customer. */
export interface MoonClerkPlanWebhook extends WebhookFields {
  /** This project's word for what the webhook is about, as in `confirmCheckout()` and the ledger. */
  kind: 'plan'
  /** MoonClerk's own word on the wire (the body's `"object"`): `customer`. */
  object: 'customer'
  /** From `verifyWebhook()`, MoonClerk's record as its API has it now; from `parseWebhook()`, the body's (unproven). */
  data: MoonClerkCustomer
}

export type MoonClerkWebhook = MoonClerkPaymentWebhook | MoonClerkPlanWebhook

/**
 * Why a webhook was refused: `malformed` (not MoonClerk's shape: answer 400), `unknown-object`
 * (MoonClerk's API has no such payment or customer, or the id is none MoonClerk gives, such as
 * `"07"`, which its API would read as 7) or `mismatch` (the body's cid, checkout
 * token, form or customer differ from MoonClerk's record). The last two are not MoonClerk's
 * webhooks as sent: a retry would not change the answer. `unsupported-object`: a well-formed
 * webhook about something other than a payment or a customer (answer 200, act on nothing).
 */
export type WebhookErrorCode = 'malformed' | 'unknown-object' | 'mismatch' | 'unsupported-object'

export class WebhookError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'WebhookError'
  }
}

const malformed = (message: string) => new WebhookError('malformed', message)

function jsonOf(body: unknown): unknown {
  if (typeof body != 'string' && !(body instanceof Uint8Array)) return body
  try {
    return JSON.parse(typeof body == 'string' ? body : new TextDecoder().decode(body))
  } catch {
    throw malformed('the body is not JSON')
  }
}

const KIND_OF_OBJECT = { payment: 'payment', customer: 'plan' } as const satisfies Record<MoonClerkObject, RecordKind>

function summary(event: string, object: MoonClerkObject, record: MoonClerkRecord): MoonClerkWebhook {
  const customId = typeof record.custom_id == 'string' ? record.custom_id : null
  const kind = KIND_OF_OBJECT[object]
  // kind, object and data agree by construction: parseWebhook() checked the object.
  const checkoutToken = checkoutTokenOf(record)
  return { event, kind, object, id: record.id, customId, checkoutToken, data: record } as MoonClerkWebhook
}

/** Validates a webhook body (the raw text or the parsed JSON) and returns what matters in it. It proves nothing. */
export function parseWebhook(body: unknown): MoonClerkWebhook {
  const payload = jsonOf(body)
  if (!payload || typeof payload != 'object') throw malformed('the body is not a JSON object')
  const { event, object, data } = payload as { event?: unknown; object?: unknown; data?: unknown }
  if (typeof event != 'string' || !event) throw malformed('no "event" in the body')
  // A well-formed webhook about an object this library does not know (a topic MoonClerk may add):
  // not to be refused, which would get the endpoint switched off, but not to be acted on either.
  if (typeof object == 'string' && object && isObject(data) && object !== 'payment' && object !== 'customer')
    throw new WebhookError(
      'unsupported-object',
      `"object" is ${JSON.stringify(object).slice(0, 40)}: not a payment or a customer`,
    )
  if (object !== 'payment' && object !== 'customer')
    throw malformed(`"object" must be "payment" or "customer", got ${JSON.stringify(object)}`)
  const expected = Object.prototype.hasOwnProperty.call(OBJECT_OF_EVENT, event) ? OBJECT_OF_EVENT[event] : undefined
  if (expected && expected != object) throw malformed(`"${event}" comes with a ${expected}, not a ${object}`)
  if (!isObject(data)) throw malformed('no "data" object in the body')
  const record = data as MoonClerkPayment
  if (typeof record.id != 'number' && typeof record.id != 'string') throw malformed('"data.id" is missing')
  if (record.custom_id != null && typeof record.custom_id != 'string')
    throw malformed('"data.custom_id" must be a string or null')
  return summary(event, object, record)
}

const same = (a: unknown, b: unknown) => String(a ?? '') === String(b ?? '')

/** The first field in which the body contradicts MoonClerk's record, if any. */
function contradiction(hook: MoonClerkWebhook, record: MoonClerkRecord): string | undefined {
  if (hook.customId !== (typeof record.custom_id == 'string' ? record.custom_id : null)) return 'custom_id'
  if (hook.checkoutToken !== null && hook.checkoutToken !== checkoutTokenOf(record)) return 'checkout.token'
  return ['form_id', 'customer_id'].find((field) => field in hook.data && !same(hook.data[field], record[field]))
}

/**
 * Checks a webhook with MoonClerk: parses it as `parseWebhook()` does, fetches the same payment or
 * customer by id from the API, and returns the same shape with `data` and `customId` taken from
 * MoonClerk's copy, as it is now. Throws a `WebhookError` (with a `code`) for a body that is not
 * MoonClerk's, and a `MoonClerkApiError` when the API cannot answer (then answer 5xx, to be retried;
 * see its `retryable`). All requests together are bounded by `deadlineMs` (default 10 s).
 */
export async function verifyWebhook(body: unknown, options: ApiOptions): Promise<MoonClerkWebhook> {
  const api = client(options, 'verifyWebhook')
  const hook = parseWebhook(body)
  const record = await fetchRecord(hook.kind, hook.id, api)
  const which = `${hook.object} ${JSON.stringify(hook.id).slice(0, 80)}`
  if (!record) throw new WebhookError('unknown-object', `MoonClerk has no ${which}`)
  const field = contradiction(hook, record)
  if (field) throw new WebhookError('mismatch', `"${field}" in the body differs from MoonClerk's ${which}`)
  return summary(hook.event, hook.object, record)
}
