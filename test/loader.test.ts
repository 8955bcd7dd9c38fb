import { afterEach, expect, test, vi } from 'vitest'
import { configure } from '../src/config'
import { loadEmbedScript } from '../src/loader'
import { arrive, captureScripts, fail, FakeEmbed, EMBED_SRC, settle } from './helpers'

afterEach(() => vi.useRealTimers())

test('concurrent calls add one script and share one result', async () => {
  const scripts = captureScripts()
  const src = EMBED_SRC
  const loads = [
    loadEmbedScript({ embedSrc: src }),
    loadEmbedScript({ embedSrc: src }),
    loadEmbedScript({ embedSrc: src }),
  ]
  expect(scripts).toHaveLength(1)
  expect(scripts[0].src).toBe(src)
  expect(scripts[0].async).toBe(true)
  arrive(scripts[0])
  expect(await Promise.all(loads)).toStrictEqual([FakeEmbed, FakeEmbed, FakeEmbed])
  await loadEmbedScript({ embedSrc: src })
  expect(scripts).toHaveLength(1)
})

test('loads nothing when MoonclerkEmbed already exists', async () => {
  const scripts = captureScripts()
  window.MoonclerkEmbed = FakeEmbed
  expect(await loadEmbedScript({ embedSrc: EMBED_SRC })).toBe(FakeEmbed)
  expect(scripts).toHaveLength(0)
})

test('waits for a stock snippet script already in the page instead of adding one', async () => {
  const src = EMBED_SRC
  const stock = document.createElement('script')
  stock.src = src
  document.body.append(stock)
  const scripts = captureScripts()
  const load = loadEmbedScript({ embedSrc: src })
  expect(scripts).toHaveLength(0)
  arrive(stock)
  expect(await load).toBe(FakeEmbed)
})

test('a relative src is resolved against the page', () => {
  const scripts = captureScripts()
  loadEmbedScript({ embedSrc: '/assets/embed.js?v=1' })
  expect(scripts[0].src).toBe('https://shop.example/assets/embed.js?v=1')
})

test('the injected script carries the nonce, for the page-wide embed.js URL', () => {
  const scripts = captureScripts()
  configure({ embedSrc: EMBED_SRC })
  loadEmbedScript({ embedSrc: EMBED_SRC, nonce: 'r4nd0m' })
  expect(scripts[0].getAttribute('nonce')).toBe('r4nd0m')
})

test("another URL, given to one call, loads without the page's nonce", () => {
  const scripts = captureScripts()
  configure({ embedSrc: EMBED_SRC })
  loadEmbedScript({ embedSrc: 'https://cdn.example/other/embed.js', nonce: 'r4nd0m' })
  expect(scripts[0].src).toBe('https://cdn.example/other/embed.js')
  expect(scripts[0].hasAttribute('nonce')).toBe(false)
})

test('a page that requires Trusted Types refuses another URL: invalid-config, and no script is added', async () => {
  const scripts = captureScripts()
  configure({ embedSrc: EMBED_SRC })
  // As Chromium does under require-trusted-types-for 'script': a plain string as a script's src throws.
  vi.stubGlobal('trustedTypes', {
    createPolicy: (_: string, rules: { createScriptURL(url: string): string }) => ({
      createScriptURL: (url: string) => ({ trusted: rules.createScriptURL(url), toString: () => url }),
    }),
  })
  const setter = vi.spyOn(HTMLScriptElement.prototype, 'src', 'set')
  setter.mockImplementation(function (this: HTMLScriptElement, value: string) {
    if (typeof value == 'string') throw new TypeError("This document requires 'TrustedScriptURL' assignment.")
    this.setAttribute('src', String(value))
  })
  try {
    await expect(loadEmbedScript({ embedSrc: 'https://evil.example/embed.js' })).rejects.toMatchObject({
      reason: 'invalid-config',
      message: expect.stringMatching(/embedSrc .*must be the page-wide embed\.js URL/),
    })
    expect(scripts).toStrictEqual([])
    loadEmbedScript({ embedSrc: EMBED_SRC })
    expect(scripts.map((script) => script.getAttribute('src'))).toStrictEqual([EMBED_SRC])
  } finally {
    setter.mockRestore()
    vi.unstubAllGlobals()
  }
})

test('a load error rejects with script-load, removes the dead tag, and the next call tries again', async () => {
  const scripts = captureScripts()
  const src = EMBED_SRC
  const first = loadEmbedScript({ embedSrc: src })
  const removed = vi.spyOn(scripts[0], 'remove')
  fail(scripts[0])
  await expect(first).rejects.toMatchObject({ reason: 'script-load', message: `${src} failed to load` })
  expect(removed).toHaveBeenCalled()
  await settle()
  const second = loadEmbedScript({ embedSrc: src })
  expect(scripts).toHaveLength(2)
  arrive(scripts[1])
  expect(await second).toBe(FakeEmbed)
})

test('loaded without defining MoonclerkEmbed rejects with embed-missing', async () => {
  const scripts = captureScripts()
  const load = loadEmbedScript({ embedSrc: EMBED_SRC })
  arrive(scripts[0], false)
  await expect(load).rejects.toMatchObject({
    reason: 'embed-missing',
    message: `${scripts[0].src} defined no MoonclerkEmbed`,
  })
})

test('without a nonce the script has no nonce attribute', () => {
  const scripts = captureScripts()
  loadEmbedScript({ embedSrc: EMBED_SRC })
  expect(scripts[0].hasAttribute('nonce')).toBe(false)
})

