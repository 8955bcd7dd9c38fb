import { expect, test, vi } from 'vitest'
import { mount, mountAll } from '../src/mount'
import { start } from '../src/start'
import { arrive, captureScripts, FakeEmbed, EMBED_SRC, scriptTag, settle } from './helpers'

/** Runs start() as if from our own <script> tag carrying `attributes`. */
function startFrom(attributes: Record<string, string>) {
  const script = scriptTag(attributes)
  document.body.append(script)
  vi.spyOn(Document.prototype, 'currentScript', 'get').mockReturnValue(script)
  start()
  return script
}

test('mounts every placeholder with the script tag as page-wide source', async () => {
  const scripts = captureScripts()
  document.body.innerHTML =
    '<div data-moonclerk-checkout="a1"></div><div data-moonclerk-checkout="b2" data-moonclerk-cid="own"></div>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-cid': 'page-wide' })
  expect(scripts).toHaveLength(1)
  arrive(scripts[0])
  await settle()
  expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['page-wide', 'own'])
})

test('an element named currentScript (<img name=…> shows through document) does not hide our script tag', async () => {
  const scripts = captureScripts()
  document.body.innerHTML = '<img name="currentScript"><div data-moonclerk-checkout="a1"></div>'
  Object.defineProperty(document, 'currentScript', { value: document.querySelector('img'), configurable: true })
  try {
    startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-cid': 'page-wide', nonce: 'n0nce' })
    expect(scripts[0].getAttribute('nonce')).toBe('n0nce')
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['page-wide'])
  } finally {
    delete (document as unknown as Record<string, unknown>).currentScript
  }
})

test('elements named like the document members the library uses (head, baseURI, querySelectorAll, createElement, …) stop no checkout', async () => {
  const scripts = captureScripts()
  document.body.innerHTML = '<div data-moonclerk-checkout="a1"></div>'
  const displayed: string[] = []
  document.addEventListener('moonclerk:display', (event) => displayed.push(event.detail.token))
  // What `<img name="head">` and its like do in a browser: the element shadows the member on document itself.
  // Not documentElement, addEventListener or dispatchEvent: happy-dom itself reads those from the
  // instance. The e2e fixture clobbered-document.html shadows them in Chromium.
  const names = [
    'head',
    'baseURI',
    'querySelectorAll',
    'querySelector',
    'getElementById',
    'createElement',
    'scripts',
    'currentScript',
    'readyState',
    'adoptedStyleSheets',
  ]
  const shadow = document.createElement('img')
  const script = scriptTag({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-cid': 'page-wide' })
  document.body.append(script)
  vi.spyOn(Document.prototype, 'currentScript', 'get').mockReturnValue(script)
  for (const name of names) Object.defineProperty(document, name, { value: shadow, configurable: true })
  try {
    start()
    expect(scripts).toHaveLength(1)
    arrive(scripts[0])
    await settle()
    expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['page-wide'])
    expect(displayed).toStrictEqual(['a1'])
  } finally {
    for (const name of names) delete (document as unknown as Record<string, unknown>)[name]
  }
})

test('running twice mounts nothing twice, and the first script tag keeps the page-wide settings', async () => {
  const scripts = captureScripts()
  document.body.innerHTML = '<div data-moonclerk-checkout="a1"></div>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-cid': 'first' })
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-cid': 'second' })
  expect(scripts).toHaveLength(1)
  document.body.insertAdjacentHTML('beforeend', '<div data-moonclerk-checkout="b2"></div>')
  mountAll()
  arrive(scripts[0])
  await settle()
  expect(FakeEmbed.displayed.map((opts) => opts.cid)).toStrictEqual(['first', 'first'])
  expect(document.querySelectorAll('#mca1')).toHaveLength(1)
})

test('while the page parses, mounts what is parsed at once (loading embed.js) and the rest at DOMContentLoaded', async () => {
  const scripts = captureScripts()
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  document.body.innerHTML = '<div data-moonclerk-checkout="a1"></div>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, nonce: 'abc' })
  expect(scripts).toHaveLength(1)
  expect(scripts[0].getAttribute('nonce')).toBe('abc')
  expect(document.querySelectorAll('[data-moonclerk-container]')).toHaveLength(1)
  document.body.insertAdjacentHTML('beforeend', '<div data-moonclerk-checkout="b2"></div>')
  document.dispatchEvent(new Event('DOMContentLoaded'))
  expect(document.querySelectorAll('[data-moonclerk-container]')).toHaveLength(2)
  arrive(scripts[0])
  await settle()
  expect(FakeEmbed.displayed).toHaveLength(2)
})

