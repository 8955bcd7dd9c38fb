// MoonClerk's hosted checkout: the pay page, the confirmation page, their stylesheet and headers,
// the redirect URL with its placeholders filled in, and the pay routes (GET shows, POST pays).
import { PAY_EMBED_SCRIPT } from './embed-published.mjs'
import { addCheckoutToApi } from './api.mjs'
import { readForm, send } from './http.mjs'
import { newCheckoutToken } from './tokens.mjs'

/** The query parameters MoonClerk's hosted checkout accepts, in the order it documents them. */
export const CHECKOUT_FIELDS = ['cid', 'name', 'email', 'amount_cents']
// How a filled-in redirect names what it carries: MoonClerk's placeholders (docs/moonclerk.md, "The redirect URL").
const PLACEHOLDER = /\{\{(custom_id|checkout_token|payment_id|customer_id)\}\}/g
const HTML = 'text/html; charset=utf-8'

export const PAY_CSS = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 1.5rem; color: #1b2733; background: #f6f8fa; }
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

export const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c])

export const dollars = (cents) => '$' + (cents / 100).toFixed(2)

/** The amount this checkout charges, in cents, or null when the payer has not given a valid one. */
export function chargedCents(form, fields) {
  if (form.amountCents !== null) return form.amountCents
  const cents = fields.get('amount_cents')
  if (cents && /^\d+$/.test(cents) && Number(cents) > 0) return Number(cents)
  const amount = (fields.get('amount') || '').trim()
  return /^\d+(\.\d{1,2})?$/.test(amount) && Number(amount) > 0 ? Math.round(Number(amount) * 100) : null
}

/** A field's value, or null when absent or blank: MoonClerk would leave its placeholder unfilled. */
export function givenField(fields, key) {
  const value = fields.get(key)
  return value != null && value.trim() ? value : null
}

/** The "Passed in by the page" list: every documented field, shown as received. */
function passedInRows(query) {
  return CHECKOUT_FIELDS.map((key) => {
    const value = query.get(key)
    const shown = value == null ? '<span class="empty">not given</span>' : escapeHtml(value)
    return `    <dt>${key}</dt><dd data-field="${key}">${shown}</dd>`
  }).join('\n')
}

/** The form's inputs: what the page passed in rides along hidden; what it did not, the payer types. */
function payInputs(query, cents) {
  const hidden = CHECKOUT_FIELDS.filter((key) => givenField(query, key) != null).map(
    (key) => `    <input type="hidden" name="${key}" value="${escapeHtml(query.get(key))}">`,
  )
  const asked = []
  if (givenField(query, 'name') == null)
    asked.push('    <label>Name <input name="name" autocomplete="name" required></label>')
  if (givenField(query, 'email') == null)
    asked.push('    <label>Email <input type="email" name="email" autocomplete="email" required></label>')
  if (cents === null)
    asked.push(
      '    <label>Amount in dollars <input name="amount" inputmode="decimal" pattern="\\d+(\\.\\d{1,2})?" required></label>',
    )
  return [...hidden, ...asked].join('\n')
}

/**
 * The hosted checkout page: the form, what the page passed in, and a Pay button. No script unless
 * embedded: `target="_top"` alone takes the payer's whole window to the redirect. Fields the tests
 * read carry `data-field`.
 */
export function payPage(token, form, query, error, embedded = false) {
  // Only the documented prefill counts here; a typed amount arrives with the post.
  const cents = chargedCents(form, new URLSearchParams({ amount_cents: query.get('amount_cents') || '' }))
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
${passedInRows(query)}
  </dl>
  <form method="post" action="/pay/${encodeURIComponent(token)}"${target}>
${payInputs(query, cents)}
    <button type="submit">Pay${cents === null ? '' : ' ' + dollars(cents)}</button>
  </form>
</body>
</html>
`
}

/** MoonClerk's own confirmation, for forms that do not redirect. */
export function confirmationPage(form, payment) {
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
export function fillRedirect(template, payment) {
  const values = {
    custom_id: payment.customId,
    checkout_token: payment.checkoutToken,
    payment_id: payment.kind === 'one-time' ? payment.id : null,
    customer_id: payment.kind === 'recurring' ? payment.id : null,
  }
  return template.replace(PLACEHOLDER, (placeholder, key) =>
    values[key] == null ? placeholder : encodeURIComponent(values[key]),
  )
}

/**
 * Pay pages load no script but their own; their form may post only here, and be redirected only to
 * the form's redirect origin (browsers check form-action on the redirect too). No frame-ancestors and
 * no X-Frame-Options: any merchant site may embed the checkout.
 */
export function payHeaders(form, embedded) {
  const policy = [
    "default-src 'none'",
    "style-src 'self'",
    // The embedded page tells its parent its height (the published embed.js listens for it).
    ...(embedded ? ["script-src 'self'"] : []),
    `form-action 'self'${form.redirect ? ' ' + new URL(form.redirect).origin : ''}`,
    "base-uri 'none'",
  ]
  return { 'Content-Security-Policy': policy.join('; ') }
}

/** The checkout as the pay flow records it. `id` is the payment's for a one-time checkout, the customer's for a plan. */
function newCheckout(store, token, form, fields, amountCents) {
  return {
    token,
    checkoutToken: newCheckoutToken(),
    customId: givenField(fields, 'cid'),
    kind: form.kind,
    id: store.takeId(form.kind === 'recurring' ? 'customer' : 'payment'),
    amountCents,
    name: givenField(fields, 'name'),
    email: givenField(fields, 'email'),
  }
}

/** GET and POST of /pay/<token> (and /pay/index/<token>, where the published embed.js points its frame). */
export const payRoutes = {
  GET(ctx, req, res, url, token, form) {
    ctx.store.recordPayQuery(token, Object.fromEntries(url.searchParams))
    const embedded = url.searchParams.get('embed') === 'true'
    send(res, 200, HTML, payPage(token, form, url.searchParams, undefined, embedded), payHeaders(form, embedded))
  },
  async POST(ctx, req, res, url, token, form) {
    const fields = await readForm(req)
    if (!fields) return send(res, 413, 'text/plain; charset=utf-8', 'stand-in: form too large\n')
    const amountCents = chargedCents(form, fields)
    if (amountCents === null)
      return send(
        res,
        422,
        HTML,
        payPage(token, form, fields, 'Enter an amount in dollars, such as 25 or 12.50.'),
        payHeaders(form),
      )
    const checkout = newCheckout(ctx.store, token, form, fields, amountCents)
    ctx.store.recordCheckout(checkout)
    addCheckoutToApi(ctx, token, form, checkout)
    if (!form.redirect) return send(res, 200, HTML, confirmationPage(form, checkout), payHeaders(form))
    // 303: the browser follows with a GET, so a reload of the success page never posts again.
    send(res, 303, 'text/plain; charset=utf-8', '', { Location: fillRedirect(form.redirect, checkout) })
  },
}

/** The checkout pages' own files. */
export const assetRoutes = {
  'GET /assets/pay.css': (ctx, req, res) => send(res, 200, 'text/css; charset=utf-8', PAY_CSS),
  'GET /assets/pay-embed.js': (ctx, req, res) =>
    send(res, 200, 'application/javascript; charset=utf-8', PAY_EMBED_SCRIPT),
}