test("a stock snippet's script that fails stays where its author put it", async () => {
  const src = EMBED_SRC
  const stock = document.createElement('script')
  stock.src = src
  document.body.append(stock)
  const load = loadEmbedScript({ embedSrc: src })
  fail(stock)
  await expect(load).rejects.toMatchObject({ reason: 'script-load' })
  expect(stock.isConnected).toBe(true)
})

test('a script that takes longer than timeoutMs rejects with script-timeout; a late arrival serves the retry', async () => {
  vi.useFakeTimers()
  const scripts = captureScripts()
  const src = EMBED_SRC
  const load = loadEmbedScript({ embedSrc: src, timeoutMs: 500 })
  const outcome = load.then(
    () => 'loaded',
    (error) => error.reason,
  )
  await vi.advanceTimersByTimeAsync(499)
  expect(await Promise.race([outcome, 'pending'])).toBe('pending')
  const removed = vi.spyOn(scripts[0], 'remove')
  await vi.advanceTimersByTimeAsync(1)
  expect(await outcome).toBe('script-timeout')
  expect(removed).not.toHaveBeenCalled()
  await expect(load).rejects.toMatchObject({ message: `${src} took over 500 ms` })
  // The slow tag stays in place (it may still arrive), so the retry waits for it rather than adding one.
  document.body.append(scripts[0])
  const retry = loadEmbedScript({ embedSrc: src })
  expect(scripts).toHaveLength(1)
  arrive(scripts[0])
  expect(await retry).toBe(FakeEmbed)
})

test('the default timeout is 15 seconds', async () => {
  vi.useFakeTimers()
  captureScripts()
  const load = loadEmbedScript({ embedSrc: EMBED_SRC })
  let reason = ''
  load.catch((error) => (reason = error.reason))
  await vi.advanceTimersByTimeAsync(14999)
  expect(reason).toBe('')
  await vi.advanceTimersByTimeAsync(1)
  expect(reason).toBe('script-timeout')
})

// Before the Trusted Types test: the policy, once made, is kept for the module's life.
test('without Trusted Types, an element with the id trustedTypes (it shows through window) does not stop the load', async () => {
  const scripts = captureScripts()
  const shadow = document.createElement('div')
  vi.stubGlobal('trustedTypes', shadow)
  try {
    const load = loadEmbedScript({ embedSrc: EMBED_SRC })
    await settle()
    expect(scripts).toHaveLength(1)
    arrive(scripts[0])
    expect(await load).toBe(FakeEmbed)
  } finally {
    vi.unstubAllGlobals()
  }
})

test('under Trusted Types the src goes through one policy named moonclerk-checkout, which makes script URLs only of the URLs the loader checked, and is on no global', () => {
  const scripts = captureScripts()
  const created: string[] = []
  let rules: { createScriptURL(url: string): string } | undefined
  vi.stubGlobal('trustedTypes', {
    createPolicy: (name: string, given: { createScriptURL(url: string): string }) => {
      created.push(name)
      rules = given
      return { createScriptURL: (url: string) => given.createScriptURL(url) }
    },
  })
  const globalsBefore = Object.getOwnPropertySymbols(window).length
  try {
    configure({ embedSrc: 'https://cdn.example/2/embed.js' })
    loadEmbedScript({ embedSrc: EMBED_SRC })
    loadEmbedScript({ embedSrc: 'https://cdn.example/2/embed.js' })
    expect(created).toStrictEqual(['moonclerk-checkout'])
    expect(scripts.map((script) => script.src)).toStrictEqual([EMBED_SRC, 'https://cdn.example/2/embed.js'])
    // Were the policy reached, it would still refuse any URL the loader did not check and load,
    // and the URL given to one call was never approved: only the page-wide one.
    for (const url of [
      'data:text/javascript,alert(1)',
      'javascript:alert(1)',
      'http://cdn.example/embed.js',
      'https://evil.example/x.js',
      EMBED_SRC,
    ])
      expect(() => rules!.createScriptURL(url), url).toThrow(
        /embedSrc \(data-moonclerk-embed-src\) must be a URL the loader checked/,
      )
    expect(rules!.createScriptURL(scripts[1].src)).toBe(scripts[1].src)
    expect(Object.getOwnPropertySymbols(window)).toHaveLength(globalsBefore)
  } finally {
    vi.unstubAllGlobals()
  }
})

test.each([
  ['data:text/javascript,alert(1)'],
  ['javascript:alert(1)'],
  ['http://cdn.example/embed.js'],
  ['http://127.0.0.1.evil.example/embed.js'],
  ['//cdn.example:99999/embed.js'],
])('refuses the embed.js URL %s with invalid-config, and adds no script', async (embedSrc) => {
  const scripts = captureScripts()
  await expect(loadEmbedScript({ embedSrc })).rejects.toMatchObject({
    reason: 'invalid-config',
    message: expect.stringMatching(/^embedSrc .* must be an https: URL \(http: only for localhost\)/),
  })
  expect(scripts).toHaveLength(0)
})

test.each([
  'http://localhost:4321/assets/embed.js',
  'http://127.0.0.1/embed.js',
  'http://127.8.9.10/embed.js',
  'http://[::1]:8080/embed.js',
])('takes http: on this machine, for development: %s', (embedSrc) => {
  const scripts = captureScripts()
  loadEmbedScript({ embedSrc })
  expect(scripts[0].src).toBe(new URL(embedSrc).href)
})

test('an element named MoonclerkEmbed (<img name=…> shows through window) does not pass for MoonClerk', async () => {
  const scripts = captureScripts()
  ;(window as unknown as Record<string, unknown>).MoonclerkEmbed = document.createElement('img')
  const load = loadEmbedScript({ embedSrc: EMBED_SRC })
  expect(scripts).toHaveLength(1)
  arrive(scripts[0])
  expect(await load).toBe(FakeEmbed)
})
