// The stand-in's embed.js: the careful script served by default, the published copy's behaviour for
// ?copy=published (embed-published.mjs), and the fault switches each fixture page picks through
// embed.js's query string.
import { publishedEmbedScript } from './embed-published.mjs'
import { send } from './http.mjs'
import { CHECKOUT_FIELDS } from './pages.mjs'

/** Reads embed.js's switches: status, delay, hang, reset, define, throw (faults), frame (no iframe) and copy. */
export function readFaults(query) {
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

/** The careful embed.js: it defines MoonclerkEmbed, records each display() and frames the checkout. */
export function embedScript(origin, faults) {
  const config = JSON.stringify({
    origin,
    fields: CHECKOUT_FIELDS,
    define: faults.define,
    throwIn: faults.throwIn,
    frame: faults.frame,
  })
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
    // Custom fields, keyed by MoonClerk's parameter names: fields[hat_size], fields[address][line1].
    Object.keys(opts.fields || {}).forEach(function (name) {
      query.append(name, String(opts.fields[name]));
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

/** The script text for these switches: the careful one, or the published copy's. */
export const embedScriptFor = (origin, faults) =>
  (faults.published ? publishedEmbedScript : embedScript)(origin, faults)

/** The answer to one embed.js request, its faults applied; a hanging request is ended by close(). */
function serveEmbed(ctx, req, res, url) {
  ctx.store.records.embedRequests++
  const faults = readFaults(url.searchParams)
  if (faults.hang) return // Never answered; close() destroys the socket.
  if (faults.reset) return req.socket.destroy()
  const answer = () => {
    if (faults.status !== 200)
      return send(res, faults.status, 'text/plain; charset=utf-8', `stand-in: status ${faults.status}\n`)
    send(res, 200, 'application/javascript; charset=utf-8', embedScriptFor(ctx.origin, faults))
  }
  if (!faults.delayMs) return answer()
  ctx.later(faults.delayMs).then(answer)
}

export const embedRoutes = { 'GET /assets/embed.js': serveEmbed }
