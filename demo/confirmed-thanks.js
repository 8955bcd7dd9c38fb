// Fills the success page's details from the library's events. Text only (textContent): the cid may
// have come from the address bar, which anyone can type. The states themselves need no script:
// demo.css follows data-moonclerk-payment.
;(function () {
  function show(name, text) {
    document.querySelector('[data-detail="' + name + '"]').textContent = text
    document.getElementById('confirm-details').hidden = false
  }
  // The queue of docs/frameworks.md: runs now if the library is there, else once it is (both load async).
  var mc = window.MoonClerkCheckout
  ;(mc && mc.push ? mc : (window.MoonClerkCheckout = [])).push(function (api) {
    api.onReturn(function (detail) {
      show('customId', detail.customId || 'none: this tab sent no custom id into a checkout')
      if (detail.customId)
        show(
          'source',
          detail.source == 'url' ? 'the address (the redirect filled it in)' : "this tab's memory of its checkout",
        )
    })
    api.onPaid(function (detail) {
      show('kind', detail.kind == 'plan' ? 'a plan' : 'a one-time payment')
    })
  })
})()
