// `npx moonclerk-checkout <command>`: the server companion from a shell. Node only (it reads a
// config module and the environment); never imported by the server entry.
//
// Exit codes:
//   0  done
//   1  the command ran and found a problem (the key refused; callbacks that failed in reconcile)
//   2  usage: an unknown command or flag, a bad date, a missing MOONCLERK_API_KEY or config
//   3  MoonClerk's API or the network failed
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { apiGet, client, MoonClerkApiError } from './api.js'
import { memoryLedgerForTestsOnly } from './ledger/memory.js'
import { reconcile, type ReconcileOptions, type ReconcileSummary } from './reconcile.js'

export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  isTTY?: boolean
  /** The package's version, for `--version` (the bin reads it from package.json). */
  version?: string
  fetch?: typeof fetch
  /** Loads the config module; by default `import()` of its file URL. */
  importConfig?(path: string): Promise<{ default?: unknown }>
}

class UsageError extends Error {}

const HELP: Record<string, string> = {
  '': `Usage: moonclerk-checkout <command> [options]

Commands:
  reconcile           grant what no webhook delivered, through MoonClerk's API
  secret              print a new secret for sealCid() and the handler's cidSecret
  check-key           ask MoonClerk's API whether MOONCLERK_API_KEY is accepted
  send-test-webhook   post a realistic webhook to a local endpoint

Environment: MOONCLERK_API_KEY (never as an argument: shell history keeps arguments),
MOONCLERK_API_BASE (optional, e.g. a local stand-in).
Exit codes: 0 done, 1 a problem found, 2 usage, 3 MoonClerk's API or the network failed.
'moonclerk-checkout <command> --help' for each command.`,
  reconcile: `Usage: moonclerk-checkout reconcile [--since YYYY-MM-DD] [--dry-run] [--config FILE]

Pages through MoonClerk's payments and plans from --since (or from where the last run stopped)
and settles each through your ledger, as your webhook endpoint does: what it already granted is
not granted again. The ledger and callbacks come from --config (default ./moonclerk.config.mjs),
the same object you pass to createWebhookHandler():

  // moonclerk.config.mjs
  import { sqliteLedger } from 'moonclerk-checkout/server/sqlite'
  export default {
    ledger: sqliteLedger('moonclerk.db'),
    onPayment: async (payment, context) => { /* grant */ },
    onPlan: async (customer, context) => { /* follow the plan */ },
  }

--dry-run looks and counts, settles nothing (without a config it uses an empty memory ledger).`,
  secret: `Usage: moonclerk-checkout secret

Prints a new random secret (32 bytes, base64url) for sealCid(userId, secret) and the handler's
cidSecret. Keep it with your other secrets.`,
  'check-key': `Usage: moonclerk-checkout check-key

One cheap call (GET /forms?count=1) with MOONCLERK_API_KEY: exit 0 when MoonClerk accepts the
key, 1 when it refuses it, 3 when the API cannot be reached.`,
  'send-test-webhook': `Usage: moonclerk-checkout send-test-webhook URL [--event EVENT] [--id N] [--custom-id CID]

Posts { event, object, data } with a payment (or, for plan_* events, a customer) shaped like
MoonClerk's to URL and prints the answer. A real endpoint verifies with MoonClerk's API: a made-up
id is answered 200 "forged" unless the endpoint's apiBase is a stand-in that holds it.
Default event: payment_created.`,
}

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  since: { type: 'string' },
  'dry-run': { type: 'boolean' },
  config: { type: 'string' },
  event: { type: 'string' },
  id: { type: 'string' },
  'custom-id': { type: 'string' },
  'api-key': { type: 'string' },
} as const

type Flags = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]['type'] extends 'boolean' ? boolean : string }

function apiOptions(env: Record<string, string | undefined>, io: CliIo) {
  if (!env.MOONCLERK_API_KEY) throw new UsageError('set MOONCLERK_API_KEY to your MoonClerk API key')
  return { apiKey: env.MOONCLERK_API_KEY, apiBase: env.MOONCLERK_API_BASE || undefined, fetch: io.fetch }
}

async function checkKey(env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  try {
    await apiGet('forms', { count: '1' }, client(apiOptions(env, io), 'check-key'))
    io.stdout('MoonClerk accepted the key\n')
    return 0
  } catch (error) {
    if (!(error instanceof MoonClerkApiError)) throw error
    if (error.status == 401 || error.status == 403) {
      io.stdout(`MoonClerk refused the key (${error.status})\n`)
      return 1
    }
    io.stderr(`MoonClerk's API could not be asked: ${error.message}\n`)
    return 3
  }
}

function secret(io: CliIo): number {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32))
  io.stdout(Buffer.from(bytes).toString('base64url') + '\n')
  io.stderr("A secret for sealCid(userId, secret) and the handler's cidSecret: keep it with your other secrets.\n")
  return 0
}

/** A payment or customer shaped like the ones MoonClerk's API documents. */
function sampleRecord(event: string, id: number, customId: string) {
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const checkout = { date, token: 'test' + id, total: 1000, amount_due: 1000, subtotal: 1000, fee: 59 }
  if (event.startsWith('plan_')) {
    const plan = { id: 1, amount: 1000, currency: 'USD', interval: 'month', interval_count: 1 }
    const subscription = { id: id + 1, status: 'active', start: date, current_period_start: date, plan }
    return {
      object: 'customer',
      data: {
        id,
        name: 'Test Payer',
        email: 'payer@example.com',
        custom_id: customId,
        form_id: 1,
        checkout,
        subscription,
      },
    }
  }
  const data = {
    id,
    date,
    status: 'successful',
    currency: 'USD',
    amount: 1000,
    fee: 59,
    amount_refunded: 0,
    custom_id: customId,
  }
  return { object: 'payment', data: { ...data, name: 'Test Payer', email: 'payer@example.com', form_id: 1, checkout } }
}

