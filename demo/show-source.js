// Fills every <code data-source="/demo/…"> with that file's text, so a demo page shows the very
// code it runs rather than a copy that could drift.
document.querySelectorAll('code[data-source]').forEach(function (code) {
  fetch(code.getAttribute('data-source'))
    .then(function (response) {
      return response.text()
    })
    .then(function (text) {
      code.textContent = text
    })
})
