// The demo's event log, on every demo page: this script adds the panel itself (one copy of its
// markup for all pages) and writes one line per moonclerk:* event that bubbles up to document.
// Text only (textContent): event details carry page-supplied values such as names and emails.
;(function () {
  var TYPES = ['moonclerk:display', 'moonclerk:error', 'moonclerk:return', 'moonclerk:paid', 'moonclerk:unconfirmed']
  // Events can fire before the page is parsed and the panel exists; keep them until then.
  var pending = []
  var log = null

  function element(tag, attributes, text) {
    var node = document.createElement(tag)
    for (var name in attributes) node.setAttribute(name, attributes[name])
    if (text) node.textContent = text
    return node
  }

  function panel() {
    var section = element('section', { class: 'log', 'aria-labelledby': 'log-title' })
    section.appendChild(element('h2', { id: 'log-title' }, 'Events'))
    var intro = element('p')
    intro.append(
      'Every ',
      element('code', {}, 'moonclerk:*'),
      ' event that reaches ',
      element('code', {}, 'document'),
      ', with its ',
      element('code', {}, 'detail'),
      '.',
    )
    section.appendChild(intro)
    var list = element('ol', { id: 'event-log', 'aria-live': 'polite' })
    section.appendChild(list)
    document.body.appendChild(section)
    return list
  }

  function line(event) {
    var item = element('li', { class: 'event-' + event.type.replace('moonclerk:', '') })
    item.appendChild(element('span', { class: 'event-type' }, event.type))
    item.appendChild(document.createTextNode(' ' + JSON.stringify(event.detail)))
    return item
  }

  function append(event) {
    if (log) log.appendChild(line(event))
    else pending.push(event)
  }

  TYPES.forEach(function (type) {
    document.addEventListener(type, append)
  })
  function ready() {
    log = panel()
    pending.splice(0).forEach(append)
  }
  // Listeners added before the library's own DOMContentLoaded work, so no event is missed either way.
  if (document.readyState == 'loading') document.addEventListener('DOMContentLoaded', ready)
  else ready()
})()
