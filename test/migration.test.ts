// docs/migrating.md ("Moving from the stock snippet"): every block marked
// `<!-- with moonclerk-checkout -->`, taken from the doc as it is and run. Script tags that load
// the library stand for mountAll() here; a module script's code runs as the page would run it.
import { readFileSync } from 'node:fs'
import { beforeEach, expect, test, vi } from 'vitest'
import { mountAll } from '../src/mount'
import { handleReturn } from '../src/return'
import { arrive, captureScripts, EMBED_SRC } from './helpers'

// Relative to the repository, where the tests run.
const section = readFileSync('docs/migrating.md', 'utf8')
const MARK = '<!-- with moonclerk-checkout -->'
const blocks = [...section.matchAll(/```html\n([^]*?)```/g)]
  .map((match) => match[1])
  .filter((block) => block.startsWith(MARK))

let scripts: HTMLScriptElement[]
beforeEach(() => {
  scripts = captureScripts()
  window.MoonClerkCheckoutConfig = { embedSrc: EMBED_SRC }
})

/** Puts `markup` into the page as a browser would, minus the library's script tags, and mounts it. */
async function run(markup: string) {
  const modules = [...markup.matchAll(/<script type="module">([^]*?)<\/script>/g)].map((match) => match[1])
  document.body.innerHTML = markup.replace(/<script[^]*?<\/script>/g, '')
  for (const code of modules) new Function(code)()
  const handles = mountAll()
  if (scripts.length) arrive(scripts[0])
  await Promise.all(handles.map((handle) => handle.displayed))
  return handles
}

test('docs/migrating.md shows five patterns, four of them as blocks run here', () => {
  expect(section.startsWith('# Moving from the stock snippet\n')).toBe(true)
  expect(section.match(/^\*\*\d\. /gm)).toHaveLength(5)
  expect(blocks).toHaveLength(4)
})

test('1. the plain snippet, replaced: the stock container and link, marked', async () => {
  const [handle] = await run(blocks[0])
  expect(handle.opts).toStrictEqual({ checkoutToken: '8h7frjfytj', width: '100%', cid: '234' })
  expect(document.querySelectorAll('#mc8h7frjfytj iframe')).toHaveLength(1)
})

test("3. a WordPress shortcode, marked: the checkout shows, the shortcode's link is kept in place", async () => {
  const [handle] = await run(blocks[1])
  expect(handle.opts).toStrictEqual({ checkoutToken: '8h7frjfytj', width: '100%' })
  expect(document.querySelector('div.button > a[target="_blank"]')).not.toBeNull()
})

test.each([
  [
    'signed in',
    { 'user.id': '234', 'user.name': 'Leon Bridges', 'user.email': 'leon@example.com' },
    { cid: '234', name: 'Leon Bridges', email: 'leon@example.com' },
  ],
  ['signed out', { 'user.id': '', 'user.name': '', 'user.email': '' }, {}],
])('4. a template, %s: values as they are, empty ones absent', async (_, user, values) => {
  vi.spyOn(console, 'warn').mockImplementation(() => {})
  const rendered = blocks[2].replace(/\{\{ (user\.\w+) \}\}/g, (_, key: keyof typeof user) => user[key])
  const [handle] = await run(rendered)
  expect(handle.opts).toStrictEqual({ checkoutToken: '8h7frjfytj', width: '100%', ...values })
})

test('5. a success page: the return goes to the server to be confirmed, and the page says what it answered', async () => {
  const posted: unknown[] = []
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    posted.push([url, JSON.parse(String(init.body))])
    return { ok: true }
  })
  try {
    await run(blocks[3])
    handleReturn({ url: 'https://shop.example/thanks?custom_id=234&checkout_token=tok_1' })
    await vi.waitFor(() =>
      expect(document.getElementById('status')!.textContent).toBe('Thank you: your payment is confirmed.'),
    )
    expect(posted).toMatchObject([['/api/confirm', { customId: '234', checkoutToken: 'tok_1' }]])
  } finally {
    vi.unstubAllGlobals()
  }
})
