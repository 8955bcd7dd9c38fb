// A local stand-in for MoonClerk: its embed.js and its hosted checkout, as the documentation
// describes them (shared/moonclerk-facts.md). Node built-ins only, so demos and e2e tests run offline.
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
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.empty { color: #8a94a0; font-style: italic; }
`

/** The hosted checkout page; each field carries `data-field` so tests can find it. */
function payPage(token, query) {
  const rows = CHECKOUT_FIELDS.map((key) => {
    const value = query.get(key)
    const shown = value == null ? '<span class="empty">not given</span>' : escapeHtml(value)
    return `    <dt>${key}</dt><dd data-field="${key}">${shown}</dd>`
  }).join('\n')
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>MoonClerk stand-in checkout ${escapeHtml(token)}</title>
  <link rel="stylesheet" href="/assets/pay.css">
</head>
<body>
  <h1>Checkout <span data-field="token">${escapeHtml(token)}</span></h1>
  <dl>
${rows}
  </dl>
</body>
</html>
`
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

export async function startStandIn({ host = '127.0.0.1', port = 0 } = {}) {
  const records = { embedRequests: 0, payQueries: [] }
  const sockets = new Set()
  const timers = new Set()
  let origin = ''

  const send = (res, status, type, body) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' })
    res.end(body)
  }

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
      send(res, 204, 'text/plain', '')
    },
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', origin)
    const route = routes[`${req.method} ${url.pathname}`]
    if (route) return route(req, res, url)
    const pay = req.method === 'GET' && /^\/pay\/([^/]+)$/.exec(url.pathname)
    if (pay) {
      let token
      try {
        token = decodeURIComponent(pay[1])
      } catch {
        token = pay[1]
      }
      records.payQueries.push({ token, query: Object.fromEntries(url.searchParams) })
      if (records.payQueries.length > MAX_PAY_QUERIES) records.payQueries.shift()
      return send(res, 200, 'text/html; charset=utf-8', payPage(token, url.searchParams))
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
