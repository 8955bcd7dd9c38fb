// Custom fields, as MoonClerk's 2025 documentation seeds them: `fields[<key>]=<value>` on the
// hosted checkout's URL, `fields[<key>][line1]` for each part of an address, and a repeated
// `fields[<key>][]` for each value of a checkbox field. The same names are the keys of an embed's
// `opts.fields`. Pure: problems go to `warn`, and the value is left out.
import type { FieldValue, Fields } from './types.js'

/** Field keys are set in MoonClerk's form builder: snake_case words, a part name, a checkbox's `[]`. */
const FIELD_NAME = /^fields(\[[\w-]+\])+(\[\])?$/

/**
 * `fields` as MoonClerk's parameters, in order: from an object (`{ address: { line1: '…' },
 * interests: ['sports'] }`), or from the query form a CMS author types into an attribute
 * (`hat_size=L&address[line1]=123 Main St&interests[]=sports`, each key with or without the
 * `fields[…]` around it, values URL-decoded as in any query).
 */
export function fieldParams(fields: Fields | string | undefined, warn: (message: string) => void): Array<[string, string]> {
  const params: Array<[string, string]> = []
  const add = (name: string, value: unknown) => {
    if (!FIELD_NAME.test(name)) warn(`fields: ${JSON.stringify(name)} is no field name such as fields[hat_size] or fields[address][line1]: left out`)
    else if (typeof value != 'string' && !Number.isFinite(value)) warn(`fields: ${name} must be a string or a number, got ${typeof value == 'number' ? value : JSON.stringify(value)}: left out`)
    else params.push([name, String(value)])
  }
  const walk = (name: string, value: FieldValue | Fields) => {
    // An optional value that plain JavaScript left undefined is simply not there.
    if (value == null) return
    if (Array.isArray(value)) value.forEach((item) => add(name + '[]', item))
    else if (value && typeof value == 'object') for (const [key, part] of Object.entries(value)) walk(`${name}[${key}]`, part)
    else add(name, value)
  }
  if (typeof fields == 'string')
    // `hat_size=L` and `fields[hat_size]=L` alike: the key's first word goes into `fields[…]`.
    for (const [key, value] of new URLSearchParams(fields)) add(key.startsWith('fields[') ? key : key.replace(/^[^[]*/, (word) => `fields[${word}]`), value)
  else if (fields) walk('fields', fields)
  return params
}
