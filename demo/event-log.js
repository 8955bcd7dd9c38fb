// Fills the demo's event log: one line per moonclerk:* event that bubbles up to document.
// Text only (textContent): event details carry page-supplied values such as names and emails.
(function () {
  var TYPES = ['moonclerk:display', 'moonclerk:error', 'moonclerk:return']
  // Events can fire before the log element is parsed; keep them until it exists.
  var pending = []

  function line(event) {
    var item = document.createElement('li')
    item.className = 'event-' + event.type.replace('moonclerk:', '')
    var type = document.createElement('span')
    type.className = 'event-type'
    type.textContent = event.type
    item.appendChild(type)
    item.appendChild(document.createTextNode(' ' + JSON.stringify(event.detail)))
    return item
  }

  function append(event) {
    var log = document.getElementById('event-log')
    if (log) log.appendChild(line(event))
    else pending.push(event)
  }

  TYPES.forEach(function (type) {
    document.addEventListener(type, append)
  })
  document.addEventListener('DOMContentLoaded', function () {
    pending.splice(0).forEach(append)
  })
})()
