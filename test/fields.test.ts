import { expect, test } from 'vitest'
import { fieldParams } from '../src/fields'

const params = (fields: Parameters<typeof fieldParams>[0]) => {
  const warnings: string[] = []
  return { params: fieldParams(fields, (message) => warnings.push(message)), warnings }
}

test('an object: one name per value, address parts nested, a checkbox field\'s values repeated with []', () => {
  expect(params({ hat_size: 'L', seats: 2, address: { line1: '123 Main St', state: 'NY' }, interests: ['sports', 'music'] })).toStrictEqual({
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
  expect(params('hat_size=L&fields[nickname]=Jimmy&address[line1]=123%20Main+St&interests[]=sports').params).toStrictEqual([
    ['fields[hat_size]', 'L'],
    ['fields[nickname]', 'Jimmy'],
    ['fields[address][line1]', '123 Main St'],
    ['fields[interests][]', 'sports'],
  ])
})

test('what cannot be a field is left out, each with a warning that says why; the rest stays', () => {
  expect(params({ ok: 'yes', 'hat size': 'L', flag: true as unknown as string, seats: Infinity, gone: undefined as unknown as string })).toStrictEqual({
    params: [['fields[ok]', 'yes']],
    warnings: [
      'fields: "fields[hat size]" is no field name such as fields[hat_size] or fields[address][line1]: left out',
      'fields: fields[flag] must be a string or a number, got true: left out',
      'fields: fields[seats] must be a string or a number, got Infinity: left out',
    ],
  })
  expect(params('a[b=1&=2&c=3')).toMatchObject({ params: [['fields[c]', '3']], warnings: [expect.stringContaining('"fields[a][b"'), expect.stringContaining('"fields[]"')] })
})

test('no fields, no parameters', () => {
  expect(params(undefined)).toStrictEqual({ params: [], warnings: [] })
  expect(params('')).toStrictEqual({ params: [], warnings: [] })
})