test('while the page parses, a placeholder mounts as soon as the parser is done with it, never before', async () => {
  const scripts = captureScripts()
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  // The parser has written the placeholder's start tag, its link is still on its way.
  const placeholder = document.createElement('div')
  placeholder.setAttribute('data-moonclerk-checkout', 'a1')
  document.body.append(placeholder)
  await settle()
  expect(placeholder.hasAttribute('data-moonclerk-state')).toBe(false)
  placeholder.insertAdjacentHTML('beforeend', '<a href="https://app.moonclerk.com/pay/a1">Pay for the workshop</a>')
  await settle()
  expect(scripts).toHaveLength(0)
  // Something follows it: its content is complete, and it mounts before the page has parsed.
  document.body.insertAdjacentHTML('beforeend', '<p>More of the page</p>')
  await vi.waitFor(() => expect(placeholder.getAttribute('data-moonclerk-state')).toBe('loading'))
  expect(scripts).toHaveLength(1)
  // The author's link is the fallback: none was added beside it.
  expect([...placeholder.querySelectorAll('a')].map((a) => a.textContent)).toStrictEqual(['Pay for the workshop'])
  document.dispatchEvent(new Event('DOMContentLoaded'))
})

test('while the page parses, a widget a script appends to <body> does not make a placeholder inside an open section complete', async () => {
  captureScripts()
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  document.body.innerHTML = '<main></main>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-cid': 'u-42' })
  const main = document.querySelector('main')!
  // A consent banner appended to <body> while <main> is still being parsed.
  document.body.append(document.createElement('aside'))
  const placeholder = document.createElement('div')
  placeholder.setAttribute('data-moonclerk-checkout', 'a1')
  main.append(placeholder)
  await settle()
  expect(placeholder.hasAttribute('data-moonclerk-state')).toBe(false)
  placeholder.insertAdjacentHTML('beforeend', '<a href="https://app.moonclerk.com/pay/a1">My Payment Form</a>')
  main.insertAdjacentHTML('beforeend', '<p>More of the page</p>')
  await vi.waitFor(() => expect(placeholder.getAttribute('data-moonclerk-state')).toBe('loading'))
  // The author's link is the one that carries the cid; none was added.
  expect([...placeholder.querySelectorAll('a')].map((a) => a.href)).toStrictEqual([
    'https://app.moonclerk.com/pay/a1?cid=u-42',
  ])
  document.dispatchEvent(new Event('DOMContentLoaded'))
})

test("the page's own mount() with options takes over a placeholder start-up mounted while parsing; without options it gets that checkout", async () => {
  const scripts = captureScripts()
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  document.body.innerHTML = '<div id="pay" data-moonclerk-checkout="a1"></div><p>after</p>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  const started = mountAll()[0]
  expect(mount('#pay')).toBe(started)
  // An inline script after the placeholder: <script>MoonClerkCheckout.mount('#pay', { cid: 'user-42' })</script>
  const own = mount('#pay', { cid: 'user-42' })
  expect(own).not.toBe(started)
  expect(mount('#pay', { cid: 'other' })).toBe(own)
  arrive(scripts[0])
  await own.displayed
  expect(FakeEmbed.displayed).toStrictEqual([{ checkoutToken: 'a1', width: '100%', cid: 'user-42' }])
  expect(document.querySelectorAll('#mca1')).toHaveLength(1)
  document.dispatchEvent(new Event('DOMContentLoaded'))
})

test('at DOMContentLoaded it stops watching the page', async () => {
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  document.dispatchEvent(new Event('DOMContentLoaded'))
  document.body.insertAdjacentHTML(
    'beforeend',
    '<div data-moonclerk-checkout="a1"></div><p>added by a script later</p>',
  )
  await settle()
  expect(document.querySelector('[data-moonclerk-state]')).toBeNull()
})

test('embed.js is requested once the checkout has passed its checks, before its link gets the values and the tab remembers the cid', () => {
  sessionStorage.clear()
  const atRequest: Array<[string, string | null]> = []
  const append = document.head.appendChild.bind(document.head)
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T) => {
    if (node instanceof HTMLScriptElement)
      atRequest.push([document.querySelector('a')!.href, sessionStorage.getItem('moonclerk-checkout:cids')])
    else append(node)
    return node
  })
  document.body.innerHTML = '<div data-moonclerk-checkout="a1" data-moonclerk-cid="7"></div>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  expect(atRequest).toStrictEqual([['https://app.moonclerk.com/pay/a1', null]])
  expect(document.querySelector('a')!.href).toBe('https://app.moonclerk.com/pay/a1?cid=7')
  expect(sessionStorage.getItem('moonclerk-checkout:cids')).toBe('["7"]')
})

