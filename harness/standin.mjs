// A local stand-in for MoonClerk, following its documentation (docs/moonclerk.md): embed.js,
// the hosted checkout, the read-only REST API and webhooks. Its modules are in harness/standin/;
// this file is the import path that harness/site.mjs and the tests use, and a command of its own
// for pointing a merchant's app at it (docs/development.md, "The stand-in for your own app"):
//
//   node harness/standin.mjs [--port 4322] [--host 127.0.0.1] [--webhook-url URL]
//     [--webhook-events payment_created,…] [--api-key KEY] [--form TOKEN[=REDIRECT_URL]]…
//     [--forms FILE] [--site-origin URL]
//
//   --port N: 0 picks a free port; default 4322 (the demo site is on 4321).
//   --webhook-url URL: where the pay flow's webhooks go (unsigned POSTs, as MoonClerk sends them);
//     --webhook-events: the topics that endpoint hears (default: all five).
//   --form TOKEN=URL (repeatable): a one-time form whose amount is chosen at checkout and whose
//     payer comes back to URL in the whole window; URL may hold MoonClerk's {{custom_id}},
//     {{checkout_token}}, {{payment_id}} and {{customer_id}}. `--form TOKEN` alone: no redirect
//     (MoonClerk's own confirmation page). Any other token still gets a generic checkout.
//   --forms FILE: a forms file shaped like harness/forms.json, in place of --form; its
//     %SITE_ORIGIN% becomes --site-origin. Without --form or --forms: no forms of its own.
//   --api-key KEY: the REST API's key (default standin-api-key).
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { startStandIn } from './standin/server.mjs'

export { startStandIn }

const DEFAULT_PORT = 4322
const OPTIONS_WITH_VALUES = [
  '--port',
  '--host',
  '--webhook-url',
  '--webhook-events',
  '--api-key',
  '--form',
  '--forms',
  '--site-origin',
]

/** Every value of `--name V` and `--name=V`, in order. */
function valuesOf(argv, name) {
  const values = []
  argv.forEach((arg, i) => {
    if (arg === name && i + 1 < argv.length) values.push(argv[i + 1])
    else if (arg.startsWith(name + '=')) values.push(arg.slice(name.length + 1))
  })
  return values
}

/** A one-time form with the amount chosen at checkout, as `--form TOKEN[=REDIRECT_URL]` describes it. */
function formFromArg(arg) {
  const at = arg.indexOf('=')
  const token = at < 0 ? arg : arg.slice(0, at)
  const redirect = at < 0 ? null : arg.slice(at + 1)
  return [token, { name: `Payment form ${token}`, kind: 'one-time', amountCents: null, redirect, redirectIn: 'top' }]
}

/** The options startStandIn() gets from the command line; throws on what it cannot use. */
export function readStandInArgs(argv) {
  const known = (arg) => OPTIONS_WITH_VALUES.some((name) => arg === name || arg.startsWith(name + '='))
  argv.forEach((arg, i) => {
    const isValue = i > 0 && OPTIONS_WITH_VALUES.includes(argv[i - 1])
    if (!isValue && !known(arg)) throw new Error(`stand-in: unknown argument ${arg}`)
  })
  const last = (name) => valuesOf(argv, name).at(-1)
  const port = Number(last('--port') ?? DEFAULT_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`stand-in: invalid port ${last('--port')}`)
  const forms = valuesOf(argv, '--form')
  const formsFile = last('--forms')
  if (forms.length && formsFile) throw new Error('stand-in: give --form or --forms, not both')
  const webhookUrl = last('--webhook-url')
  if (webhookUrl) new URL(webhookUrl) // Throws on a URL that is not absolute.
  const events = last('--webhook-events')
  return {
    host: last('--host') ?? '127.0.0.1',
    port,
    apiKey: last('--api-key') ?? 'standin-api-key',
    webhookUrl,
    webhookEvents: events ? events.split(',').filter(Boolean) : undefined,
    siteOrigin: last('--site-origin'),
    ...(formsFile ? { formsFile: path.resolve(formsFile) } : { forms: Object.fromEntries(forms.map(formFromArg)) }),
  }
}

/** The URLs a merchant's app is configured with, for a stand-in at `origin`. */
export const standInUrls = (origin) => ({
  origin,
  embedSrc: `${origin}/assets/embed.js`,
  payUrl: `${origin}/pay/`,
  apiBase: `${origin}/`,
})

/** Starts the stand-in as the command line asks; `log` gets the lines to show. Returns the stand-in and its URLs. */
export async function runStandIn(argv, log = console.log) {
  const options = readStandInArgs(argv)
  const standIn = await startStandIn(options)
  const urls = standInUrls(standIn.origin)
  const forms = options.forms ? Object.keys(options.forms) : []
  const rows = [
    ['embed.js (data-moonclerk-embed-src)', urls.embedSrc],
    ['hosted checkout (data-moonclerk-pay-url)', `${urls.payUrl}<token>`],
    [`REST API base (apiBase), key ${options.apiKey}`, urls.apiBase],
    ['webhooks', options.webhookUrl ? `POST ${options.webhookUrl}` : 'none (--webhook-url URL sends them)'],
    ['forms', `${options.formsFile ?? (forms.join(', ') || 'none of its own')}; any other token: a generic one`],
    ['records', `${urls.origin}/__standin/records (reset: POST ${urls.origin}/__standin/reset)`],
  ]
  const width = Math.max(...rows.map(([label]) => label.length)) + 1
  log(`MoonClerk stand-in: ${urls.origin}`)
  for (const [label, value] of rows) log(`  ${(label + ':').padEnd(width)} ${value}`)
  return { standIn, urls }
}

// Run as a command only, not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runStandIn(process.argv.slice(2))
    .then(({ standIn }) => {
      const stop = () => standIn.close().then(() => process.exit(0))
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    .catch((error) => {
      console.error(error.message)
      process.exit(1)
    })
}
