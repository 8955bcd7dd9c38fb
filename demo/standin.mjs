// A local stand-in for MoonClerk: its embed.js and its hosted checkout, payment and redirect URL
// included, its read-only REST API and its webhooks, as the documentation describes them
// (shared/moonclerk-facts.md, MoonClerk's api/ and webhooks.md). The payment forms are in
// demo/forms.json. Node built-ins only, so demos and e2e tests run offline.
import { randomInt } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { PAY_EMBED_SCRIPT, publishedEmbedScript } from './standin/embed-published.mjs'

// The query parameters MoonClerk's hosted checkout accepts, in the order it documents them.
const CHECKOUT_FIELDS = ['cid', 'name', 'email', 'amount_cents']
// The stand-in's own records are small; keep only the latest pay-page visits.
const MAX_PAY_QUERIES = 50

const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

/**
 * The browser side of embed.js. `faults` are the switches from embed.js's query string, so each
 * fixture page picks its failure through the URL it loads.
 */
function embedScript(origin, faults) {
  const config = JSON.stringify({ origin, fields: CHECKOUT_FIELDS, define: faults.define, throwIn: faults.throwIn, frame: faults.frame })
  return `// moonclerk-checkout local stand-in for MoonClerk's embed.js
(function () {
  var config = ${config};
  var standIn = (window.__moonclerkStandIn = window.__moonclerkStandIn || { displays: [], executions: 0 });
  standIn.executions++;
  // define=0: the script runs (and counts) but leaves no MoonclerkEmbed, like a broken deploy.
  if (!config.define) return;

  window.MoonclerkEmbed = function (opts) {
    if (config.throwIn === 'constructor') throw new Error('stand-in: MoonclerkEmbed constructor failed');
    // A deep copy: what MoonClerk received, whatever the caller does to its object later.
    this.opts = JSON.parse(JSON.stringify(opts));
  };

  window.MoonclerkEmbed.prototype.display = function () {
    var opts = this.opts;
    standIn.displays.push(JSON.parse(JSON.stringify(opts)));
    if (config.throwIn === 'display') throw new Error('stand-in: display() failed');
    var container = document.getElementById('mc' + opts.checkoutToken);
    if (!container) throw new Error('stand-in: no element with id mc' + opts.checkoutToken);
    // frame=0: bulk tests (hundreds of checkouts) need the recorded opts, not a checkout page each.
    if (!config.frame) return;

    var query = new URLSearchParams();
    config.fields.forEach(function (key) {
      if (opts[key] != null) query.set(key, String(opts[key]));
    });
    var search = query.toString();
    var iframe = document.createElement('iframe');
    iframe.src = config.origin + '/pay/' + encodeURIComponent(opts.checkoutToken) + (search ? '?' + search : '');
    // CSSOM, not a style attribute: pages with a strict CSP (no 'unsafe-inline' styles) allow it.
    iframe.style.width = opts.width;
    iframe.style.height = '640px';
    iframe.style.border = '0';
    container.textContent = '';
    container.appendChild(iframe);
  };
})();
`
}