test.each([
  [
    'a cid embed.js would alter',
    '<div data-moonclerk-checkout="a1" data-moonclerk-cid="a&b"></div>',
    {},
    'invalid-config',
  ],
  [
    'a pay URL that is not https:',
    '<div data-moonclerk-checkout="a1"></div>',
    { 'data-moonclerk-pay-url': 'http://app.moonclerk.com/pay/' },
    'invalid-config',
  ],
  [
    "a stock snippet's container of the same form elsewhere on the page",
    '<div id="mca1"></div><div data-moonclerk-checkout="a1"></div>',
    {},
    'duplicate-token',
  ],
])('a checkout that cannot show requests nothing: %s', async (_, markup, attributes, reason) => {
  const scripts = captureScripts()
  const errors: string[] = []
  document.addEventListener('moonclerk:error', (event) => errors.push(event.detail.reason))
  document.body.innerHTML = markup
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, ...attributes })
  await settle()
  expect(scripts).toHaveLength(0)
  expect(errors).toStrictEqual([reason])
})

test('nothing is requested for lazy placeholders before intent, nor for unusable tokens or load values; each checkout reports its own', async () => {
  const scripts = captureScripts()
  const errors: string[] = []
  document.addEventListener('moonclerk:error', (event) => errors.push(event.detail.reason))
  document.body.innerHTML =
    '<div data-moonclerk-checkout="a1" data-moonclerk-load="click"></div><div data-moonclerk-checkout="not a token"></div><div data-moonclerk-checkout="c3" data-moonclerk-load="Eager"></div>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  await settle()
  expect(scripts).toHaveLength(0)
  expect(errors).toStrictEqual(['invalid-config', 'invalid-config'])
})

test('an unusable page-wide timeout requests nothing either; the checkout reports it', async () => {
  const scripts = captureScripts()
  const errors: string[] = []
  document.addEventListener('moonclerk:error', (event) => errors.push(event.detail.reason))
  document.body.innerHTML = '<div data-moonclerk-checkout="d4"></div>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC, 'data-moonclerk-timeout': 'soon' })
  await settle()
  expect(scripts).toHaveLength(0)
  expect(errors).toStrictEqual(['invalid-config'])
})

test('after the page has parsed, start-up mounts every placeholder at once, the last element of the page too', async () => {
  document.body.innerHTML = '<p>Intro</p><div data-moonclerk-checkout="a1"></div>'
  // Our script tag in <head>: nothing follows the placeholder, as at the end of many pages.
  const script = scriptTag({ 'data-moonclerk-embed-src': EMBED_SRC })
  document.head.append(script)
  const scripts = captureScripts()
  vi.spyOn(Document.prototype, 'currentScript', 'get').mockReturnValue(script)
  start()
  expect(document.querySelector('[data-moonclerk-checkout]')!.getAttribute('data-moonclerk-state')).toBe('loading')
  arrive(scripts[0])
  await settle()
  expect(FakeEmbed.displayed).toHaveLength(1)
  script.remove()
})

test("our script tag's placeholder-only attributes (width, amount) are not page-wide", async () => {
  const scripts = captureScripts()
  document.body.innerHTML = '<div data-moonclerk-checkout="a1"></div>'
  startFrom({
    'data-moonclerk-embed-src': EMBED_SRC,
    'data-moonclerk-width': '300px',
    'data-moonclerk-amount-cents': '500',
    'data-moonclerk-cid': 'page-wide',
  })
  arrive(scripts[0])
  await settle()
  expect(FakeEmbed.displayed).toStrictEqual([{ checkoutToken: 'a1', width: '100%', cid: 'page-wide' }])
})

test('while the page parses, a placeholder that ends its section mounts once something follows the section', async () => {
  captureScripts()
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  document.body.innerHTML = '<main><section><h2>Join</h2></section></main>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  const placeholder = document.createElement('div')
  placeholder.setAttribute('data-moonclerk-checkout', 'a1')
  document.querySelector('section')!.append(placeholder)
  await settle()
  expect(placeholder.hasAttribute('data-moonclerk-state')).toBe(false)
  // The parser closes the section and goes on with the next one: the placeholder is complete.
  document.querySelector('main')!.insertAdjacentHTML('beforeend', '<section><p>More of the page</p></section>')
  await vi.waitFor(() => expect(placeholder.getAttribute('data-moonclerk-state')).toBe('loading'))
  document.dispatchEvent(new Event('DOMContentLoaded'))
})

test('a page that is no return hears no moonclerk:return', async () => {
  const heard: unknown[] = []
  document.addEventListener('moonclerk:return', (event) => heard.push(event.detail))
  document.body.innerHTML = '<p>No checkout here</p>'
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  await settle()
  expect(heard).toStrictEqual([])
})

test('a page without checkouts loads nothing', () => {
  const scripts = captureScripts()
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  document.dispatchEvent(new Event('DOMContentLoaded'))
  expect(scripts).toHaveLength(0)
})

