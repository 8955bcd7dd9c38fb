// MoonClerk's read-only REST API (GET /payments[/:id], /customers[/:id], /forms[/:id]): its header
// checks, paging and filters as the docs give them, and what a successful checkout adds to it.
import { customerObject, formObject, isoDate, paymentObject } from './api-objects.mjs'
import { sendJson } from './http.mjs'
import { keepLatest } from './store.mjs'
import { checkoutEvents, takeDrop } from './webhooks.mjs'

const API_MEDIA_TYPE = 'application/vnd.moonclerk+json'
const API_VERSION = '1'
export const API_PATH = /^\/(payments|customers|forms)(?:\/([^/]*))?$/
const DAY_MS = 24 * 60 * 60 * 1000
const SINGULAR = { payments: 'payment', customers: 'customer', forms: 'form' }

/** Does the Accept header ask for `application/vnd.moonclerk+json;version=1`, alone or among others? */
export function acceptsApiV1(accept) {
  return String(accept || '')
    .split(',')
    .some((range) => {
      const [type, ...params] = range.split(';').map((part) => part.trim())
      if (type.toLowerCase() !== API_MEDIA_TYPE) return false
      return params.some((param) => {
        const [key, value = ''] = param.split('=').map((part) => part.trim())
        return key.toLowerCase() === 'version' && value.replace(/^"|"$/g, '') === API_VERSION
      })
    })
}

/** The key in `Authorization: Token token=<key>` (quoted or not, as Rails reads it), or null. */
export function apiKeyOf(authorization) {
  const match = /^Token\s+token=(?:"([^"]*)"|([^\s,]*))/i.exec(String(authorization || '').trim())
  return match ? (match[1] ?? match[2]) : null
}

/** A YYYY-MM-DD date as the start of that UTC day in ms, or NaN when it is no such date. */
export function utcDay(value) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return NaN
  const ms = Date.parse(value + 'T00:00:00Z')
  // Date.parse rolls 2024-02-30 over to March; a day that does not round-trip is no day.
  return Number.isNaN(ms) || isoDate(ms).slice(0, 10) !== value ? NaN : ms
}

/** A non-negative integer query value; `fallback` when absent, NaN when invalid. */
function wholeNumber(query, key, fallback) {
  const value = query.get(key)
  if (value === null) return fallback
  return /^\d{1,9}$/.test(value) ? Number(value) : NaN
}

/**
 * Filters a list by the query, newest first, and pages it (docs: 10 rows by default, `count` 1–100,
 * `offset`). `filters` maps a parameter to a test of one row. Returns rows, or an error text for a 400.
 */
export function listRows(rows, query, dateOf, filters) {
  const count = wholeNumber(query, 'count', 10)
  if (!(count >= 1 && count <= 100)) return { error: '"count" must be an integer from 1 to 100' }
  const offset = wholeNumber(query, 'offset', 0)
  if (Number.isNaN(offset)) return { error: '"offset" must be a non-negative integer' }
  let selected = rows
  for (const [key, test] of Object.entries(filters)) {
    const value = query.get(key)
    if (value === null) continue
    const keep = test(value)
    if (typeof keep === 'string') return { error: keep }
    selected = selected.filter(keep)
  }
  // Ids grow with time: they order records made within the same second.
  const newestFirst = [...selected].sort((a, b) => Date.parse(dateOf(b)) - Date.parse(dateOf(a)) || b.id - a.id)
  return { rows: newestFirst.slice(offset, offset + count) }
}

/** Filters on an integer field (form_id, customer_id). */
const idFilter = (key, field) => (value) =>
  /^\d+$/.test(value) ? (row) => field(row) === Number(value) : `"${key}" must be an integer id`

/** Filters on a date: `*_from` from the start of its UTC day, `*_to` through the end of its day. */
const dayFilter = (key, field, end) => (value) => {
  const day = utcDay(value)
  if (Number.isNaN(day)) return `"${key}" must be a date, YYYY-MM-DD`
  return end ? (row) => Date.parse(field(row)) < day + DAY_MS : (row) => Date.parse(field(row)) >= day
}

