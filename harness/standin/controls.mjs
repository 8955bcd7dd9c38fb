// The /__standin/* routes tests and demos use to look inside the stand-in and steer it: its records,
// a full reset, API faults, seeded records (as if MoonClerk had made them), webhooks sent on demand
// and webhooks dropped.
import { customerObject, isoDate, paymentObject } from './api-objects.mjs'
import { readJson, send, sendJson } from './http.mjs'
import { keepLatest } from './store.mjs'
import { newCheckoutToken } from './tokens.mjs'
import { applyPlanEvent, WEBHOOK_EVENTS } from './webhooks.mjs'

/** `{ "status": 503, "times": 2 }` → the fault to set, or null when it is not one. `times` defaults to 1. */
export function parseApiFault({ status, times = 1 }) {
  if (!Number.isInteger(status) || status < 400 || status > 599 || !Number.isInteger(times) || times < 0) return null
  return { status, times }
}

/** The id of a seeded record: a given one must be new, a missing one comes from the series; else an error text. */
export function seedId(store, given, list, series) {
  if (given === undefined) return store.takeId(series)
  if (!Number.isSafeInteger(given) || given <= 0) return 'must be a positive integer'
  return list.some((row) => row.id === given) ? 'is already taken' : given
}

/** `{ "payment": {…} }` or `{ "customer": {…} }` → `{ kind, given }`, or `{ error }`. */
export function parseSeed(body) {
  const kind = body.payment ? 'payment' : body.customer ? 'customer' : null
  const given = body[kind]
  if (!kind || typeof given != 'object' || Array.isArray(given))
    return { error: 'stand-in: send { "payment": {…} } or { "customer": {…} }' }
  if (given.date !== undefined && Number.isNaN(Date.parse(given.date)))
    return { error: 'stand-in: "date" must be an ISO 8601 date' }
  return { kind, given }
}

/**
 * The record a seed makes: given fields replace those of a plausible default (so a test can backdate
 * a payment). A plan's payment seeded with a customer_id the stand-in does not know keeps it anyway.
 */
function seededRecord(ctx, kind, given, id) {
  const { store } = ctx
  const date = given.date ?? given.checkout?.date ?? isoDate(Date.now())
  const common = {
    id,
    date,
    amountCents: Number.isSafeInteger(given.amount) ? given.amount : 1000,
    name: given.name ?? null,
    email: given.email ?? null,
    customId: given.custom_id ?? null,
    formId: given.form_id ?? null,
    checkoutToken: given.checkout?.token ?? newCheckoutToken(),
  }
  const base =
    kind === 'payment'
      ? paymentObject({
          ...common,
          customer: store.records.api.customers.find((c) => c.id === given.customer_id) ?? null,
        })
      : customerObject({ ...common, subscriptionId: store.takeId('subscription'), origin: ctx.origin })
  const record = { ...base, ...given, id }
  // A partial checkout (say, only its token) fills in the rest rather than dropping it.
  if (base.checkout && given.checkout && typeof given.checkout == 'object')
    record.checkout = { ...base.checkout, ...given.checkout }
  return record
}

/**
 * `{ "times": 3 }`, `{ "payments": 3 }` or both → the whole drop setting, a key left out being 0; or
 * null for anything else (a misspelt key must not silently clear the drops).
 */
export function parseWebhookDrops(body) {
  const keys = Object.keys(body)
  if (!keys.length || keys.some((key) => key !== 'times' && key !== 'payments')) return null
  const { times = 0, payments = 0 } = body
  const count = (n) => Number.isSafeInteger(n) && n >= 0
  return count(times) && count(payments) ? { times, payments } : null
}

/** `{ "url", "event", "id" }` → `{ target, object }`, or `{ error }` for a 400. */
export function parseWebhookRequest(body) {
  let target
  try {
    target = new URL(body.url)
  } catch {
    target = null
  }
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:'))
    return { error: 'stand-in: "url" must be an http(s) URL' }
  const object = Object.hasOwn(WEBHOOK_EVENTS, body.event) ? WEBHOOK_EVENTS[body.event] : null
  if (!object) return { error: `stand-in: "event" must be one of ${Object.keys(WEBHOOK_EVENTS).join(', ')}` }
  return { target, object }
}

