// @vitest-environment node
// Pure functions: they must work without a DOM, as on a server.
import { describe, expect, test } from 'vitest'
import { buildOpts, checkoutUrl } from '../src/opts'

describe('buildOpts', () => {
  test('returns exactly the stock snippet opts, values unencoded', () => {
    expect(
      buildOpts({
        token: '8h7frjfytj',
        cid: '2-4757546-456',
        name: 'Leon Bridges',
        email: 'leon@example.com',
        amountCents: 1000,
      }),
    ).toStrictEqual({
      checkoutToken: '8h7frjfytj',
      width: '100%',
      cid: '2-4757546-456',
      name: 'Leon Bridges',
      email: 'leon@example.com',
      amount_cents: 1000,
    })
  })

  test('adds only what is given; width defaults to 100%', () => {
    expect(buildOpts({ token: 'abc123' })).toStrictEqual({ checkoutToken: 'abc123', width: '100%' })
    expect(buildOpts({ token: 'abc123', width: '480px', name: '', email: '' })).toStrictEqual({
      checkoutToken: 'abc123',
      width: '480px',
    })
  })

  test('a numeric cid becomes a string, an attribute amount an integer', () => {
    expect(buildOpts({ token: 'a1', cid: 234, amountCents: ' 0250 ' })).toMatchObject({ cid: '234', amount_cents: 250 })
  })

  test('keeps values exactly as given when they mean the same encoded or not: letters, digits, spaces inside, most punctuation', () => {
    const value = "O'Brien ü 日本 🎉 -._~ @ ! $ ' ( ) * , : = / ? [ ] \\ ^ ` { | }"
    expect(buildOpts({ token: 'a1', cid: value, name: value, email: value })).toMatchObject({
      cid: value,
      name: value,
      email: value,
    })
  })

  // MoonClerk's published embed.js puts values unencoded into its frame's URL, inside markup.
  test.each([
    ['a quote, which would end the markup attribute', '"><img src=x onerror=alert(1)>'],
    ['<, which would end the frame element', '</iframe><img src=x onerror=alert(1)>'],
    ['> alone', 'a>b'],
    ['&, which starts another parameter', 'a&b'],
    ['#, which starts the fragment', 'a#b'],
    ['+, which MoonClerk reads as a space', 'leon+a@example.com'],
    ['%, which MoonClerk decodes', 'Leon%20Bridges'],
    [';, where older servers split parameters too', 'a;name=b'],
    ['a newline, which the URL parser drops', 'a\nb'],
    ['a tab', 'a\tb'],
    ['NUL', 'a\0b'],
    ['DEL', 'a\x7fb'],
    ['a space at the start', ' a'],
    ['a space at the end', 'a '],
    ['a lone high surrogate', 'a\ud83c'],
    ['a lone low surrogate', '\udf89b'],
  ])('refuses %s, in cid, name and email', (_, value) => {
    for (const key of ['cid', 'name', 'email'])
      expect(() => buildOpts({ token: 'a1', [key]: value }), key).toThrow(
        new RegExp(
          `^${key} \\(data-moonclerk-${key}\\) must be free of " # % & \\+ ; < >, control characters and end spaces`,
        ),
      )
  })

  test('the refused values still reach the hosted checkout exactly, URL-encoded', () => {
    const value = '"><b>a&b#c+d% e\n'
    const url = new URL(checkoutUrl('a1', { cid: value, name: value, email: value }))
    for (const key of ['cid', 'name', 'email']) expect(url.searchParams.get(key)).toBe(value)
  })

  test.each(['100%', '480px', '600', '33.5em', '33.25em', 600])('takes the width %j', (width) => {
    expect(buildOpts({ token: 'a1', width: width as string }).width).toBe(String(width))
  })

  test.each(['100%;position:fixed', '100%" onload="x', 'calc(100% - 2em)', 'wide', '-100px', '1e2'])(
    'refuses the width %j, which MoonClerk would write into a style attribute',
    (width) => {
      expect(() => buildOpts({ token: 'a1', width })).toThrow(
        /^width \(data-moonclerk-width\) must be a CSS length such as 100% or 600px/,
      )
    },
  )

  test.each([
    [{ token: '' }, /token \(data-moonclerk-checkout\) must be letters and digits, got ""/],
    [{}, /token .* got undefined/],
    [{ token: '8h7-frj' }, /letters and digits, got "8h7-frj"/],
    [{ token: 'a1', cid: '' }, /cid \(data-moonclerk-cid\) must be a non-empty string/],
    [{ token: 'a1', cid: '   ' }, /cid .* non-empty/],
    [{ token: 'a1', cid: NaN }, /cid .* finite number/],
    [{ token: 'a1', amountCents: 0 }, /amountCents \(data-moonclerk-amount-cents\) must be a positive integer, got 0/],
    [{ token: 'a1', amountCents: -5 }, /positive integer/],
    [{ token: 'a1', amountCents: 10.5 }, /positive integer, got 10.5/],
    [{ token: 'a1', amountCents: '10.50' }, /positive integer, got "10.50"/],
    [{ token: 'a1', amountCents: '1e3' }, /positive integer/],
    [{ token: 'a1', amountCents: '' }, /positive integer/],
    [{ token: 'a1', amountCents: 2 ** 60 }, /positive integer/],
  ])('rejects %j with an invalid-config error naming the attribute', (input, message) => {
    expect(() => buildOpts(input)).toThrow(message)
    try {
      buildOpts(input)
    } catch (error) {
      expect((error as { reason: string }).reason).toBe('invalid-config')
    }
  })
})