/** Each collection's rows, the date that orders them, and the filters the docs give it. */
const COLLECTIONS = {
  payments: {
    rows: (ctx) => ctx.store.records.api.payments,
    dateOf: (p) => p.date,
    filters: {
      form_id: idFilter('form_id', (p) => p.form_id),
      customer_id: idFilter('customer_id', (p) => p.customer_id),
      date_from: dayFilter('date_from', (p) => p.date, false),
      date_to: dayFilter('date_to', (p) => p.date, true),
      status: (value) => (p) => p.status === value,
    },
  },
  customers: {
    rows: (ctx) => ctx.store.records.api.customers,
    dateOf: (c) => c.checkout.date,
    filters: {
      form_id: idFilter('form_id', (c) => c.form_id),
      checkout_from: dayFilter('checkout_from', (c) => c.checkout.date, false),
      checkout_to: dayFilter('checkout_to', (c) => c.checkout.date, true),
      status: (value) => (c) => c.subscription.status === value,
    },
  },
  forms: { rows: (ctx) => formList(ctx), dateOf: (f) => f.created_at, filters: {} },
}

/** The forms file's forms, then the generic forms that took a payment. */
function formList({ forms, store, startedAt }) {
  const entries = [...Object.entries(forms), ...Object.entries(store.paidGenericForms)]
  return entries.map(([token, form]) => formObject(token, form, store.records.api, startedAt))
}

/** The answer to a request the API refuses before looking at what it asks, or null to go on. */
function refusal(ctx, req) {
  const faults = ctx.store.apiFaults
  // An injected fault comes first, as from a gateway in front of the app.
  if (faults.times > 0) {
    faults.times--
    return [faults.status, { error: `stand-in: injected ${faults.status}` }]
  }
  // The key is checked before anything else about the request: without it, nothing is told.
  if (apiKeyOf(req.headers.authorization) !== ctx.apiKey)
    return [
      401,
      { error: 'Unauthorized: send Authorization: Token token=<API key>' },
      { 'WWW-Authenticate': 'Token realm="Application"' },
    ]
  if (!acceptsApiV1(req.headers.accept))
    return [406, { error: `Not Acceptable: send Accept: ${API_MEDIA_TYPE};version=${API_VERSION}` }]
  if (req.method !== 'GET') return [405, { error: 'The API is read-only: GET only' }, { Allow: 'GET' }]
  return null
}

/** The read-only REST API; `match` is API_PATH's match of the request's path. */
export function handleApi(ctx, req, res, url, [, collection, id]) {
  const refused = refusal(ctx, req)
  if (refused) return sendJson(res, ...refused)
  const { rows, dateOf, filters } = COLLECTIONS[collection]
  if (id !== undefined) {
    const found = /^\d+$/.test(id) ? rows(ctx).find((row) => row.id === Number(id)) : undefined
    if (!found) return sendJson(res, 404, { error: `Not found: no ${SINGULAR[collection]} ${id}` })
    return sendJson(res, 200, { [SINGULAR[collection]]: found })
  }
  const listed = listRows(rows(ctx), url.searchParams, dateOf, filters)
  if (listed.error) return sendJson(res, 400, { error: `Bad request: ${listed.error}` })
  sendJson(res, 200, { [collection]: listed.rows })
}

/**
 * What a successful checkout adds to the API: a payment, or a plan's customer and its first payment;
 * and, when the stand-in has a `webhookUrl`, the webhooks that announce them, of the topics it is
 * subscribed to (`webhookEvents`), all dropped when a checkout drop is left (POST /__standin/webhook-drops).
 */
export function addCheckoutToApi(ctx, token, form, checkout) {
  const { store } = ctx
  if (form.id === null) form = store.paidGenericForm(token, form)
  const common = {
    date: isoDate(Date.now()),
    amountCents: checkout.amountCents,
    name: checkout.name,
    email: checkout.email,
    customId: checkout.customId,
    formId: form.id,
  }
  const plan = checkout.kind === 'recurring'
  const customer = plan
    ? keepLatest(
        store.records.api.customers,
        customerObject({
          ...common,
          id: checkout.id,
          subscriptionId: store.takeId('subscription'),
          checkoutToken: checkout.checkoutToken,
          origin: ctx.origin,
        }),
      )
    : null
  const payment = keepLatest(
    store.records.api.payments,
    paymentObject({
      ...common,
      id: plan ? store.takeId('payment') : checkout.id,
      checkoutToken: checkout.checkoutToken,
      customer,
    }),
  )
  // Spent by every checkout, webhooks or not: `payments: 3` means the next three checkouts.
  const drop = takeDrop(store.webhookDrops, 'payments')
  if (!ctx.webhookUrl) return
  const url = new URL(ctx.webhookUrl)
  for (const [event, data] of checkoutEvents(customer, payment))
    if (ctx.webhookEvents.has(event)) ctx.webhooks.deliver(url, event, data, { drop })
}
