// @vitest-environment node
// The value plan (src/values.ts), rule by rule: each value × where it goes (MoonClerk's embed, the
// link to the hosted checkout) × how it is planned (a checkout in a page: lenient, with warnings;
// buildOpts()/checkoutUrl(): strict) → what MoonClerk gets, what the link carries, which warning,
// which refusal. One row per rule: a new rule is a new row.
import { describe, expect, test } from 'vitest'
import { planValues } from '../src/values'
import type { OptsInput } from '../src/types'

interface Row {
  rule: string
  given: Omit<OptsInput, 'token'>
  /** In a page: MoonClerk's opts (null: refused, see `error`), the link's values and fields, the warnings (patterns, in order). */
  page: {
    opts: Record<string, unknown> | null
    link: Record<string, unknown>
    fields?: Array<[string, string]>
    warnings?: RegExp[]
    error?: RegExp
  }
  /** buildOpts(): the opts, or the refusal's pattern. */
  strict: Record<string, unknown> | RegExp
}

const BASE = { checkoutToken: 'a1', width: '100%' }

const rows: Row[] = [
  { rule: 'no values: the token and the default width', given: {}, page: { opts: BASE, link: {} }, strict: BASE },
  {
    rule: 'a cid as given',
    given: { cid: '2-4757546-456' },
    page: { opts: { ...BASE, cid: '2-4757546-456' }, link: { cid: '2-4757546-456' } },
    strict: { ...BASE, cid: '2-4757546-456' },
  },
  {
    rule: 'a numeric cid as its digits',
    given: { cid: 234 },
    page: { opts: { ...BASE, cid: '234' }, link: { cid: '234' } },
    strict: { ...BASE, cid: '234' },
  },
  {
    rule: 'an empty cid (a signed-out visitor): left out in a page, refused by buildOpts',
    given: { cid: ' ' },
    page: { opts: BASE, link: {}, warnings: [/^cid \(data-moonclerk-cid\) is empty: the checkout runs without/] },
    strict: /^cid \(data-moonclerk-cid\) must be a non-empty string, got " "$/,
  },
  {
    rule: 'a cid the embed would alter: refused (the checkout would lose its payment); the link carries it',
    given: { cid: 'a"b', name: 'Leon' },
    page: { opts: null, link: { cid: 'a"b', name: 'Leon' }, error: /^cid \(data-moonclerk-cid\) must be free of "/ },
    strict: /^cid \(data-moonclerk-cid\) must be free of "/,
  },
  {
    rule: 'a value that looks percent-encoded: passed on as given, with a warning in a page',
    given: { email: 'leon%40example.com' },
    page: {
      opts: BASE,
      link: { email: 'leon%40example.com' },
      warnings: [/^email .* looks percent-encoded/, /^email .* must be free of .*: left out of the embedded checkout/],
    },
    strict: /^email \(data-moonclerk-email\) must be free of "/,
  },
  {
    rule: 'a name the embed would alter: only the link carries it',
    given: { name: 'Leon "The Voice"', email: 'leon@example.com' },
    page: {
      opts: { ...BASE, email: 'leon@example.com' },
      link: { name: 'Leon "The Voice"', email: 'leon@example.com' },
      warnings: [
        /^name \(data-moonclerk-name\) must be free of .*: left out of the embedded checkout, the link carries it$/,
      ],
    },
    strict: /^name \(data-moonclerk-name\) must be free of "/,
  },
  {
    rule: 'an email with + (which embed.js would turn into a space): only the link carries it',
    given: { email: 'leon+shop@example.com' },
    page: {
      opts: BASE,
      link: { email: 'leon+shop@example.com' },
      warnings: [/^email .*: left out of the embedded checkout/],
    },
    strict: /^email \(data-moonclerk-email\) must be free of/,
  },
  {
    rule: 'an amount in cents, a number or digits',
    given: { amountCents: '1000' },
    page: { opts: { ...BASE, amount_cents: 1000 }, link: { amount_cents: 1000 } },
    strict: { ...BASE, amount_cents: 1000 },
  },
  {
    rule: 'an amount that is no integer of cents: left out',
    given: { amountCents: '10.00' },
    page: { opts: BASE, link: {}, warnings: [/^amountCents \(data-moonclerk-amount-cents\) must be .*: left out$/] },
    strict: /^amountCents \(data-moonclerk-amount-cents\) must be /,
  },
  {
    rule: 'a width that is no CSS length: the default',
    given: { width: 'wide' },
    page: { opts: BASE, link: {}, warnings: [/^width \(data-moonclerk-width\) must be a CSS length.*: left out$/] },
    strict: /^width \(data-moonclerk-width\) must be a CSS length/,
  },
  {
    rule: 'a width and a height for the embed only',
    given: { width: 480, height: '50%' },
    page: { opts: { ...BASE, width: '480', height: '50%' }, link: {} },
    strict: { ...BASE, width: '480', height: '50%' },
  },
  {
    rule: 'a height that is neither pixels nor a percentage: left out',
    given: { height: '10em' },
    page: { opts: BASE, link: {}, warnings: [/^height .*: left out$/] },
    strict: /^height \(data-moonclerk-height\) must be a number of pixels or a percentage/,
  },
  {
    rule: 'custom fields: fields[key], address parts, a checkbox repeated',
    given: { fields: { hat_size: 'L', address: { line1: '123 Main St' }, interests: ['sports'] } },
    page: {
      opts: {
        ...BASE,
        fields: { 'fields[hat_size]': 'L', 'fields[address][line1]': '123 Main St', 'fields[interests][]': 'sports' },
      },
      link: {},
      fields: [
        ['fields[hat_size]', 'L'],
        ['fields[address][line1]', '123 Main St'],
        ['fields[interests][]', 'sports'],
      ],
    },
    strict: {
      ...BASE,
      fields: { 'fields[hat_size]': 'L', 'fields[address][line1]': '123 Main St', 'fields[interests][]': 'sports' },
    },
  },
  {
    rule: 'a field name MoonClerk has no parameter for: left out of both',
    given: { fields: { 'hat size!': 'L' } },
    page: { opts: BASE, link: {}, fields: [], warnings: [/^fields .*"hat size!" is no field name/] },
    strict: /"hat size!" is no field name/,
  },
  {
    rule: 'a field value the embed would alter: only the link carries it',
    given: { fields: { company: 'Bridges & Sons' } },
    page: {
      opts: BASE,
      link: {},
      fields: [['fields[company]', 'Bridges & Sons']],
      warnings: [/^fields .*fields\[company\] must be free of .*: left out of the embedded checkout/],
    },
    strict: /fields\[company\] must be free of/,
  },
  {
    rule: 'several values of a checkbox field: the embed gets the last (an object holds one), the link all',
    given: { fields: { interests: ['sports', 'music'] } },
    page: {
      opts: { ...BASE, fields: { 'fields[interests][]': 'music' } },
      link: {},
      fields: [
        ['fields[interests][]', 'sports'],
        ['fields[interests][]', 'music'],
      ],
      warnings: [/fields\[interests\]\[\] has several values: the embedded checkout gets the last, "music"/],
    },
    strict: { ...BASE, fields: { 'fields[interests][]': 'music' } },
  },
]

describe.each(rows)('$rule', ({ given, page, strict }) => {
  test('in a page (lenient): the embed, the link, the warnings', () => {
    const plan = planValues({ token: 'a1', ...given })
    expect(plan.opts ?? null).toStrictEqual(page.opts)
    expect(plan.link).toStrictEqual(page.link)
    expect(plan.fields).toStrictEqual(page.fields ?? [])
    expect(plan.warnings).toHaveLength((page.warnings ?? []).length)
    plan.warnings.forEach((warning, i) => expect(warning).toMatch(page.warnings![i]))
    if (page.error)
      expect(plan.error).toMatchObject({ reason: 'invalid-config', message: expect.stringMatching(page.error) })
    else expect(plan.error).toBeUndefined()
  })

  test('strict (buildOpts): the opts, or the refusal', () => {
    const plan = () => planValues({ token: 'a1', ...given }, { strict: true })
    if (strict instanceof RegExp) expect(plan).toThrow(strict)
    else expect(plan().opts).toStrictEqual(strict)
  })

  test('a link (decorated, or checkoutUrl()): what the page plan gives the link, and nothing of the embed', () => {
    const plan = planValues({ ...given }, { embed: false })
    expect(plan.opts).toBeUndefined()
    expect(plan.error).toBeUndefined()
    expect(plan.link).toStrictEqual(page.link)
    expect(plan.fields).toStrictEqual(page.fields ?? [])
    expect(plan.warnings.some((warning) => /embedded checkout/.test(warning))).toBe(false)
  })
})

test('a token that is not letters and digits is refused whatever the plan but a link’s', () => {
  expect(() => planValues({ token: 'a-1' })).toThrow(/^token .* must be letters and digits/)
  expect(() => planValues({ token: 'a-1' }, { strict: true })).toThrow(/letters and digits/)
  expect(planValues({ token: 'a-1' }, { embed: false }).link).toStrictEqual({})
})

test('a cid that is no finite number is refused whatever the plan', () => {
  for (const options of [{}, { strict: true }, { embed: false }])
    expect(() => planValues({ token: 'a1', cid: NaN }, options)).toThrow(/a finite number, got null/)
})