export const controlRoutes = {
  'GET /__standin/records': (ctx, req, res) => send(res, 200, 'application/json', JSON.stringify(ctx.store.records)),

  /** Back to a fresh start: every record, id series, paid generic form, fault, webhook drop and disabled endpoint. */
  'POST /__standin/reset': (ctx, req, res) => {
    // Deliveries from before would otherwise keep posting, and count, after it.
    ctx.webhooks.cancelAll()
    ctx.store.reset()
    send(res, 204, 'text/plain', '')
  },

  /** `{ "status": 503, "times": 2 }`: the next 2 API calls answer 503. `times: 0` clears it. */
  'POST /__standin/api-faults': async (ctx, req, res) => {
    const body = await readJson(req, res)
    if (!body) return
    const fault = parseApiFault(body)
    if (!fault) return sendJson(res, 400, { error: 'stand-in: send { "status": 400–599, "times": a count }' })
    Object.assign(ctx.store.apiFaults, fault)
    sendJson(res, 200, ctx.store.apiFaults)
  },

  /**
   * Webhooks that never leave, as if MoonClerk had given up on a dead endpoint or they were lost on the
   * way: each delivery shows `state: 'dropped'` in records.webhooks, and the API keeps the payments and
   * plans, so a catch-up through the API finds them. Two counts, either or both:
   * - `{ "times": 3 }`: the next 3 deliveries, one per event (a plan checkout makes 3: plan_created,
   *   payment_created, payment_succeeded; a one-time one 2), webhooks sent on demand included;
   * - `{ "payments": 3 }`: every delivery of the next 3 checkouts of the pay flow, whatever their number
   *   ("three payments whose webhooks never arrived"); each checkout spends one, webhookUrl or not.
   * Each request replaces the whole setting (a key left out is 0), so `{ "times": 0 }` clears it, as
   * /__standin/reset does. Answers 200 with the setting, `{ "times": 3, "payments": 0 }`. A delivery to
   * a disabled endpoint is skipped without spending a drop.
   */
  'POST /__standin/webhook-drops': async (ctx, req, res) => {
    const body = await readJson(req, res)
    if (!body) return
    const drops = parseWebhookDrops(body)
    const error = 'stand-in: send { "times": a count }, { "payments": a count } or both'
    if (!drops) return sendJson(res, 400, { error })
    Object.assign(ctx.store.webhookDrops, drops)
    sendJson(res, 200, ctx.store.webhookDrops)
  },

  /** `{ "payment": {…} }` or `{ "customer": {…} }`: adds a record as if MoonClerk had made it. */
  'POST /__standin/seed': async (ctx, req, res) => {
    const body = await readJson(req, res)
    if (!body) return
    const { kind, given, error } = parseSeed(body)
    if (error) return sendJson(res, 400, { error })
    const list = kind === 'payment' ? ctx.store.records.api.payments : ctx.store.records.api.customers
    const id = seedId(ctx.store, given.id, list, kind)
    if (typeof id == 'string') return sendJson(res, 400, { error: `stand-in: "id" ${id}` })
    sendJson(res, 201, { [kind]: keepLatest(list, seededRecord(ctx, kind, given, id)) })
  },

  /**
   * `{ "url": …, "event": "payment_created" | "payment_succeeded" | "plan_created" | "plan_ended" |
   * "plan_payment_failed", "id": <payment or customer id> }`: sends that event now, and answers 202 with
   * the delivery (its progress shows in records.webhooks). Plan events first change the customer as they
   * say. Sent as asked, whatever the record's state (`payment_succeeded` about a failed payment too,
   * which MoonClerk would not send): a test can check that an endpoint decides from the record.
   */
  'POST /__standin/webhooks': async (ctx, req, res) => {
    const body = await readJson(req, res)
    if (!body) return
    const { target, object, error } = parseWebhookRequest(body)
    if (error) return sendJson(res, 400, { error })
    const list = object === 'payment' ? ctx.store.records.api.payments : ctx.store.records.api.customers
    const record = list.find((row) => row.id === body.id)
    if (!record) return sendJson(res, 404, { error: `stand-in: no ${object} ${body.id}` })
    applyPlanEvent(record, body.event, isoDate(Date.now()))
    sendJson(res, 202, { delivery: ctx.webhooks.deliver(target, body.event, record) })
  },
}
