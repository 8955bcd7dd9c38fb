// The payment forms the stand-in knows (harness/forms.json, or a test's own file), checked at start-up,
// and the generic form any other token gets.
import { readFile } from 'node:fs/promises'

export const FORMS_FILE = new URL('../forms.json', import.meta.url)
// Forms files without ids still work: the API numbers them in file order from here.
const FIRST_FILE_FORM_ID = 234001

/** Optional `redirect`; `null` means MoonClerk's own confirmation page. Optional `id`: the API's form_id. */
export function checkForm(token, form) {
  const problem = (what) => new Error(`stand-in: forms.json, form ${JSON.stringify(token)}: ${what}`)
  if (!/^[a-z\d]+$/i.test(token)) throw problem('tokens are letters and digits')
  if (form && form.id !== undefined && !(Number.isSafeInteger(form.id) && form.id > 0))
    throw problem('"id" must be a positive integer')
  if (!form || typeof form.name != 'string') throw problem('"name" must be a string')
  if (form.kind !== 'one-time' && form.kind !== 'recurring') throw problem('"kind" must be "one-time" or "recurring"')
  if (form.amountCents !== null && !(Number.isSafeInteger(form.amountCents) && form.amountCents > 0))
    throw problem('"amountCents" must be a positive integer, or null for an amount decided at checkout')
  if (form.redirect != null && typeof form.redirect != 'string') throw problem('"redirect" must be a URL template')
  if (form.redirectIn !== 'top' && form.redirectIn !== 'frame') throw problem('"redirectIn" must be "top" or "frame"')
}

/**
 * Checks every form and completes it in place: missing ids numbered, the site's origin put into the
 * redirect templates (it is only known at start-up). A typo fails the start instead of a payment.
 */
export function prepareForms(forms, siteOrigin) {
  const ids = new Set()
  let nextFormId = FIRST_FILE_FORM_ID
  for (const [token, form] of Object.entries(forms)) {
    checkForm(token, form)
    if (form.id === undefined) while (ids.has((form.id = nextFormId++)));
    if (ids.has(form.id))
      throw new Error(`stand-in: forms.json, form ${JSON.stringify(token)}: id ${form.id} is used twice`)
    ids.add(form.id)
    if (form.redirect == null) continue
    if (form.redirect.includes('%SITE_ORIGIN%') && !siteOrigin)
      throw new Error(`stand-in: form ${token} redirects to %SITE_ORIGIN%, but startStandIn() got no siteOrigin`)
    form.redirect = form.redirect.replaceAll('%SITE_ORIGIN%', siteOrigin)
    new URL(form.redirect) // Throws on a template that is not an absolute URL.
  }
  return forms
}

/** Reads and prepares a forms file. */
export async function loadForms(file, siteOrigin) {
  return prepareForms(JSON.parse(await readFile(file, 'utf8')), siteOrigin)
}

/**
 * Any token MoonClerk does not know here still gets a checkout, as the first stand-in gave every token.
 * Its API id (`id: null`) is given at its first payment, so unpaid stray tokens never reach GET /forms.
 */
export const genericForm = (token) => ({
  id: null,
  name: `Payment form ${token}`,
  kind: 'one-time',
  amountCents: null,
  redirect: null,
  redirectIn: 'frame',
})

/** The form behind a checkout token: from the file, else a generic one that was paid, else a new generic one. */
export const formFor = (forms, paidGenericForms, token) =>
  Object.hasOwn(forms, token) ? forms[token] : (paidGenericForms[token] ?? genericForm(token))
