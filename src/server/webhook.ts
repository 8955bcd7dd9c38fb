// MoonClerk's webhooks: a JSON POST per event, to be answered 200–204 (anything else is retried,
// up to 10 times, then the endpoint is disabled).

const OBJECT_OF: Record<string, 'payment' | 'customer'> = {
  payment_created: 'payment',
  plan_created: 'customer',
  plan_ended: 'customer',
  plan_payment_failed: 'customer',
}

export interface MoonClerkWebhook {
  event: string
  object: 'payment' | 'customer'
  id: number | string
  /** The cid that went into the checkout, or `null`. */
  customId: string | null
  checkoutToken: string | null
  data: Record<string, unknown>
}

export class WebhookError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WebhookError'
  }
}

/** Validates a webhook body (the raw text or the parsed JSON) and returns what matters in it. */
export function parseWebhook(body: unknown): MoonClerkWebhook {
  let payload = body
  if (typeof body == 'string' || body instanceof Uint8Array) {
    try {
      payload = JSON.parse(typeof body == 'string' ? body : new TextDecoder().decode(body))
    } catch {
      throw new WebhookError('the body is not JSON')
    }
  }
  if (!payload || typeof payload != 'object') throw new WebhookError('the body is not a JSON object')
  const { event, object, data } = payload as { event?: unknown; object?: unknown; data?: unknown }
  if (typeof event != 'string' || !event) throw new WebhookError('no "event" in the body')
  if (object != 'payment' && object != 'customer') throw new WebhookError(`"object" must be "payment" or "customer", got ${JSON.stringify(object)}`)
  if (OBJECT_OF[event] && OBJECT_OF[event] != object) throw new WebhookError(`"${event}" comes with a ${OBJECT_OF[event]}, not a ${object}`)
  if (!data || typeof data != 'object' || Array.isArray(data)) throw new WebhookError('no "data" object in the body')
  const record = data as Record<string, unknown>
  if (typeof record.id != 'number' && typeof record.id != 'string') throw new WebhookError('"data.id" is missing')
  const customId = record.custom_id
  if (customId != null && typeof customId != 'string') throw new WebhookError('"data.custom_id" must be a string or null')
  const checkout = record.checkout as { token?: unknown } | null | undefined
  const checkoutToken = checkout && typeof checkout.token == 'string' ? checkout.token : null
  return { event, object: object as 'payment' | 'customer', id: record.id, customId: customId ?? null, checkoutToken, data: record }
}
