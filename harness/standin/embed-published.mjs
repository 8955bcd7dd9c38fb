// The stand-in's second embed.js: it behaves like the one published copy of MoonClerk's embed.js
// (docs/moonclerk.md, "The published embed.js"), unsafe parts included, so that tests meet what real pages meet:
// - the constructor copies every key of opts over its defaults, and throws a string without postMessage;
// - display() writes its frame as markup through innerHTML, the values concatenated unencoded
//   into the frame URL `/pay/index/<token>?embed=true&cid=…` (the newer keys assumed to travel
//   the same way, as docs/moonclerk.md says to assume), replacing whatever the container held;
// - a number (or numeric string) width becomes pixels, anything else is used as CSS;
// - every instance adds a `message` listener on window, never removed, that takes
//   `checkoutHash=…&height=…&scrollTop=…` only from the checkout's own origin and resizes the frame.
// Written from that description of its behaviour; none of MoonClerk's code is here.

/** The script's text; `faults` as for the stand-in's other embed.js (define=0, throw=constructor|display). */
export function publishedEmbedScript(origin, faults) {
  const url = new URL(origin)
  const config = JSON.stringify({
    host: url.host,
    ssl: url.protocol == 'https:',
    define: faults.define,
    throwIn: faults.throwIn,
  })
  return `// moonclerk-checkout local stand-in for MoonClerk's embed.js, published-copy mode
(function () {
  var config = ${config};
  var standIn = (window.__moonclerkStandIn = window.__moonclerkStandIn || { displays: [], executions: 0, listeners: 0 });
  standIn.executions++;
  standIn.mode = 'published';
  if (!config.define) return;

  function MoonclerkEmbed(opts) {
    if (!window.postMessage) throw 'MoonclerkEmbed requires postMessage';
    if (config.throwIn === 'constructor') throw new Error('stand-in: MoonclerkEmbed constructor failed');
    // What the caller gave, for tests to compare (not part of MoonClerk's behaviour).
    this.given = JSON.parse(JSON.stringify(opts));
    this.options = { checkoutToken: null, host: config.host, ssl: config.ssl, width: '100%', height: 0, cid: null };
    for (var key in opts) this.options[key] = opts[key];
    var self = this;
    window.addEventListener('message', function (event) { self.receive(event); }, false);
    standIn.listeners = (standIn.listeners || 0) + 1;
  }

  MoonclerkEmbed.prototype.origin = function () {
    return (this.options.ssl ? 'https' : 'http') + '://' + this.options.host;
  };

  // Raw concatenation, as published: nothing here is encoded.
  MoonclerkEmbed.prototype.frameUrl = function () {
    var o = this.options;
    var url = this.origin() + '/pay/index/' + o.checkoutToken + '?embed=true';
    if (o.cid) url += '&cid=' + o.cid;
    if (o.name) url += '&name=' + o.name;
    if (o.email) url += '&email=' + o.email;
    if (o.amount_cents) url += '&amount_cents=' + o.amount_cents;
    // Custom fields (2025 docs) are assumed to be treated as the other values: raw.
    for (var key in o.fields || {}) url += '&' + key + '=' + o.fields[key];
    return url;
  };

  MoonclerkEmbed.prototype.display = function () {
    var o = this.options;
    standIn.displays.push(this.given);
    if (config.throwIn === 'display') throw new Error('stand-in: display() failed');
    var width = /^\\d+$/.test(String(o.width)) ? o.width + 'px' : o.width;
    var url = this.frameUrl();
    document.getElementById('mc' + o.checkoutToken).innerHTML =
      '<iframe id="frame-mc' + o.checkoutToken + '" height="' + o.height + '" frameborder="0" scrolling="no" style="width:' + width +
      ';border:none;" src="' + url + '" allowtransparency="true"><a href="' + url + '">Complete Checkout</a></iframe>';
  };

  MoonclerkEmbed.prototype.receive = function (event) {
    if (event.origin !== this.origin() || typeof event.data != 'string') return;
    var data = {};
    event.data.split('&').forEach(function (pair) {
      var at = pair.indexOf('=');
      if (at > 0) data[pair.slice(0, at)] = pair.slice(at + 1);
    });
    var frame = document.getElementById('frame-mc' + data.checkoutHash);
    if (!frame) return;
    if (data.height) frame.height = data.height;
    if (data.scrollTop) frame.scrollIntoView();
  };

  window.MoonclerkEmbed = MoonclerkEmbed;
})();
`
}

/**
 * What the embedded checkout page runs under the published copy: it tells the frame's parent its
 * height, which the parent's embed.js accepts only from this origin. Served as a file, so the
 * pay page's CSP stays `script-src 'self'`.
 */
export const PAY_EMBED_SCRIPT = `(function () {
  var token = document.querySelector('[data-field=token]').textContent;
  parent.postMessage('checkoutHash=' + token + '&height=' + document.documentElement.scrollHeight, '*');
})();
`
