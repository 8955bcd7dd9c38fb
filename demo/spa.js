// The single-page app demo: ES modules straight from dist/ (an app would import
// 'moonclerk-checkout' and 'moonclerk-checkout/define' through its bundler). Client-side routes
// with history.pushState; each route's view mounts what it shows and undoes it when the route
// changes, so one embed.js serves every visit.
import { handleReturn, mount } from '/dist/moonclerk-checkout.mjs'
import '/dist/define.mjs' // registers <moonclerk-checkout>

// The ES module starts nothing and reads no script tag: page-wide defaults come from the global
// config. The demo server writes the stand-in's (or MoonClerk's) URLs into the page's meta tags.
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content
window.MoonClerkCheckoutConfig = { embedSrc: meta('moonclerk-embed-src'), payUrl: meta('moonclerk-pay-url') }

// What the app knows about the signed-in user.
const user = { checkoutId: '234', name: 'Leon Bridges', email: 'leon@example.com' }

const view = document.getElementById('view')
const status = document.getElementById('route-status')

/** Each route renders into `view` and returns its teardown. */
const routes = {
  '/demo/spa/': () => {
    view.append(
      paragraph(
        'Pick a route above. Watch the event log and the network panel: embed.js is fetched once, however often you come back.',
      ),
    )
    return () => {}
  },

  // mount() / handle.destroy(): what a React or Vue component does in its effect and cleanup.
  '/demo/spa/pay': () => {
    const handles = [
      ['8h7frjfytj', 'One-time payment'],
      ['k2m9q4zr7x', 'Monthly plan'],
    ].map(([token, title]) => {
      const box = document.createElement('div')
      box.className = 'checkout'
      view.append(heading(title), box)
      const handle = mount(box, { token, cid: user.checkoutId, name: user.name, email: user.email })
      handle.displayed.then(
        () => note(`${token}: displayed with cid ${handle.opts.cid}`),
        (error) => note(`${token}: not shown (${error.reason}); the link stays`),
      )
      return handle
    })
    return () => handles.forEach((handle) => handle.destroy())
  },

  // The element: it mounts when inserted and cleans up after itself when the route removes it.
  '/demo/spa/element': () => {
    const element = document.createElement('moonclerk-checkout')
    element.token = 'p5w3n8vd1c'
    element.cid = user.checkoutId
    element.amountCents = '2500'
    view.append(heading('<moonclerk-checkout token="p5w3n8vd1c" cid="234" amount-cents="2500">'), element)
    return () => element.remove()
  },

  // Where a form's redirect URL could point: handleReturn() below reads the return on every route change.
  '/demo/spa/thanks': () => {
    view.append(
      heading('Thank you'),
      paragraph('handleReturn() read this address; the moonclerk:return event is in the log below.'),
    )
    return () => {}
  },
}

let teardown = () => {}

function render() {
  teardown()
  view.textContent = ''
  status.textContent = ''
  const path = routes[location.pathname] ? location.pathname : '/demo/spa/'
  document.querySelectorAll('.spa-nav a').forEach((link) => {
    if (new URL(link.href).pathname == path) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  })
  teardown = routes[path]()
  // A client-side route change is no page load: the app asks for the return itself.
  const returned = handleReturn()
  if (returned) note(`moonclerk:return: custom id ${returned.customId}, cid matches: ${returned.cidMatches}`)
}

// Client-side navigation: same-origin links inside the app, plain clicks only.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element && event.target.closest('a[data-route]')
  if (!link || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return
  event.preventDefault()
  if (link.href != location.href) history.pushState(null, '', link.href)
  render()
})
window.addEventListener('popstate', render)
render()

function heading(text) {
  const h = document.createElement('h3')
  h.textContent = text
  return h
}
function paragraph(text) {
  const p = document.createElement('p')
  p.textContent = text
  return p
}
function note(text) {
  const line = document.createElement('div')
  line.textContent = text
  status.append(line)
}
