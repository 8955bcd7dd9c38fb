// demo/cms-config.js: loaded before the library. No inline script: a strict CSP allows it.
window.MoonClerkCheckoutConfig = {
  // The custom id is a hashed id that the site's server makes for the signed-in user (MoonClerk
  // suggests a hash, so that real user ids stay out of URLs). The library starts loading embed.js
  // while this is pending; if it fails, the checkout is not shown (it would lose the id) and the
  // placeholder reports cid-unavailable.
  cid: async function () {
    const response = await fetch('/demo/api/checkout-id', { credentials: 'same-origin' })
    if (!response.ok) throw new Error('checkout id: HTTP ' + response.status)
    return response.text()
  },
  name: 'Leon Bridges',
  email: 'leon@example.com',
}