const PAY_CSS = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 1.5rem; color: #1b2733; background: #f6f8fa; }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
h2 { font-size: 1rem; margin: 1rem 0 .5rem; }
.amount { font-size: 1.5rem; font-weight: 600; margin: 0; }
.muted { color: #5b6875; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.empty { color: #8a94a0; font-style: italic; }
form { margin-top: 1.25rem; display: grid; gap: .75rem; max-width: 22rem; }
label { display: grid; gap: .25rem; }
input { font: inherit; padding: .4rem .5rem; border: 1px solid #c3ccd5; border-radius: 4px; }
button { font: inherit; font-weight: 600; padding: .6rem 1rem; border: 0; border-radius: 4px; color: #fff; background: #2f6fde; cursor: pointer; }
.error { color: #b3261e; font-weight: 600; }
`

// How a filled-in redirect names what it carries: MoonClerk's placeholders (shared/moonclerk-facts.md).
const PLACEHOLDER = /\{\{(custom_id|checkout_token|payment_id|customer_id)\}\}/g
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
// Form posts hold four short fields; anything bigger is not a payer.
const MAX_BODY_BYTES = 16 * 1024
const MAX_PAYMENTS = 200

const dollars = (cents) => '$' + (cents / 100).toFixed(2)

/** A checkout token as MoonClerk makes them: letters and digits, unguessable. */
const newCheckoutToken = () => randomToken(24)

/** A random run of letters and digits, for tokens and Stripe-like references. */
const randomToken = (length) => Array.from({ length }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('')

/** Optional `redirect`; `null` means MoonClerk's own confirmation page. Optional `id`: the API's form_id. */
function checkForm(token, form) {
  const problem = (what) => new Error(`stand-in: forms.json, form ${JSON.stringify(token)}: ${what}`)
  if (!/^[a-z\d]+$/i.test(token)) throw problem('tokens are letters and digits')
  if (form && form.id !== undefined && !(Number.isSafeInteger(form.id) && form.id > 0)) throw problem('"id" must be a positive integer')
  if (!form || typeof form.name != 'string') throw problem('"name" must be a string')
  if (form.kind !== 'one-time' && form.kind !== 'recurring') throw problem('"kind" must be "one-time" or "recurring"')
  if (form.amountCents !== null && !(Number.isSafeInteger(form.amountCents) && form.amountCents > 0))
    throw problem('"amountCents" must be a positive integer, or null for an amount decided at checkout')
  if (form.redirect != null && typeof form.redirect != 'string') throw problem('"redirect" must be a URL template')
  if (form.redirectIn !== 'top' && form.redirectIn !== 'frame') throw problem('"redirectIn" must be "top" or "frame"')
}

/**
 * Reads the forms file and puts the site's origin into the redirect templates (it is only known
 * at start-up). Checked here, so a typo fails the start instead of a payment.
 */
async function loadForms(file, siteOrigin) {
  const forms = JSON.parse(await readFile(file, 'utf8'))
  const ids = new Set()
  let nextFormId = 234001
  for (const [token, form] of Object.entries(forms)) {
    checkForm(token, form)
    // Forms files without ids still work: the API numbers them in file order.
    if (form.id === undefined) while (ids.has((form.id = nextFormId++)));
    if (ids.has(form.id)) throw new Error(`stand-in: forms.json, form ${JSON.stringify(token)}: id ${form.id} is used twice`)
    ids.add(form.id)
    if (form.redirect == null) continue
    if (form.redirect.includes('%SITE_ORIGIN%') && !siteOrigin)
      throw new Error(`stand-in: form ${token} redirects to %SITE_ORIGIN%, but startStandIn() got no siteOrigin`)
    form.redirect = form.redirect.replaceAll('%SITE_ORIGIN%', siteOrigin)
    new URL(form.redirect) // Throws on a template that is not an absolute URL.
  }
  return forms
}

/**
 * Any token MoonClerk does not know here still gets a checkout, as the first stand-in gave every token.
 * Its API id (`id: null`) is given at its first payment, so unpaid stray tokens never reach GET /forms.
 */
const genericForm = (token) => ({ id: null, name: `Payment form ${token}`, kind: 'one-time', amountCents: null, redirect: null, redirectIn: 'frame' })

/** The amount this checkout charges, in cents, or null when the payer has not given a valid one. */
function chargedCents(form, fields) {
  if (form.amountCents !== null) return form.amountCents
  const cents = fields.get('amount_cents')
  if (cents && /^\d+$/.test(cents) && Number(cents) > 0) return Number(cents)
  const amount = (fields.get('amount') || '').trim()
  return /^\d+(\.\d{1,2})?$/.test(amount) && Number(amount) > 0 ? Math.round(Number(amount) * 100) : null
}

// A given but blank value is no value: MoonClerk would leave its placeholder unfilled.
const given = (fields, key) => {
  const value = fields.get(key)
  return value != null && value.trim() ? value : null
}

/**
 * The hosted checkout page: the form, what the page passed in, and a Pay button. No script at all:
 * `target="_top"` alone takes the payer's whole window to the redirect. Fields the tests read carry
 * `data-field`.
 */
function payPage(token, form, query, error, embedded = false) {
  const rows = CHECKOUT_FIELDS.map((key) => {
    const value = query.get(key)
    const shown = value == null ? '<span class="empty">not given</span>' : escapeHtml(value)
    return `    <dt>${key}</dt><dd data-field="${key}">${shown}</dd>`
  }).join('\n')
  // What the page passed in rides along as hidden inputs; what it did not, the payer types.
  const hidden = CHECKOUT_FIELDS.filter((key) => given(query, key) != null).map(
    (key) => `    <input type="hidden" name="${key}" value="${escapeHtml(query.get(key))}">`,
  )
  const asked = []
  if (given(query, 'name') == null) asked.push('    <label>Name <input name="name" autocomplete="name" required></label>')
  if (given(query, 'email') == null) asked.push('    <label>Email <input type="email" name="email" autocomplete="email" required></label>')
  // Only the documented prefill counts here; a typed amount arrives with the post.
  const cents = chargedCents(form, new URLSearchParams({ amount_cents: query.get('amount_cents') || '' }))
  if (cents === null)
    asked.push('    <label>Amount in dollars <input name="amount" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" required></label>')
  const amount = cents === null ? 'Amount decided at checkout' : dollars(cents)
  const kind = form.kind === 'recurring' ? 'recurring plan' : 'one-time payment'
  const target = form.redirectIn === 'top' ? ' target="_top"' : ''
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>MoonClerk stand-in checkout ${escapeHtml(token)}</title>
  <link rel="stylesheet" href="/assets/pay.css">
${embedded ? '  <script src="/assets/pay-embed.js" defer></script>\n' : ''}</head>
<body>
  <h1 data-field="form-name">${escapeHtml(form.name)}</h1>
  <p class="amount"><span data-field="amount">${amount}</span> <span class="muted" data-field="kind">${kind}</span></p>
  <p class="muted">Checkout <span data-field="token">${escapeHtml(token)}</span> (MoonClerk stand-in: no card is charged)</p>
${error ? `  <p class="error" role="alert">${escapeHtml(error)}</p>\n` : ''}  <h2>Passed in by the page</h2>
  <dl>
${rows}
  </dl>
  <form method="post" action="/pay/${encodeURIComponent(token)}"${target}>
${[...hidden, ...asked].join('\n')}
    <button type="submit">Pay${cents === null ? '' : ' ' + dollars(cents)}</button>
  </form>
</body>
</html>
`
}

/** MoonClerk's own confirmation, for forms that do not redirect. */
function confirmationPage(form, payment) {
  const idName = payment.kind === 'recurring' ? 'customer_id' : 'payment_id'
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>MoonClerk stand-in: thank you</title>
  <link rel="stylesheet" href="/assets/pay.css">
</head>
<body>
  <h1>Thank you</h1>
  <p>${escapeHtml(form.name)}: <span data-field="amount">${dollars(payment.amountCents)}</span> received.</p>
  <dl>
    <dt>checkout_token</dt><dd data-field="checkout_token">${escapeHtml(payment.checkoutToken)}</dd>
    <dt>${idName}</dt><dd data-field="${idName}">${payment.id}</dd>
  </dl>
</body>
</html>
`
}

/** The redirect URL with what MoonClerk knows filled in, URL-encoded; the rest stays literally, as MoonClerk's does. */
function fillRedirect(template, payment) {
  const values = {
    custom_id: payment.customId,
    checkout_token: payment.checkoutToken,
    payment_id: payment.kind === 'one-time' ? payment.id : null,
    customer_id: payment.kind === 'recurring' ? payment.id : null,
  }
  return template.replace(PLACEHOLDER, (placeholder, key) => (values[key] == null ? placeholder : encodeURIComponent(values[key])))
}

/** A request body as text, or null when it is too big. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The urlencoded body of a form post, or null when it is too big. */
const readForm = async (req) => {
  const body = await readBody(req)
  return body === null ? null : new URLSearchParams(body)
}

/** Reads embed.js's switches: status, delay, hang, reset, define, throw (faults) and frame (no iframe). */
function readFaults(query) {
  return {
    status: Number(query.get('status')) || 200,
    delayMs: Math.max(0, Number(query.get('delay')) || 0),
    hang: query.get('hang') === '1',
    // reset=1: the connection is dropped without an answer, as a flaky proxy or network does.
    reset: query.get('reset') === '1',
    define: query.get('define') !== '0',
    throwIn: query.get('throw') || undefined,
    frame: query.get('frame') !== '0',
    // copy=published: behave like the one published copy of MoonClerk's embed.js (raw values in markup).
    published: query.get('copy') === 'published',
  }
}

// ---------------------------------------------------------------------------------------------
// The REST API's objects, shaped as MoonClerk's api/v1 docs and webhooks.md show them. Field by
// field, what the stand-in fills in:
//
// payment  { id, date (ISO 8601, UTC, whole seconds), status: "successful", currency: "USD",
//            amount (cents), fee (Stripe's 2.9% + 30¢), amount_refunded: 0, amount_description: null,
//            name, email, payment_source: { type: "card", last4: "4242", … }, custom_id (the cid, or
//            null), charge_reference "ch_…", customer_id (null for one-time), customer_reference
//            ("cus_…" or null), invoice_reference ("in_…" for a plan's payments, else null),
//            custom_fields: {}, form_id, coupon: null,
//            checkout: { token, date, subtotal, fee, upfront_amount, total, coupon_code,
//                        coupon_amount, amount_due, trial_period_days } for a one-time checkout;
//                        null on a plan's payments, which come from an invoice (the facts: "for
//                        one-time checkouts, checkout.token"); the plan's token is on its customer }
// customer { id, account_balance: 0, name, email, payment_source, custom_id, customer_reference,
//            discount: null, delinquent, management_url, custom_fields: {}, form_id,
//            status (a copy of subscription.status, which is where the docs keep it),
//            checkout: { token, … as above }, subscription: { id, subscription_reference "sub_…",
//            status: "active" | "past_due" | "canceled", start, first_payment_attempt,
//            next_payment_attempt, current_period_start, current_period_end, trial_start,
//            trial_end, trial_period_days, expires_at, canceled_at, ended_at,
//            plan: { id, plan_reference, amount, amount_description, currency, interval: "month",
//            interval_count: 1 } } }
// form     { id, title, access_token (the checkout token), currency, payment_volume,
//            successful_checkout_count, created_at, updated_at }
// ---------------------------------------------------------------------------------------------

const API_MEDIA_TYPE = 'application/vnd.moonclerk+json'
const API_VERSION = '1'
const API_PATH = /^\/(payments|customers|forms)(?:\/([^/]*))?$/
// Far more than a test or a demo makes; the oldest go first, like the checkout records.
const MAX_API_RECORDS = 1000
const DAY_MS = 24 * 60 * 60 * 1000

// Topic → the kind of object its payload carries (webhooks.md, "Supported Topics").
const WEBHOOK_EVENTS = { payment_created: 'payment', plan_created: 'customer', plan_ended: 'customer', plan_payment_failed: 'customer' }
// "retried up to 10 times, after which the endpoint is disabled": read here as 10 attempts in all.
const WEBHOOK_ATTEMPTS = 10
// A receiver that neither answers nor closes costs one attempt, not a stuck delivery.
const WEBHOOK_TIMEOUT_MS = 5000

/** ISO 8601 in UTC to the second, as the API's examples write dates. */
const isoDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const addMonth = (iso) => {
  const date = new Date(iso)
  date.setUTCMonth(date.getUTCMonth() + 1)
  return isoDate(date.getTime())
}
const stripeFee = (cents) => Math.round(cents * 0.029) + 30
const paymentSource = () => ({ type: 'card', last4: '4242', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, brand: 'Visa', bank_name: null })
const checkoutSummary = (token, date, cents) => ({
  token,
  date,
  subtotal: cents,
  fee: 0,
  upfront_amount: 0,
  total: cents,
  coupon_code: null,
  coupon_amount: 0,
  amount_due: cents,
  trial_period_days: null,
})

/** A payment object; `customer` is the plan's customer object, or null for a one-time checkout. */
function paymentObject({ id, date, amountCents, name, email, customId, formId, checkoutToken, customer }) {
  return {
    id,
    date,
    status: 'successful',
    currency: 'USD',
    amount: amountCents,
    fee: stripeFee(amountCents),
    amount_refunded: 0,
    amount_description: null,
    name,
    email,
    payment_source: paymentSource(),
    custom_id: customId,
    charge_reference: 'ch_' + randomToken(14),
    customer_id: customer ? customer.id : null,
    customer_reference: customer ? customer.customer_reference : null,
    invoice_reference: customer ? 'in_' + randomToken(14) : null,
    custom_fields: {},
    form_id: formId,
    coupon: null,
    checkout: customer ? null : checkoutSummary(checkoutToken, date, amountCents),
  }
}

/** A customer object: a plan ("Plans" in MoonClerk's UI), billed monthly from `date`. */
function customerObject({ id, subscriptionId, date, amountCents, name, email, customId, formId, checkoutToken, origin }) {
  const nextBill = addMonth(date)
  return {
    id,
    account_balance: 0,
    name,
    email,
    payment_source: paymentSource(),
    custom_id: customId,
    customer_reference: 'cus_' + randomToken(14),
    discount: null,
    delinquent: false,
    management_url: `${origin}/manage/${randomToken(10)}`,
    custom_fields: {},
    form_id: formId,
    status: 'active',
    checkout: checkoutSummary(checkoutToken, date, amountCents),
    subscription: {
      id: subscriptionId,
      subscription_reference: 'sub_' + randomToken(14),
      status: 'active',
      start: date,
      first_payment_attempt: date,
      next_payment_attempt: nextBill,
      current_period_start: date,
      current_period_end: nextBill,
      trial_start: null,
      trial_end: null,
      trial_period_days: null,
      expires_at: null,
      canceled_at: null,
      ended_at: null,
      plan: { id: formId, plan_reference: formId == null ? null : String(formId), amount: amountCents, amount_description: null, currency: 'USD', interval: 'month', interval_count: 1 },
    },
  }
}

/** The form object GET /forms shows, its totals counted from the recorded payments and plans. */
function formObject(token, form, api, createdAt) {
  const payments = api.payments.filter((p) => p.form_id === form.id)
  const checkouts = payments.filter((p) => p.checkout).length + api.customers.filter((c) => c.form_id === form.id).length
  const volume = payments.filter((p) => p.status === 'successful').reduce((sum, p) => sum + p.amount - p.amount_refunded, 0)
  const dates = [...payments.map((p) => p.date), createdAt].sort()
  return {
    id: form.id,
    title: form.name,
    access_token: token,
    currency: 'USD',
    payment_volume: volume,
    successful_checkout_count: checkouts,
    created_at: createdAt,
    updated_at: dates[dates.length - 1],
  }
}

/** Does the Accept header ask for `application/vnd.moonclerk+json;version=1`, alone or among others? */
function acceptsApiV1(accept) {
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
function apiKeyOf(authorization) {
  const match = /^Token\s+token=(?:"([^"]*)"|([^\s,]*))/i.exec(String(authorization || '').trim())
  return match ? (match[1] ?? match[2]) : null
}

/** A YYYY-MM-DD date as the start of that UTC day in ms, or NaN when it is no such date. */
function utcDay(value) {
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
function listRows(rows, query, dateOf, filters) {
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
const idFilter = (key, field) => (value) => (/^\d+$/.test(value) ? (row) => field(row) === Number(value) : `"${key}" must be an integer id`)
/** Filters on a date: `*_from` from the start of its UTC day, `*_to` through the end of its day. */
const dayFilter = (key, field, end) => (value) => {
  const day = utcDay(value)
  if (Number.isNaN(day)) return `"${key}" must be a date, YYYY-MM-DD`
  return end ? (row) => Date.parse(field(row)) < day + DAY_MS : (row) => Date.parse(field(row)) >= day
}

/**
 * POSTs one webhook attempt; resolves with the HTTP status, or the network error's code. No
 * keep-alive agent: a finished delivery holds no socket open in the receiver.
 */
function postWebhook(url, body, signal) {
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      signal,
      timeout: WEBHOOK_TIMEOUT_MS,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'MoonClerk stand-in webhooks' },
    })
    req.on('response', (res) => {
      res.resume() // Only the status counts; drain the body so the socket closes.
      resolve(res.statusCode)
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
    req.on('error', (error) => resolve(error.code || error.message))
    req.end(body)
  })
}

const FORMS_FILE = new URL('./forms.json', import.meta.url)

/**
 * Starts the stand-in. `siteOrigin` is the merchant site's origin, put in place of `%SITE_ORIGIN%`
 * in the forms' redirect templates; `formsFile` replaces demo/forms.json. `apiKey` is the key the
 * REST API accepts; `webhookRetryMs` the wait before a webhook's second attempt (the n-th retry
 * waits n times as long); `webhookUrl`, when given, receives every payment and plan the pay flow makes.
 */
export async function startStandIn({
  host = '127.0.0.1',
  port = 0,
  siteOrigin,
  formsFile = FORMS_FILE,
  apiKey = 'standin-api-key',
  webhookRetryMs = 1000,
  webhookUrl,
} = {}) {
  const forms = await loadForms(formsFile, siteOrigin)
  // `payments` are checkouts as the pay flow saw them (e2e reads these); `api` holds the REST
  // API's objects; `webhooks` every delivery, and the endpoints that failed them all.
  const records = {
    embedRequests: 0,
    payQueries: [],
    payments: [],
    api: { payments: [], customers: [] },
    webhooks: [],
    disabledWebhookEndpoints: [],
  }
  const sockets = new Set()
  const timers = new Set()
  const deliveries = new Set() // AbortControllers of webhook attempts in flight.
  // Integer ids, as MoonClerk's API has them; separate series for payments, customers, subscriptions.
  const nextId = { payment: 100001, customer: 500001, subscription: 700001, form: 900001, webhook: 1 }
  // Unknown tokens that took a payment, so GET /forms lists their form too.
  const paidGenericForms = {}
  // The next `times` API calls answer `status` (POST /__standin/api-faults).
  let apiFaults = { status: 0, times: 0 }
  const startedAt = isoDate(Date.now())
  let origin = ''
  let closed = false

  const send = (res, status, type, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers })
    res.end(body)
  }
  const sendJson = (res, status, value, headers) => send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers)

  /**
   * Pay pages load no script; their form may post only here, and be redirected only to the form's
   * redirect origin (browsers check form-action on the redirect too). No frame-ancestors and no
   * X-Frame-Options: any merchant site may embed the checkout.
   */
  const payHeaders = (form, embedded) => ({
    'Content-Security-Policy': [
      "default-src 'none'",
      "style-src 'self'",
      // The embedded page tells its parent its height (the published embed.js listens for it).
      ...(embedded ? ["script-src 'self'"] : []),
      `form-action 'self'${form.redirect ? ' ' + new URL(form.redirect).origin : ''}`,
      "base-uri 'none'",
    ].join('; '),
  })

  const later = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const keep = (list, item) => {
    list.push(item)
    if (list.length > MAX_API_RECORDS) list.shift()
    return item
  }

  /**
   * Sends one event to `url` in the background, as webhooks.md describes: a 200–204 answer ends
   * it, anything else (network errors included) is tried again, and after the last failed attempt
   * the endpoint is disabled, so later events to it are skipped.
   */
  function deliver(url, event, data) {
    const delivery = {
      id: nextId.webhook++,
      url: url.href,
      event,
      object: WEBHOOK_EVENTS[event],
      dataId: data.id,
      attempts: 0,
      responses: [], // Each attempt's HTTP status, or its network error's code.
      state: 'pending', // Then 'delivered', 'failed' (endpoint disabled) or 'skipped' (it already was).
      status: null, // The HTTP status of the attempt that succeeded, or of the last one.
    }
    keep(records.webhooks, delivery)
    if (records.disabledWebhookEndpoints.includes(delivery.url)) {
      delivery.state = 'skipped'
      return delivery
    }
    // The object as it is now: a later change must not alter a retried payload.
    const body = JSON.stringify({ event, object: delivery.object, data })
    ;(async () => {
      for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
        if (attempt > 1) await later(webhookRetryMs * (attempt - 1))
        if (closed) return
        const controller = new AbortController()
        deliveries.add(controller)
        const result = await postWebhook(url, body, controller.signal)
        deliveries.delete(controller)
        if (closed) return
        delivery.attempts = attempt
        delivery.responses.push(result)
        delivery.status = typeof result === 'number' ? result : null
        if (typeof result === 'number' && result >= 200 && result <= 204) {
          delivery.state = 'delivered'
          return
        }
      }
      delivery.state = 'failed'
      if (!records.disabledWebhookEndpoints.includes(delivery.url)) records.disabledWebhookEndpoints.push(delivery.url)
    })()
    return delivery
  }

  /** What a successful checkout adds to the API: a payment, or a plan's customer and its first payment. */
  function recordCheckout(token, form, checkout) {
    if (form.id === null) {
      form = paidGenericForms[token] ??= { ...form, id: nextId.form++ }
    }
    const date = isoDate(Date.now())
    const common = { date, amountCents: checkout.amountCents, name: checkout.name, email: checkout.email, customId: checkout.customId, formId: form.id }
    const customer =
      checkout.kind === 'recurring'
        ? keep(records.api.customers, customerObject({ ...common, id: checkout.id, subscriptionId: nextId.subscription++, checkoutToken: checkout.checkoutToken, origin }))
        : null
    const payment = keep(
      records.api.payments,
      paymentObject({ ...common, id: customer ? nextId.payment++ : checkout.id, checkoutToken: checkout.checkoutToken, customer }),
    )
    if (webhookUrl) {
      if (customer) deliver(new URL(webhookUrl), 'plan_created', customer)
      deliver(new URL(webhookUrl), 'payment_created', payment)
    }
  }

  /** The read-only REST API: GET /payments[/:id], /customers[/:id], /forms[/:id]. */
  function api(req, res, url, [, collection, id]) {
    // An injected fault comes first, as from a gateway in front of the app.
    if (apiFaults.times > 0) {
      apiFaults.times--
      return sendJson(res, apiFaults.status, { error: `stand-in: injected ${apiFaults.status}` })
    }
    // The key is checked before anything else about the request: without it, nothing is told.
    if (apiKeyOf(req.headers.authorization) !== apiKey)
      return sendJson(res, 401, { error: 'Unauthorized: send Authorization: Token token=<API key>' }, { 'WWW-Authenticate': 'Token realm="Application"' })
    if (!acceptsApiV1(req.headers.accept))
      return sendJson(res, 406, { error: `Not Acceptable: send Accept: ${API_MEDIA_TYPE};version=${API_VERSION}` })
    if (req.method !== 'GET') return sendJson(res, 405, { error: 'The API is read-only: GET only' }, { Allow: 'GET' })

    const formList = () => [
      ...Object.entries(forms).map(([token, form]) => formObject(token, form, records.api, startedAt)),
      ...Object.entries(paidGenericForms).map(([token, form]) => formObject(token, form, records.api, startedAt)),
    ]
    const singular = { payments: 'payment', customers: 'customer', forms: 'form' }[collection]
    if (id !== undefined) {
      const rows = collection === 'forms' ? formList() : records.api[collection]
      const found = /^\d+$/.test(id) ? rows.find((row) => row.id === Number(id)) : undefined
      if (!found) return sendJson(res, 404, { error: `Not found: no ${singular} ${id}` })
      return sendJson(res, 200, { [singular]: found })
    }

    const query = url.searchParams
    let listed
    if (collection === 'payments') {
      listed = listRows(records.api.payments, query, (p) => p.date, {
        form_id: idFilter('form_id', (p) => p.form_id),
        customer_id: idFilter('customer_id', (p) => p.customer_id),
        date_from: dayFilter('date_from', (p) => p.date, false),
        date_to: dayFilter('date_to', (p) => p.date, true),
        status: (value) => (p) => p.status === value,
      })
    } else if (collection === 'customers') {
      listed = listRows(records.api.customers, query, (c) => c.checkout.date, {
        form_id: idFilter('form_id', (c) => c.form_id),
        checkout_from: dayFilter('checkout_from', (c) => c.checkout.date, false),
        checkout_to: dayFilter('checkout_to', (c) => c.checkout.date, true),
        status: (value) => (c) => c.subscription.status === value,
      })
    } else {
      listed = listRows(formList(), query, (f) => f.created_at, {})
    }
    if (listed.error) return sendJson(res, 400, { error: `Bad request: ${listed.error}` })
    sendJson(res, 200, { [collection]: listed.rows })
  }

  /** A JSON request body, or a 400/413 already sent (then undefined). */
  async function readJson(req, res) {
    const body = await readBody(req)
    if (body === null) return void sendJson(res, 413, { error: 'stand-in: body too large' })
    try {
      const value = JSON.parse(body)
      if (value && typeof value == 'object' && !Array.isArray(value)) return value
    } catch {
      // Answered below.
    }
    sendJson(res, 400, { error: 'stand-in: send a JSON object' })
  }

  /** Ids of seeded records: given ones must be new, missing ones come from the series. */
  const seedId = (given, list, series) => {
    if (given === undefined) return nextId[series]++
    if (!Number.isSafeInteger(given) || given <= 0) return 'must be a positive integer'
    return list.some((row) => row.id === given) ? 'is already taken' : given
  }

  const routes = {
    'GET /assets/embed.js': (req, res, url) => {
      records.embedRequests++
      const faults = readFaults(url.searchParams)
      if (faults.hang) return // Never answered; close() destroys the socket.
      if (faults.reset) return req.socket.destroy()
      const answer = () => {
        if (faults.status !== 200) return send(res, faults.status, 'text/plain; charset=utf-8', `stand-in: status ${faults.status}\n`)
        send(res, 200, 'application/javascript; charset=utf-8', (faults.published ? publishedEmbedScript : embedScript)(origin, faults))
      }
      if (!faults.delayMs) return answer()
      later(faults.delayMs).then(answer)
    },
    'GET /assets/pay.css': (req, res) => send(res, 200, 'text/css; charset=utf-8', PAY_CSS),
    'GET /assets/pay-embed.js': (req, res) => send(res, 200, 'application/javascript; charset=utf-8', PAY_EMBED_SCRIPT),
    'GET /__standin/records': (req, res) => send(res, 200, 'application/json', JSON.stringify(records)),
    'POST /__standin/reset': (req, res) => {
      records.embedRequests = 0
      records.payQueries = []
      records.payments = []
      records.api.payments = []
      records.api.customers = []
      records.webhooks = []
      records.disabledWebhookEndpoints = []
      apiFaults = { status: 0, times: 0 }
      send(res, 204, 'text/plain', '')
    },

    /** `{ "status": 503, "times": 2 }`: the next 2 API calls answer 503. `times: 0` clears it. */
    'POST /__standin/api-faults': async (req, res) => {
      const body = await readJson(req, res)
      if (!body) return
      const { status, times = 1 } = body
      if (!Number.isInteger(status) || status < 400 || status > 599 || !Number.isInteger(times) || times < 0)
        return sendJson(res, 400, { error: 'stand-in: send { "status": 400–599, "times": a count }' })
      apiFaults = { status, times }
      sendJson(res, 200, apiFaults)
    },

    /**
     * `{ "payment": {…} }` or `{ "customer": {…} }`: adds a record as if MoonClerk had made it.
     * Given fields replace those of a plausible default (so a test can backdate a payment).
     */
    'POST /__standin/seed': async (req, res) => {
      const body = await readJson(req, res)
      if (!body) return
      const kind = body.payment ? 'payment' : body.customer ? 'customer' : null
      const given = body[kind]
      if (!kind || typeof given != 'object' || Array.isArray(given)) return sendJson(res, 400, { error: 'stand-in: send { "payment": {…} } or { "customer": {…} }' })
      if (given.date !== undefined && Number.isNaN(Date.parse(given.date))) return sendJson(res, 400, { error: 'stand-in: "date" must be an ISO 8601 date' })
      const list = kind === 'payment' ? records.api.payments : records.api.customers
      const id = seedId(given.id, list, kind)
      if (typeof id == 'string') return sendJson(res, 400, { error: `stand-in: "id" ${id}` })
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
          ? paymentObject({ ...common, customer: records.api.customers.find((c) => c.id === given.customer_id) ?? null })
          : customerObject({ ...common, subscriptionId: nextId.subscription++, origin })
      // A plan's payment seeded with a customer_id the stand-in does not know keeps it anyway.
      const record = { ...base, ...given, id }
      // A partial checkout (say, only its token) fills in the rest rather than dropping it.
      if (base.checkout && given.checkout && typeof given.checkout == 'object') record.checkout = { ...base.checkout, ...given.checkout }
      keep(list, record)
      sendJson(res, 201, { [kind]: record })
    },

    /**
     * `{ "url": …, "event": "payment_created" | "plan_created" | "plan_ended" | "plan_payment_failed",
     * "id": <payment or customer id> }`: sends that event now, and answers 202 with the delivery
     * (its progress shows in records.webhooks). Plan Ended and Plan Payment Failed first change
     * the customer as the event says, so the payload and the API agree.
     */
    'POST /__standin/webhooks': async (req, res) => {
      const body = await readJson(req, res)
      if (!body) return
      let target
      try {
        target = new URL(body.url)
      } catch {
        target = null
      }
      if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:'))
        return sendJson(res, 400, { error: 'stand-in: "url" must be an http(s) URL' })
      const object = Object.hasOwn(WEBHOOK_EVENTS, body.event) ? WEBHOOK_EVENTS[body.event] : null
      if (!object) return sendJson(res, 400, { error: `stand-in: "event" must be one of ${Object.keys(WEBHOOK_EVENTS).join(', ')}` })
      const list = object === 'payment' ? records.api.payments : records.api.customers
      const record = list.find((row) => row.id === body.id)
      if (!record) return sendJson(res, 404, { error: `stand-in: no ${object} ${body.id}` })
      const now = isoDate(Date.now())
      if (body.event === 'plan_ended') {
        Object.assign(record.subscription, { status: 'canceled', canceled_at: now, ended_at: now, next_payment_attempt: null })
        record.status = 'canceled'
      } else if (body.event === 'plan_payment_failed') {
        record.subscription.status = 'past_due'
        record.status = 'past_due'
        record.delinquent = true
      }
      sendJson(res, 202, { delivery: deliver(target, body.event, record) })
    },
  }

  const payRoutes = {
    GET(req, res, url, token, form) {
      records.payQueries.push({ token, query: Object.fromEntries(url.searchParams) })
      if (records.payQueries.length > MAX_PAY_QUERIES) records.payQueries.shift()
      const embedded = url.searchParams.get('embed') === 'true'
      send(res, 200, 'text/html; charset=utf-8', payPage(token, form, url.searchParams, undefined, embedded), payHeaders(form, embedded))
    },
    async POST(req, res, url, token, form) {
      const fields = await readForm(req)
      if (!fields) return send(res, 413, 'text/plain; charset=utf-8', 'stand-in: form too large\n')
      const amountCents = chargedCents(form, fields)
      if (amountCents === null)
        return send(res, 422, 'text/html; charset=utf-8', payPage(token, form, fields, 'Enter an amount in dollars, such as 25 or 12.50.'), payHeaders(form))
      const payment = {
        token,
        checkoutToken: newCheckoutToken(),
        customId: given(fields, 'cid'),
        kind: form.kind,
        // The payment's id for a one-time checkout, the customer's for a plan, as the redirect names them.
        id: form.kind === 'recurring' ? nextId.customer++ : nextId.payment++,
        amountCents,
        name: given(fields, 'name'),
        email: given(fields, 'email'),
      }
      records.payments.push(payment)
      if (records.payments.length > MAX_PAYMENTS) records.payments.shift()
      recordCheckout(token, form, payment)
      if (!form.redirect) return send(res, 200, 'text/html; charset=utf-8', confirmationPage(form, payment), payHeaders(form))
      // 303: the browser follows with a GET, so a reload of the success page never posts again.
      send(res, 303, 'text/plain; charset=utf-8', '', { Location: fillRedirect(form.redirect, payment) })
    },
  }

  // Any failure inside a handler answers 500 rather than leaving the request hanging.
  const guard = (res, handling) =>
    Promise.resolve(handling).catch((error) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `stand-in: ${error.message}\n`)
      else res.destroy()
    })

  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', origin)
    const route = routes[`${req.method} ${url.pathname}`]
    if (route) return guard(res, (async () => route(req, res, url))())
    const apiPath = API_PATH.exec(url.pathname)
    if (apiPath) return guard(res, (async () => api(req, res, url, apiPath))())
    // /pay/index/<token> is where the published embed.js points its frame.
    const pay = /^\/pay\/(?:index\/)?([^/]+)$/.exec(url.pathname)
    if (pay && payRoutes[req.method]) {
      let token
      try {
        token = decodeURIComponent(pay[1])
      } catch {
        token = pay[1]
      }
      const form = Object.hasOwn(forms, token) ? forms[token] : (paidGenericForms[token] ?? genericForm(token))
      return guard(res, payRoutes[req.method](req, res, url, token, form))
    }
    send(res, 404, 'text/plain; charset=utf-8', 'stand-in: not found\n')
  })

  // Tracked so close() can end hanging embed.js requests and keep-alive connections.
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const address = server.address()
  origin = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`

  // Also stops webhook retries and aborts attempts in flight.
  const close = () =>
    new Promise((resolve) => {
      closed = true
      timers.forEach(clearTimeout)
      timers.clear()
      deliveries.forEach((controller) => controller.abort())
      deliveries.clear()
      server.close(() => resolve())
      sockets.forEach((socket) => socket.destroy())
    })

  return { origin, server, records, close }
}