async function sendTestWebhook(target: string | undefined, flags: Flags, io: CliIo): Promise<number> {
  let url: URL
  try {
    url = new URL(target ?? '')
  } catch {
    throw new UsageError('send-test-webhook needs the endpoint URL, e.g. http://localhost:3000/moonclerk')
  }
  if (url.protocol != 'http:' && url.protocol != 'https:') throw new UsageError('the URL must be http: or https:')
  const event = flags.event || 'payment_created'
  const id = Number(flags.id ?? 1348394)
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError('--id must be a positive whole number')
  const body = JSON.stringify({ event, ...sampleRecord(event, id, flags['custom-id'] ?? 'test-cid') })
  let response: Response
  try {
    response = await (io.fetch || fetch)(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
  } catch (error) {
    io.stderr(`could not reach ${url.href}: ${error instanceof Error ? error.message : String(error)}\n`)
    return 3
  }
  io.stdout(`${response.status} ${response.statusText}\n${await response.text()}\n`)
  return 0
}

const SUMMARY_ROWS: Array<[keyof ReconcileSummary, string]> = [
  ['seen', 'seen'],
  ['grantedNow', 'granted now'],
  ['alreadyGranted', 'already granted'],
  ['notPaid', 'not paid'],
  ['withoutCid', 'without a cid'],
  ['inProgress', 'in progress'],
  ['failed', 'failed'],
]

function printSummary(summary: ReconcileSummary, dryRun: boolean, io: CliIo) {
  const rows = dryRun
    ? [...SUMMARY_ROWS, ['wouldSettle', 'would settle'] as [keyof ReconcileSummary, string]]
    : SUMMARY_ROWS
  io.stdout(`since ${summary.since}${dryRun ? ' (dry run: nothing settled)' : ''}\n`)
  for (const [key, label] of rows) io.stdout(`  ${label.padEnd(16)} ${String(summary[key]).padStart(6)}\n`)
}

async function loadConfig(flags: Flags, io: CliIo): Promise<Partial<ReconcileOptions> | null> {
  const file = resolve(flags.config || 'moonclerk.config.mjs')
  const load = io.importConfig || ((path: string) => import(pathToFileURL(path).href))
  try {
    const loaded = await load(file)
    return (loaded.default ?? null) as Partial<ReconcileOptions> | null
  } catch (error) {
    if (flags.config || (error as { code?: string }).code != 'ERR_MODULE_NOT_FOUND')
      throw new UsageError(`cannot load ${file}: ${(error as Error).message}`)
    return null
  }
}

async function runReconcile(flags: Flags, env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const dryRun = !!flags['dry-run']
  const config = await loadConfig(flags, io)
  if (!config && !dryRun)
    throw new UsageError('reconcile needs a config module (./moonclerk.config.mjs or --config FILE): see --help')
  if (!config) io.stderr('no config: a dry run with an empty memory ledger\n')
  const every = io.isTTY ? 1 : 10
  const onProgress = ({ list, page, seen }: { list: string; page: number; seen: number }) =>
    page % every == 0 && io.stderr(`${list}: page ${page}, ${seen} records seen\n`)
  try {
    const ledger = config?.ledger ?? memoryLedgerForTestsOnly()
    const summary = await reconcile({
      ...apiOptions(env, io),
      ...config,
      ledger,
      since: flags.since,
      dryRun,
      onProgress,
    })
    printSummary(summary, dryRun, io)
    return summary.failed ? 1 : 0
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message)
    if (!(error instanceof MoonClerkApiError)) throw error
    io.stderr(`MoonClerk's API failed: ${error.message}\n`)
    return error.status == 401 || error.status == 403 ? 1 : 3
  }
}

async function dispatch(
  command: string,
  rest: string[],
  flags: Flags,
  env: Record<string, string | undefined>,
  io: CliIo,
) {
  if (command == 'secret') return secret(io)
  if (command == 'check-key') return checkKey(env, io)
  if (command == 'send-test-webhook') return sendTestWebhook(rest[0], flags, io)
  if (command == 'reconcile') return runReconcile(flags, env, io)
  throw new UsageError(`unknown command ${JSON.stringify(command)}`)
}

/** Runs one command line; resolves with the exit code. Never prints the API key. */
export async function run(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  try {
    const { values: flags, positionals } = parseArgs({
      args: argv,
      options: FLAGS,
      allowPositionals: true,
      strict: true,
    })
    const [command = '', ...rest] = positionals
    if (flags['api-key'] !== undefined)
      throw new UsageError('--api-key is refused: shell history keeps it. Set MOONCLERK_API_KEY instead')
    if (flags.version) return (io.stdout(`${io.version ?? 'unknown'}\n`), 0)
    if (flags.help || !command)
      return (io.stdout(HELP[command in HELP ? command : ''] + '\n'), command || flags.help ? 0 : 2)
    return await dispatch(command, rest, flags as Flags, env, io)
  } catch (error) {
    if (
      !(error instanceof UsageError) &&
      !(error instanceof TypeError && /Unknown option|Unexpected argument|is ambiguous/.test(error.message))
    )
      throw error
    io.stderr(`moonclerk-checkout: ${error.message}\n`)
    return 2
  }
}
