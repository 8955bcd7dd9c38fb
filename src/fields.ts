// Custom fields, as MoonClerk's 2025 documentation seeds them: `fields[<key>]=<value>` on the
// hosted checkout's URL, `fields[<key>][line1]` for each part of an address, and a repeated
// `fields[<key>][]` for each value of a checkbox field. The same names are the keys of an embed's
// `opts.fields`. Pure: problems go to `warn`, and the value is left out.
import { attributeName } from './schema.js'
import type { FieldValue, Fields } from './types.js'

/** Field keys are set in MoonClerk's form builder: snake_case words, a part name, a checkbox's `[]`. */
const FIELD_NAME = /^fields(\[[\w-]+\])+(\[\])?$/
const KEY = /^[\w-]+$/

/** How a warning about fields begins: it names the attribute, as every warning does. */
export const FIELDS = `fields (${attributeName('fields')}): `

/** `hat_size` and `address[line1]` as MoonClerk's parameter names; `fields[hat_size]` as it is. */
const wrap = (key: string) => (key.startsWith('fields[') ? key : key.replace(/^[^[]*/, (word) => `fields[${word}]`))

/**
 * `fields` as MoonClerk's parameters, in order: from an object (`{ address: { line1: '…' },
 * interests: ['sports'] }`, or with MoonClerk's own names as keys: `{ 'fields[nickname]': '…' }`),
 * or from the query form a CMS author types into an attribute (`hat_size=L&address[line1]=123
 * Main St&interests[]=sports`, each key with or without the `fields[…]` around it, values
 * URL-decoded as in any query). A name or value that cannot be used is left out, with a warning
 * that quotes it as it was written.
 */
export function fieldParams(
  fields: Fields | string | undefined,
  warn: (message: string) => void,
): Array<[string, string]> {
  const params: Array<[string, string]> = []
  const add = (name: string, value: unknown, written: string) => {
    if (!FIELD_NAME.test(name))
      warn(`${FIELDS}${JSON.stringify(written)} is no field name such as hat_size or address[line1]: left out`)
    else if (typeof value != 'string' && !Number.isFinite(value))
      warn(
        `${FIELDS}${name} must be a string or a number, ` +
          `got ${typeof value == 'number' ? value : JSON.stringify(value)}: left out`,
      )
    else params.push([name, String(value)])
  }
  const walk = (name: string, value: FieldValue | Fields, written: string) => {
    // An optional value that plain JavaScript left undefined is simply not there.
    if (value == null) return
    if (Array.isArray(value)) value.forEach((item) => add(name + '[]', item, written + '[]'))
    else if (typeof value == 'object')
      for (const [key, part] of Object.entries(value))
        walk(KEY.test(key) ? `${name}[${key}]` : '', part, `${written}[${key}]`)
    else add(name, value, written)
  }
  if (typeof fields == 'string') for (const [key, value] of new URLSearchParams(fields)) add(wrap(key), value, key)
  else if (fields)
    for (const [key, value] of Object.entries(fields))
      walk(KEY.test(key) || FIELD_NAME.test(key) ? wrap(key) : '', value, key)
  return params
}
