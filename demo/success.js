// Fills the success page's "Thank you" area from moonclerk:return. Text only (textContent): every
// value came from the address bar, which anyone can type.
;(function () {
  var heard = false

  // Each value in plain words; what a value means depends on who could have put it there.
  var EXPLAIN = {
    customId: function (value) {
      return value == null
        ? 'None came back: the checkout got no custom id, or the placeholder stayed unfilled.'
        : value
    },
    checkoutToken: function (value) {
      return value == null
        ? 'None came back.'
        : value + ' (look it up in the webhook payload or the API before trusting it)'
    },
    paymentId: function (value) {
      return value == null ? 'None (filled in for one-time checkouts only, by older MoonClerk forms).' : value
    },
    customerId: function (value) {
      return value == null ? 'None (filled in for recurring plans only, by older MoonClerk forms).' : value
    },
    cidMatches: function (value) {
      if (value === true) return 'Yes: this browser tab passed this custom id into a checkout.'
      if (value === false)
        return 'No: this tab passed other custom ids into its checkouts. The address may have been typed, shared or opened elsewhere.'
      return 'Unknown: this tab passed no custom id into any checkout (a new tab, or a checkout without one).'
    },
    repeated: function (value) {
      return value
        ? 'Yes: this tab has shown this return before (a reload, or Back). Do not count it twice.'
        : 'No: the first time this tab shows this return.'
    },
  }

  function show(detail) {
    heard = true
    var status = document.getElementById('thanks-status')
    var details = document.getElementById('thanks-details')
    status.textContent = detail.repeated
      ? 'You are back on the page MoonClerk sent you to after your checkout.'
      : 'MoonClerk sent you here after your checkout. We confirm the payment with MoonClerk before anything ships.'
    Object.keys(EXPLAIN).forEach(function (key) {
      details.querySelector('[data-return="' + key + '"]').textContent = EXPLAIN[key](detail[key])
    })
    details.hidden = false
  }

  // onReturn also delivers a return announced before this script ran; the plain event is the
  // fallback when the library is missing, so the page still says why nothing shows.
  if (window.MoonClerkCheckout) window.MoonClerkCheckout.onReturn(show)
  // load comes after DOMContentLoaded, when the library announces a return.
  window.addEventListener('load', function () {
    if (heard) return
    document.getElementById('thanks-status').textContent = window.MoonClerkCheckout
      ? 'No return from MoonClerk in this address: pay through the checkout on the demo page to get here with one.'
      : 'moonclerk-checkout did not load (run `npm run build`), so this page cannot read the return.'
  })
})()