describe('buildOpts: custom fields', () => {
  test("as opts.fields, keyed by MoonClerk's parameter names", () => {
    expect(
      buildOpts({ token: 'a1', fields: { hat_size: 'L', address: { line1: '123 Main St' } } }).fields,
    ).toStrictEqual({
      'fields[hat_size]': 'L',
      'fields[address][line1]': '123 Main St',
    })
  })

  test('several values of one checkbox field: an object holds one, the last', () => {
    expect(buildOpts({ token: 'a1', fields: { interests: ['sports', 'music'] } }).fields).toStrictEqual({
      'fields[interests][]': 'music',
    })
  })

  test('a value embed.js would alter, or a name that is no field name, is invalid-config', () => {
    expect(() => buildOpts({ token: 'a1', fields: { hat_size: 'L&XL' } })).toThrow(
      /^fields \(data-moonclerk-fields\): fields\[hat_size\] must be free of/,
    )
    expect(() => buildOpts({ token: 'a1', fields: 'a]=1' })).toThrow(
      'fields (data-moonclerk-fields): "a]" is no field name',
    )
  })

  test('no fields, no opts.fields', () => {
    expect(buildOpts({ token: 'a1', fields: {} })).toStrictEqual({ checkoutToken: 'a1', width: '100%' })
  })
})

describe('checkoutUrl', () => {
  test('is the hosted checkout with every value URL-encoded', () => {
    expect(
      checkoutUrl('8h7frjfytj', { cid: '234', name: 'Leon Bridges', email: 'leon@example.com', amountCents: 1000 }),
    ).toBe(
      'https://app.moonclerk.com/pay/8h7frjfytj?cid=234&name=Leon+Bridges&email=leon%40example.com&amount_cents=1000',
    )
  })

  test('encodes characters that would break the query', () => {
    const url = new URL(checkoutUrl('a1', { cid: 'a&b=c#d?e' }))
    expect(url.searchParams.get('cid')).toBe('a&b=c#d?e')
    expect(url.hash).toBe('')
  })

  test('uses another pay URL and no query without values', () => {
    expect(checkoutUrl('a1', { payUrl: 'http://127.0.0.1:9/pay/' })).toBe('http://127.0.0.1:9/pay/a1')
  })

  test("seeds custom fields as MoonClerk documents them: fields[key], address parts, a checkbox's repeated []", () => {
    const url = checkoutUrl('a1', {
      cid: '1',
      fields: {
        hat_size: 'L & XL',
        seats: 2,
        address: { line1: '123 Main St', country_code: 'US' },
        interests: ['sports', 'music'],
      },
    })
    expect([...new URL(url).searchParams]).toStrictEqual([
      ['cid', '1'],
      ['fields[hat_size]', 'L & XL'],
      ['fields[seats]', '2'],
      ['fields[address][line1]', '123 Main St'],
      ['fields[address][country_code]', 'US'],
      ['fields[interests][]', 'sports'],
      ['fields[interests][]', 'music'],
    ])
    expect(url).toContain('fields%5Bhat_size%5D=L+%26+XL')
  })

  test('takes fields in the query form too, with or without fields[…] around each key', () => {
    const url = checkoutUrl('a1', {
      fields: 'hat_size=L&fields[address][line1]=123 Main St&interests[]=sports&interests[]=music',
    })
    expect([...new URL(url).searchParams]).toStrictEqual([
      ['fields[hat_size]', 'L'],
      ['fields[address][line1]', '123 Main St'],
      ['fields[interests][]', 'sports'],
      ['fields[interests][]', 'music'],
    ])
  })

  test.each([
    ['a[b', 'fields (data-moonclerk-fields): "a[b" is no field name'],
    ['=x', 'fields (data-moonclerk-fields): "" is no field name'],
    ['a b=x', 'fields (data-moonclerk-fields): "a b" is no field name'],
  ])('refuses the field %s, naming it', (fields, message) => {
    expect(() => checkoutUrl('a1', { fields })).toThrow(message)
  })

  test('validates like buildOpts', () => {
    expect(() => checkoutUrl('bad token')).toThrow(/letters and digits/)
  })

  test('a custom field given as undefined (from plain JavaScript) is left out', () => {
    expect(checkoutUrl('a1', { fields: { hat_size: undefined as unknown as string, seats: 2 } })).toBe(
      'https://app.moonclerk.com/pay/a1?fields%5Bseats%5D=2',
    )
  })

  test.each(['http://shop.example/pay/', 'web+https://shop.example/pay/', 'web+http://localhost/pay/'])(
    'refuses the pay URL %s, naming payUrl: https only, http only on this machine',
    (payUrl) => {
      expect(() => checkoutUrl('a1', { payUrl })).toThrow(
        /^payUrl \(data-moonclerk-pay-url\) must be an https: URL \(http: only for localhost\)/,
      )
    },
  )
})
