// A local stand-in for MoonClerk: its embed.js and its hosted checkout, payment and redirect URL
// included, as the documentation describes them (shared/moonclerk-facts.md). The payment forms
// are in demo/forms.json. Node built-ins only, so demos and e2e tests run offline.
import { randomInt } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import http from 'node:http'

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
  const config = JSON.stringify({ origin, fields: CHECKOUT_FIELDS, define: faults.define, throwIn: faults.throwIn })
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
const newCheckoutToken = () => Array.from({ length: 24 }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('')

/** Optional `redirect`; `null` means MoonClerk's own confirmation page. */
function checkForm(token, form) {
  const problem = (what) => new Error(`stand-in: forms.json, form ${JSON.stringify(token)}: ${what}`)
  if (!/^[a-z\d]+$/i.test(token)) throw problem('tokens are letters and digits')
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
  for (const [token, form] of Object.entries(forms)) {
    checkForm(token, form)
    if (form.redirect == null) continue
    if (form.redirect.includes('%SITE_ORIGIN%') && !siteOrigin)
      throw new Error(`stand-in: form ${token} redirects to %SITE_ORIGIN%, but startStandIn() got no siteOrigin`)
    form.redirect = form.redirect.replaceAll('%SITE_ORIGIN%', siteOrigin)
    new URL(form.redirect) // Throws on a template that is not an absolute URL.
  }
  return forms
}

/** Any token MoonClerk does not know here still gets a checkout, as the first stand-in gave every token. */
const genericForm = (token) => ({ name: `Payment form ${token}`, kind: 'one-time', amountCents: null, redirect: null, redirectIn: 'frame' })

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
function payPage(token, form, query, error) {
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
</head>
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

/** The urlencoded body of a form post, or null when it is too big. */
function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', reject)
  })
}

/** Reads embed.js's fault switches: status, delay, hang, define, throw. */
function readFaults(query) {
  return {
    status: Number(query.get('status')) || 200,
    delayMs: Math.max(0, Number(query.get('delay')) || 0),
    hang: query.get('hang') === '1',
    define: query.get('define') !== '0',
    throwIn: query.get('throw') || undefined,
  }
}

const FORMS_FILE = new URL('./forms.json', import.meta.url)

/**
 * Starts the stand-in. `siteOrigin` is the merchant site's origin, put in place of `%SITE_ORIGIN%`
 * in the forms' redirect templates; `formsFile` replaces demo/forms.json.
 */
export async function startStandIn({ host = '127.0.0.1', port = 0, siteOrigin, formsFile = FORMS_FILE } = {}) {
  const forms = await loadForms(formsFile, siteOrigin)
  const records = { embedRequests: 0, payQueries: [], payments: [] }
  const sockets = new Set()
  const timers = new Set()
  // Integer ids, as MoonClerk's API has them; separate series for payments and customers.
  const nextId = { 'one-time': 100001, recurring: 500001 }
  let origin = ''

  const send = (res, status, type, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers })
    res.end(body)
  }

  /**
   * Pay pages load no script; their form may post only here, and be redirected only to the form's
   * redirect origin (browsers check form-action on the redirect too). No frame-ancestors and no
   * X-Frame-Options: any merchant site may embed the checkout.
   */
  const payHeaders = (form) => ({
    'Content-Security-Policy': [
      "default-src 'none'",
      "style-src 'self'",
      `form-action 'self'${form.redirect ? ' ' + new URL(form.redirect).origin : ''}`,
      "base-uri 'none'",
    ].join('; '),
  })

  const routes = {
    'GET /assets/embed.js': (req, res, url) => {
      records.embedRequests++
      const faults = readFaults(url.searchParams)
      if (faults.hang) return // Never answered; close() destroys the socket.
      const answer = () => {
        if (faults.status !== 200) return send(res, faults.status, 'text/plain; charset=utf-8', `stand-in: status ${faults.status}\n`)
        send(res, 200, 'application/javascript; charset=utf-8', embedScript(origin, faults))
      }
      if (!faults.delayMs) return answer()
      const timer = setTimeout(() => {
        timers.delete(timer)
        answer()
      }, faults.delayMs)
      timers.add(timer)
    },
    'GET /assets/pay.css': (req, res) => send(res, 200, 'text/css; charset=utf-8', PAY_CSS),
    'GET /__standin/records': (req, res) => send(res, 200, 'application/json', JSON.stringify(records)),
    'POST /__standin/reset': (req, res) => {
      records.embedRequests = 0
      records.payQueries = []
      records.payments = []
      send(res, 204, 'text/plain', '')
    },
  }

  const payRoutes = {
    GET(req, res, url, token, form) {
      records.payQueries.push({ token, query: Object.fromEntries(url.searchParams) })
      if (records.payQueries.length > MAX_PAY_QUERIES) records.payQueries.shift()
      send(res, 200, 'text/html; charset=utf-8', payPage(token, form, url.searchParams), payHeaders(form))
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
        id: nextId[form.kind]++,
        amountCents,
        name: given(fields, 'name'),
        email: given(fields, 'email'),
      }
      records.payments.push(payment)
      if (records.payments.length > MAX_PAYMENTS) records.payments.shift()
      if (!form.redirect) return send(res, 200, 'text/html; charset=utf-8', confirmationPage(form, payment), payHeaders(form))
      // 303: the browser follows with a GET, so a reload of the success page never posts again.
      send(res, 303, 'text/plain; charset=utf-8', '', { Location: fillRedirect(form.redirect, payment) })
    },
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', origin)
    const route = routes[`${req.method} ${url.pathname}`]
    if (route) return route(req, res, url)
    const pay = /^\/pay\/([^/]+)$/.exec(url.pathname)
    if (pay && payRoutes[req.method]) {
      let token
      try {
        token = decodeURIComponent(pay[1])
      } catch {
        token = pay[1]
      }
      const form = Object.hasOwn(forms, token) ? forms[token] : genericForm(token)
      return Promise.resolve(payRoutes[req.method](req, res, url, token, form)).catch((error) => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `stand-in: ${error.message}\n`)
        else res.destroy()
      })
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

  const close = () =>
    new Promise((resolve) => {
      timers.forEach(clearTimeout)
      timers.clear()
      server.close(() => resolve())
      sockets.forEach((socket) => socket.destroy())
    })

  return { origin, server, records, close }
}
