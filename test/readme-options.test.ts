// @vitest-environment node
// The reference documents every option of the table (src/schema.ts) where it may be used: a new
// option without its line in docs/attributes.md (placeholder and script tag attributes, global
// config) or docs/element.md (the element's attributes) fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { attributeName, DEFAULTS, kebab, keysOn, WHERE, type OptionKey } from '../src/schema'

const doc = (path: string) => readFileSync(new URL(`../docs/${path}`, import.meta.url), 'utf8')
const attributesDoc = doc('attributes.md')
const elementDoc = doc('element.md')

/** A doc's text from `start` (a line) up to the next heading of the same or a higher level. */
function section(text: string, start: string): string {
  const from = text.indexOf('\n' + start + '\n') + 1
  expect(from, start).toBeGreaterThan(0)
  const level = start.match(/^#+/)![0]
  const end = text.slice(from + start.length).search(new RegExp(`\\n#{1,${level.length}} `))
  return text.slice(from, end < 0 ? undefined : from + start.length + end)
}

/** The first cells of a section's table rows (one row may name several attributes). */
const firstCells = (text: string, table: string) => {
  const from = text.indexOf(table)
  expect(from, table).toBeGreaterThanOrEqual(0)
  const rows = text
    .slice(from)
    .split('\n\n')[1]
    .split('\n')
    .filter((line) => line.startsWith('|'))
  return rows.map((row) => row.split('|')[1]).join(' ')
}

const attributes = section(attributesDoc, '## Attributes')
const placeholderTable = firstCells(attributes, 'On a placeholder')
const scriptTable = firstCells(attributes, "On the library's own `<script>` tag")
const elementTable = firstCells(section(elementDoc, '## Attributes'), '## Attributes')
const globalConfig = section(attributesDoc, '## Global config')

describe('the reference documents every option', () => {
  test.each(keysOn('p'))('%s in the placeholder attributes', (key) =>
    expect(placeholderTable).toContain('`' + attributeName(key) + '`'),
  )
  test.each(keysOn('s'))('%s in the script tag attributes', (key) =>
    expect(scriptTable).toContain('`' + attributeName(key) + '`'),
  )
  test('nonce in the script tag attributes', () => expect(scriptTable).toContain('`nonce`'))
  test.each(keysOn('p'))('%s in the element attributes', (key) =>
    expect(elementTable).toContain('`' + kebab(key) + '`'),
  )
  test.each((Object.keys(WHERE) as OptionKey[]).filter((key) => !['token', 'label', 'nonce'].includes(key)))(
    '%s in the global config',
    (key) => expect(globalConfig).toMatch(new RegExp(`^\\s+${key}:`, 'm')),
  )
  // In a row of the option's own attribute: "default `x`", "`x` (default)", or a last cell that is only `x`.
  test.each(Object.entries(DEFAULTS))('the default of %s, %s, in its attribute row', (key, value) => {
    const name = '`' + attributeName(key as OptionKey) + '`'
    const rows = attributes.split('\n').filter((line) => line.startsWith('|') && line.split('|')[1].includes(name))
    expect(rows, name).not.toHaveLength(0)
    const code = '`' + String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '`'
    const stated = new RegExp(`default ${code}|${code} \\(default\\)|\\| ${code} *\\|$`)
    expect(
      rows.filter((row) => stated.test(row)),
      `${name}: default ${value}`,
    ).not.toHaveLength(0)
  })
})
