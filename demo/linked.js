// The linked-checkout demo: lists each checkout link's href as the page has it now, so the custom
// id and values the library adds show up as they arrive. Text only (textContent).
;(function () {
  var links = Array.prototype.slice.call(document.querySelectorAll('a[data-moonclerk-link]'))
  var list = document.getElementById('link-hrefs')
  function render() {
    list.textContent = ''
    links.forEach(function (link) {
      var item = document.createElement('li')
      item.textContent = link.getAttribute('href')
      list.appendChild(item)
    })
  }
  render()
  // The library sets the new href once the cid is known (it may come from an async function).
  var observer = new MutationObserver(render)
  links.forEach(function (link) {
    observer.observe(link, { attributes: true, attributeFilter: ['href'] })
  })
})()