test('the one-tag replacement: our script tag is also the placeholder', async () => {
  const scripts = captureScripts()
  const script = startFrom({
    'data-moonclerk-embed-src': EMBED_SRC,
    'data-moonclerk-checkout': 'a1',
    'data-moonclerk-cid': '7',
  })
  arrive(scripts[0])
  await settle()
  expect(script.nextElementSibling!.querySelector('#mca1 iframe')).not.toBeNull()
  expect(FakeEmbed.displayed[0]).toStrictEqual({ checkoutToken: 'a1', width: '100%', cid: '7' })
})

test('a return is read at once but announced at DOMContentLoaded, before this page records its own cids', async () => {
  const scripts = captureScripts()
  sessionStorage.clear()
  history.replaceState(null, '', '/thanks?custom_id=own-cid&checkout_token=t9')
  vi.spyOn(Document.prototype, 'readyState', 'get').mockReturnValue('loading')
  document.body.innerHTML = '<div data-moonclerk-checkout="a1" data-moonclerk-cid="own-cid"></div>'
  const heard: unknown[] = []
  startFrom({ 'data-moonclerk-embed-src': EMBED_SRC })
  arrive(scripts[0])
  await settle()
  // A script later in the page subscribes the plain way, and still hears it.
  document.addEventListener('moonclerk:return', (event) => heard.push(event.detail), { once: true })
  document.dispatchEvent(new Event('DOMContentLoaded'))
  expect(heard).toStrictEqual([
    {
      customId: 'own-cid',
      checkoutToken: 't9',
      paymentId: null,
      customerId: null,
      cidMatches: null,
      repeated: false,
      source: 'url',
    },
  ])
  history.replaceState(null, '', '/checkout/')
})

test('decorates marked links on start', async () => {
  document.body.innerHTML = '<a href="https://app.moonclerk.com/pay/a1" data-moonclerk-link>Pay</a>'
  startFrom({ 'data-moonclerk-cid': '42' })
  await settle()
  expect(document.querySelector('a')!.href).toBe('https://app.moonclerk.com/pay/a1?cid=42')
})

test("where the page's scripts carry nonces, a copy whose tag has none does not start; the site's copy, with the nonce, does", async () => {
  const scripts = captureScripts()
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  document.body.innerHTML = '<div data-moonclerk-checkout="a1"><a href="https://app.moonclerk.com/pay/a1">Pay</a></div>'
  const site = scriptTag({ nonce: 'n0nce', src: '/site.js' })
  site.nonce = 'n0nce'
  document.body.prepend(site)
  try {
    // Injected where the CSP also allows 'self', parser-inserted (not async), with a made-up nonce:
    // it would point the fallback link off MoonClerk.
    const injected = scriptTag({
      'data-moonclerk-pay-url': 'https://evil.example/pay/',
      'data-moonclerk-embed-src': 'https://evil.example/embed.js',
      nonce: 'forged',
    })
    injected.nonce = 'forged'
    injected.async = false
    document.body.append(injected)
    vi.spyOn(Document.prototype, 'currentScript', 'get').mockReturnValue(injected)
    start()
    expect(scripts).toStrictEqual([])
    expect(document.querySelector('a')!.href).toBe('https://app.moonclerk.com/pay/a1')
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/without the page's nonce did not start/))
    const own = scriptTag({ 'data-moonclerk-embed-src': EMBED_SRC, nonce: 'n0nce' })
    own.nonce = 'n0nce'
    own.async = false
    document.body.append(own)
    vi.spyOn(Document.prototype, 'currentScript', 'get').mockReturnValue(own)
    start()
    expect(scripts.map((script) => script.src)).toStrictEqual([EMBED_SRC])
  } finally {
    site.remove()
  }
})

test("a copy inserted by the page's own script (a tag manager under 'strict-dynamic') starts without the nonce", () => {
  const scripts = captureScripts()
  document.body.innerHTML = '<div data-moonclerk-checkout="a1"></div>'
  const site = scriptTag({ src: '/site.js' })
  site.nonce = 'n0nce'
  document.body.prepend(site)
  // A browser's createElement('script') is async without an async attribute (the "force async"
  // flag): the mark of a script-inserted tag. happy-dom has no such flag, so the test sets it.
  const inserted = scriptTag({ 'data-moonclerk-embed-src': EMBED_SRC })
  Object.defineProperty(inserted, 'async', { value: true })
  document.body.append(inserted)
  vi.spyOn(Document.prototype, 'currentScript', 'get').mockReturnValue(inserted)
  start()
  expect(scripts.map((script) => script.src)).toStrictEqual([EMBED_SRC])
  site.remove()
})
