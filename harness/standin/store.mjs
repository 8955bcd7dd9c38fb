// The stand-in's memory: every record it keeps, its id series and its test switches, in one object,
// so that reset() can put all of it back exactly as a fresh start leaves it.

/** Where each id series starts: integer ids, as MoonClerk's API has them, one series per kind. */
export const FIRST_IDS = Object.freeze({
  payment: 100001,
  customer: 500001,
  subscription: 700001,
  form: 900001,
  webhook: 1,
})

// The stand-in's own records are small: only the latest pay-page visits and checkouts are kept.
const MAX_PAY_QUERIES = 50
const MAX_CHECKOUTS = 200
// API records and webhook deliveries: far more than a test or a demo makes; the oldest go first.
export const MAX_KEPT = 1000

/**
 * Everything the stand-in remembers, as a fresh start has it. `records` is what GET /__standin/records
 * shows, in this key order: `payments` are checkouts as the pay flow saw them (e2e reads these),
 * `api` holds the REST API's objects, `webhooks` every delivery, and `disabledWebhookEndpoints`
 * the endpoints that failed every attempt of one.
 */
function initialState() {
  return {
    records: {
      embedRequests: 0,
      payQueries: [],
      payments: [],
      api: { payments: [], customers: [] },
      webhooks: [],
      disabledWebhookEndpoints: [],
    },
    nextId: { ...FIRST_IDS },
    // Unknown tokens that took a payment, with the form id they were given, so GET /forms lists them.
    // No prototype: a token may be any word, `constructor` and `__proto__` included.
    paidGenericForms: Object.create(null),
    // The next `times` API calls answer `status` (POST /__standin/api-faults).
    apiFaults: { status: 0, times: 0 },
    // Webhooks never sent (POST /__standin/webhook-drops): the next `times` deliveries, and every
    // delivery of the next `payments` checkouts.
    webhookDrops: { times: 0, payments: 0 },
  }
}

/** Empties `target` and fills it from `fresh`, so everyone holding `target` sees the new contents. */
function replaceContents(target, fresh) {
  for (const key of Object.keys(target)) delete target[key]
  Object.assign(target, fresh)
}

/** Appends `item`, dropping the oldest entries beyond `max`; returns `item`. */
export function keepLatest(list, item, max = MAX_KEPT) {
  list.push(item)
  if (list.length > max) list.splice(0, list.length - max)
  return item
}

export function createStore() {
  const state = initialState()
  const store = {
    ...state,
    /** The next id of a series ('payment', 'customer', 'subscription', 'form', 'webhook'). */
    takeId: (series) => store.nextId[series]++,
    recordPayQuery: (token, query) => keepLatest(store.records.payQueries, { token, query }, MAX_PAY_QUERIES),
    recordCheckout: (checkout) => keepLatest(store.records.payments, checkout, MAX_CHECKOUTS),
    /** A generic form's API twin, made at its first payment so unpaid stray tokens never reach GET /forms. */
    paidGenericForm: (token, form) => (store.paidGenericForms[token] ??= { ...form, id: store.takeId('form') }),
    /**
     * Back to a fresh start: every part of initialState(), refilled in place, because startStandIn()
     * hands out `records` and its callers keep reading that same object.
     */
    reset() {
      for (const [key, fresh] of Object.entries(initialState())) replaceContents(store[key], fresh)
    },
  }
  return store
}

/** The store's data without its methods: what reset() must bring back. */
export const stateOf = (store) => Object.fromEntries(Object.keys(initialState()).map((key) => [key, store[key]]))
