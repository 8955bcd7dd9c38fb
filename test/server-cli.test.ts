// @vitest-environment node
// `npx moonclerk-checkout`: each command against the MoonClerk stand-in, through run() with its
// output captured, and the built bin once.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { run } from '../src/server/cli'
import { memoryLedgerForTestsOnly } from '../src/server/ledger/memory'
import type { Ledger } from '../src/server/ledger/ledger'
import { API_KEY, control, startStandIn, type StandIn } from './standin-harness'

let standIn: StandIn
let env: Record<string, string>
let ledger: Ledger
const onPayment = vi.fn(async () => {})

beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn?.close())
beforeEach(async () => {
  await control(standIn, '/__standin/reset')
  env = { MOONCLERK_API_KEY: API_KEY, MOONCLERK_API_BASE: standIn.origin + '/' }
  ledger = memoryLedgerForTestsOnly()
  onPayment.mockReset()
})

async function cli(argv: string[], more: { env?: Record<string, string | undefined>; config?: unknown } = {}) {
  let stdout = ''
  let stderr = ''
  const importConfig = async () => {
    if (more.config === undefined) throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' })
    return { default: more.config }
  }
  const code = await run(argv, more.env ?? env, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    importConfig,
  })
  return { code, stdout, stderr, all: stdout + stderr }
}

const today = () => new Date().toISOString().slice(0, 10)

