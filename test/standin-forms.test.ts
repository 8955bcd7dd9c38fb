// @vitest-environment node
// The stand-in's payment forms (harness/standin/forms.mjs): forms.json checked and completed at
// start-up, and the generic form any other token gets. No server needed.
import { describe, expect, test } from 'vitest'
import { standInModule } from './standin-harness'

const { checkForm, FORMS_FILE, formFor, genericForm, loadForms, prepareForms } = await standInModule('forms.mjs')

const form = (extra = {}) => ({
  name: 'F',
  kind: 'one-time',
  amountCents: 1000,
  redirect: null,
  redirectIn: 'top',
  ...extra,
})

describe('forms', () => {
  test('harness/forms.json loads: twelve forms, ids given, redirects on the site origin', async () => {
    const forms = await loadForms(FORMS_FILE, 'http://shop.example')
    expect(Object.keys(forms)).toHaveLength(12)
    expect(forms['8h7frjfytj']).toMatchObject({
      id: 234101,
      name: 'My Payment Form',
      kind: 'one-time',
      amountCents: 1000,
    })
    expect(forms['8h7frjfytj'].redirect).toMatch(
      /^http:\/\/shop\.example\/demo\/success\.html\?custom_id=\{\{custom_id\}\}/,
    )
    // A redirect as merchants set it since the placeholders left MoonClerk's docs: no query at all.
    expect(forms.plainredir).toMatchObject({ id: 234111, kind: 'one-time', amountCents: 2500, redirectIn: 'top' })
    expect(forms.plainredir.redirect).toBe('http://shop.example/demo/confirmed-thanks.html')
  })

  test('forms without ids are numbered in file order, around the ids that are given', () => {
    const forms = prepareForms({ a: form(), b: form({ id: 234002 }), c: form() }, undefined)
    expect([forms.a.id, forms.b.id, forms.c.id]).toEqual([234001, 234002, 234003])
  })

  test('a form that is not right fails the start, naming the form', () => {
    expect(() => prepareForms({ a: form({ id: 5 }), b: form({ id: 5 }) })).toThrow(/form "b": id 5 is used twice/)
    expect(() => prepareForms({ 'a-b': form() })).toThrow(/tokens are letters and digits/)
    expect(() => prepareForms({ a: form({ redirect: '%SITE_ORIGIN%/ok' }) })).toThrow(/got no siteOrigin/)
    expect(() => prepareForms({ a: form({ redirect: '/relative' }) }, 'http://shop.example')).toThrow()
    for (const [bad, message] of [
      [{ id: 0 }, '"id"'],
      [{ name: 3 }, '"name"'],
      [{ kind: 'monthly' }, '"kind"'],
      [{ amountCents: 0 }, '"amountCents"'],
      [{ amountCents: 10.5 }, '"amountCents"'],
      [{ redirect: 4 }, '"redirect"'],
      [{ redirectIn: 'parent' }, '"redirectIn"'],
    ] as const)
      expect(() => checkForm('a', form(bad)), message).toThrow(message)
    expect(() => checkForm('a', null)).toThrow('"name"')
    expect(() => checkForm('a', form({ amountCents: null }))).not.toThrow()
  })

  test('any other token gets a generic form, decided at checkout; a paid one is found again by its token', () => {
    const forms = prepareForms({ known: form({ id: 7 }) })
    expect(formFor(forms, {}, 'known')).toBe(forms.known)
    expect(formFor(forms, {}, 'stray')).toEqual(genericForm('stray'))
    expect(genericForm('stray')).toEqual({
      id: null,
      name: 'Payment form stray',
      kind: 'one-time',
      amountCents: null,
      redirect: null,
      redirectIn: 'frame',
    })
    const paid = { ...genericForm('stray'), id: 900001 }
    expect(formFor(forms, { stray: paid }, 'stray')).toBe(paid)
  })
})
