import { expect, test } from 'vitest'
import { fieldParams } from '../src/fields'

const params = (fields: Parameters<typeof fieldParams>[0]) => {
  const warnings: string[] = []
  return { params: fieldParams(fields, (message) => warnings.push(message)), warnings }
}

test("an object: one name per value, address parts nested, a checkbox field's values repeated with []", () => {
  expect(
    params({ hat_size: 'L', seats: 2, address: { line1: '123 Main St', state: 'NY' }, interests: ['sports', 'music'] }),
  ).toStrictEqual({
    params: [
      ['fields[hat_size]', 'L'],
      ['fields[seats]', '2'],
      ['fields[address][line1]', '123 Main St'],
      ['fields[address][state]', 'NY'],
      ['fields[interests][]', 'sports'],
      ['fields[interests][]', 'music'],
    ],
    warnings: [],
  })
})

test('the query form a CMS author types: keys with or without fields[…], values decoded as in any query', () => {
  expect(
    params('hat_size=L&fields[nickname]=Jimmy&address[line1]=123%20Main+St&interests[]=sports').params,
  ).toStrictEqual([
    ['fields[hat_size]', 'L'],
    ['fields[nickname]', 'Jimmy'],
    ['fields[address][line1]', '123 Main St'],
    ['fields[interests][]', 'sports'],
  ])
})

test('what cannot be a field is left out, each with a warning that says why; the rest stays', () => {
  expect(
    params({
      ok: 'yes',
      'hat size': 'L',
      flag: true as unknown as string,
      seats: Infinity,
      gone: undefined as unknown as string,
    }),
  ).toStrictEqual({
    params: [['fields[ok]', 'yes']],
    warnings: [
      'fields (data-moonclerk-fields): "hat size" is no field name such as hat_size or address[line1]: left out',
      'fields (data-moonclerk-fields): fields[flag] must be a string or a number, got true: left out',
      'fields (data-moonclerk-fields): fields[seats] must be a string or a number, got Infinity: left out',
    ],
  })
  expect(params('a[b=1&=2&c=3')).toMatchObject({
    params: [['fields[c]', '3']],
    warnings: [expect.stringContaining('"a[b"'), expect.stringContaining('""')],
  })
})

test("MoonClerk's own names as an object's keys, as its documentation writes them", () => {
  expect(params({ 'fields[nickname]': 'Jimmy', 'fields[address][line1]': '123 Main St' })).toStrictEqual({
    params: [
      ['fields[nickname]', 'Jimmy'],
      ['fields[address][line1]', '123 Main St'],
    ],
    warnings: [],
  })
})

test('every key of an object is checked on its own, and quoted as it was written', () => {
  expect(params({ 'a][b': 'x', address: { 'line1]': 'y', city: 'Austin' } })).toStrictEqual({
    params: [['fields[address][city]', 'Austin']],
    warnings: [
      'fields (data-moonclerk-fields): "a][b" is no field name such as hat_size or address[line1]: left out',
      'fields (data-moonclerk-fields): "address[line1]]" is no field name such as hat_size or address[line1]: left out',
    ],
  })
})

test('no fields, no parameters', () => {
  expect(params(undefined)).toStrictEqual({ params: [], warnings: [] })
  expect(params('')).toStrictEqual({ params: [], warnings: [] })
})

test("an object key that only ends like MoonClerk's names is no field name: left out, with a warning", () => {
  expect(params({ 'xfields[a]': '1', ok: 'yes' })).toStrictEqual({
    params: [['fields[ok]', 'yes']],
    warnings: [
      'fields (data-moonclerk-fields): "xfields[a]" is no field name such as hat_size or address[line1]: left out',
    ],
  })
})