describe('moonclerk-checkout', () => {
  test('--help, and no command: the commands, the environment and the exit codes', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(
      /reconcile[\s\S]*secret[\s\S]*check-key[\s\S]*send-test-webhook[\s\S]*MOONCLERK_API_KEY[\s\S]*2 usage/,
    )
    expect((await cli([])).code).toBe(2)
    expect((await cli(['reconcile', '--help'])).stdout).toMatch(/moonclerk\.config\.mjs[\s\S]*sqliteLedger/)
  })

  test('usage errors exit 2: an unknown command or flag, --api-key (shell history), no key', async () => {
    expect((await cli(['nope'])).code).toBe(2)
    expect((await cli(['check-key', '--bogus'])).code).toBe(2)
    const refused = await cli(['check-key', '--api-key', 'sk-very-secret'])
    expect([refused.code, refused.stderr]).toStrictEqual([2, expect.stringMatching(/shell history/)])
    expect(refused.all).not.toContain('sk-very-secret')
    expect((await cli(['check-key'], { env: {} })).stderr).toMatch(/set MOONCLERK_API_KEY/)
  })

  test('secret: 32 random bytes, base64url, new each time', async () => {
    const [a, b] = [await cli(['secret']), await cli(['secret'])]
    expect(a.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a.stdout).not.toBe(b.stdout)
    expect(a.stderr).toMatch(/sealCid/)
  })

  test('check-key: 0 accepted, 1 refused, 3 unreachable; the key never printed', async () => {
    expect(await cli(['check-key'])).toMatchObject({ code: 0, stdout: 'MoonClerk accepted the key\n' })
    const wrong = await cli(['check-key'], { env: { ...env, MOONCLERK_API_KEY: 'wrong-key-123' } })
    expect([wrong.code, wrong.stdout]).toStrictEqual([1, 'MoonClerk refused the key (401)\n'])
    expect(wrong.all).not.toContain('wrong-key-123')
    const down = await cli(['check-key'], { env: { ...env, MOONCLERK_API_BASE: 'http://127.0.0.1:9/' } })
    expect(down.code).toBe(3)
    expect(down.all).not.toContain(API_KEY)
  })

  test('reconcile: grants through the config, then resumes from its cursor and grants nothing again', async () => {
    await control(standIn, '/__standin/seed', { payment: { custom_id: 'cli-1' } })
    await control(standIn, '/__standin/seed', { payment: { custom_id: 'cli-2', status: 'failed' } })
    const config = { ledger, onPayment }
    const first = await cli(['reconcile', '--since', today()], { config })
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/granted now\s+1\n[\s\S]*not paid\s+1\n/)
    expect(onPayment).toHaveBeenCalledTimes(1)
    const second = await cli(['reconcile'], { config })
    expect(second.stdout).toMatch(
      new RegExp(`since ${today()}[\\s\\S]*granted now\\s+0\\n[\\s\\S]*already granted\\s+1\\n`),
    )
    expect(onPayment).toHaveBeenCalledTimes(1)
  })

  test('reconcile: a dry run settles nothing; a real run without a config or a first run without --since is usage', async () => {
    await control(standIn, '/__standin/seed', { payment: { custom_id: 'cli-3' } })
    const dry = await cli(['reconcile', '--since', today(), '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/dry run[\s\S]*would settle\s+1/)
    expect(dry.stderr).toMatch(/no config/)
    expect((await cli(['reconcile', '--since', today()])).code).toBe(2)
    const first = await cli(['reconcile'], { config: { ledger, onPayment } })
    expect([first.code, first.stderr]).toStrictEqual([2, expect.stringMatching(/needs `since`/)])
    expect((await cli(['reconcile', '--since', '2024-02-30'], { config: { ledger, onPayment } })).code).toBe(2)
  })

  test('reconcile: a callback that fails exits 1', async () => {
    await control(standIn, '/__standin/seed', { payment: { custom_id: 'cli-4' } })
    const failing = { ledger, onPayment: async () => Promise.reject(new Error('down')) }
    const result = await cli(['reconcile', '--since', today()], { config: failing })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/failed\s+1/)
  })

  test('send-test-webhook: posts a realistic payload and prints the answer; refuses other schemes', async () => {
    const bodies: unknown[] = []
    const server = http.createServer((req, res) => {
      let text = ''
      req.on('data', (chunk) => (text += chunk))
      req.on('end', () => {
        bodies.push({ type: req.headers['content-type'], ...JSON.parse(text) })
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true,"outcome":"forged"}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/moonclerk`
    try {
      const sent = await cli(['send-test-webhook', url, '--event', 'plan_created', '--custom-id', 'u-9', '--id', '77'])
      expect(sent).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^200 OK\n\{"ok":true,"outcome":"forged"\}/),
      })
      expect(bodies[0]).toMatchObject({
        type: 'application/json',
        event: 'plan_created',
        object: 'customer',
        data: { id: 77, custom_id: 'u-9', subscription: { status: 'active' } },
      })
      await cli(['send-test-webhook', url])
      expect(bodies[1]).toMatchObject({
        event: 'payment_created',
        object: 'payment',
        data: { status: 'successful', amount: 1000 },
      })
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
    expect((await cli(['send-test-webhook', 'file:///etc/passwd'])).code).toBe(2)
    expect((await cli(['send-test-webhook', 'http://127.0.0.1:9/x'])).code).toBe(3)
  })

  const built = new URL('../dist/cli.mjs', import.meta.url)
  test.skipIf(!existsSync(built))('the built bin answers --help (npm test builds first)', () => {
    const out = execFileSync(process.execPath, [built.pathname, '--help'], { encoding: 'utf8' })
    expect(out).toMatch(/^Usage: moonclerk-checkout <command>/)
  })
})

// What the command line says, word for word where a person reads it, and its edges (mutation testing found them unchecked).
describe("the command line's words and edges", () => {
  /** run() with its output captured, and a fetch that records what it was asked to send. */
  async function words(argv: string[], io: { version?: string; isTTY?: boolean; answer?: Response } = {}) {
    let stdout = ''
    let stderr = ''
    const sent: Array<Record<string, any>> = []
    const fetch = async (_url: unknown, init?: RequestInit) => {
      if (init?.body) sent.push(JSON.parse(String(init.body)))
      return io.answer ?? new Response('{"ok":true}', { status: 200, statusText: 'OK' })
    }
    const code = await run(argv, env, {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      version: io.version,
      isTTY: io.isTTY,
      fetch: fetch as typeof globalThis.fetch,
      importConfig: async () => {
        throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' })
      },
    })
    return { code, stdout, stderr, sent }
  }

  test('--version prints the version, or "unknown"', async () => {
    expect(await words(['--version'], { version: '1.2.3' })).toMatchObject({ code: 0, stdout: '1.2.3\n' })
    expect(await words(['--version'])).toMatchObject({ code: 0, stdout: 'unknown\n' })
  })

  test.each(['secret', 'check-key', 'send-test-webhook'])('%s --help: its own usage', async (command) => {
    const { code, stdout } = await words([command, '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(new RegExp(`^Usage: moonclerk-checkout ${command}\\b`))
  })

  test('an unknown command is named', async () => {
    expect(await words(['nope'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "nope"') })
  })

  test('send-test-webhook: its usage errors say what is wrong', async () => {
    expect((await words(['send-test-webhook'])).stderr).toContain(
      'send-test-webhook needs the endpoint URL, e.g. http://localhost:3000/moonclerk',
    )
    expect((await words(['send-test-webhook', 'ftp://example.com/x'])).stderr).toContain(
      'the URL must be http: or https:',
    )
    // `--id -3` reads as a flag to parseArgs: a usage error too, not a stack trace.
    expect((await words(['send-test-webhook', 'https://example.com/hook', '--id', '-3'])).code).toBe(2)
    for (const id of ['0', '=-3', '1.5', 'x']) {
      const flag = id.startsWith('=') ? ['--id' + id] : ['--id', id]
      const { code, stderr, sent } = await words(['send-test-webhook', 'https://example.com/hook', ...flag])
      expect({ code, sent }).toStrictEqual({ code: 2, sent: [] })
      expect(stderr).toContain('--id must be a positive whole number')
    }
    expect((await words(['send-test-webhook', 'https://example.com/hook', '--id', '1'])).code).toBe(0)
  })

  test('send-test-webhook: a payment and a plan shaped like MoonClerk records, dated to the second', async () => {
    const [payment] = (await words(['send-test-webhook', 'https://example.com/hook', '--id', '41'])).sent
    const [plan] = (
      await words(['send-test-webhook', 'https://example.com/hook', '--id', '41', '--event', 'plan_created'])
    ).sent
    expect(payment.data).toMatchObject({ name: 'Test Payer', email: 'payer@example.com', currency: 'USD' })
    expect(payment.data.checkout).toMatchObject({ token: 'test41', total: 1000, amount_due: 1000, subtotal: 1000 })
    expect(payment.data.checkout.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(plan.data).toMatchObject({ name: 'Test Payer', email: 'payer@example.com' })
    expect(plan.data.subscription).toMatchObject({ id: 42, plan: { id: 1, currency: 'USD', interval: 'month' } })
  })

  test("check-key: a key MoonClerk's API cannot be asked about (a 5xx) exits 3 and says why", async () => {
    const answer = new Response('down', { status: 503, statusText: 'Service Unavailable' })
    const { code, stderr } = await words(['check-key'], { answer })
    expect(code).toBe(3)
    expect(stderr).toMatch(/^MoonClerk's API could not be asked: /)
  })

  test('reconcile --dry-run without a config: says so, prints every row, and reports progress every 10 pages (every page on a terminal)', async () => {
    const { code, stdout, stderr } = await words(['reconcile', '--dry-run', '--since', today()])
    expect(code).toBe(0)
    expect(stderr).toContain('no config: a dry run with an empty memory ledger\n')
    expect(stdout).toMatch(new RegExp(`^since ${today()}\\S* \\(dry run: nothing settled\\)\\n`))
    for (const label of [
      'seen',
      'granted now',
      'already granted',
      'not paid',
      'without a cid',
      'in progress',
      'failed',
      'would settle',
    ])
      expect(stdout).toMatch(new RegExp(`\\n  ${label} +\\d+\\n`))
    expect(stderr).not.toMatch(/page \d+/)
    const onTerminal = await words(['reconcile', '--dry-run', '--since', today()], { isTTY: true })
    expect(onTerminal.stderr).toMatch(/payments: page 1, \d+ records seen\n/)
  })
})
