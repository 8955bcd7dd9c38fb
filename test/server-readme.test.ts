// @vitest-environment node
// The server recipes of docs/server.md, taken from the doc as they are: every block whose first
// line is `// <label>: <path>` (the shared endpoint module, Next.js, Hono, Express, node:http,
// Cloudflare Workers, reconcile). Each is type-checked with the TypeScript compiler against the real
// src/server types ('moonclerk-checkout/server*' mapped to src), with small stand-ins for the
// frameworks this project does not install; node:http, Hono and Next.js are also run, against
// the MoonClerk stand-in with a memory ledger: a webhook in, onPayment once.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Message, type Plugin } from 'esbuild'
import ts from 'typescript'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { API_KEY, control, startStandIn, type Json, type StandIn } from './standin-harness'

const repo = fileURLToPath(new URL('..', import.meta.url))
const src = (path: string) => join(repo, 'src/server', path)
const ENTRIES = {
  'moonclerk-checkout/server': src('index.ts'),
  'moonclerk-checkout/server/sqlite': src('ledger/sqlite.ts'),
  'moonclerk-checkout/server/postgres': src('ledger/postgres.ts'),
}

interface Recipe {
  label: string
  path: string
  code: string
}

/** docs/server.md's marked blocks, by label: ```js or ```ts fences whose first line is `// <label>: <path>`. */
function readmeRecipes(): Map<string, Recipe> {
  const readme = readFileSync(join(repo, 'docs/server.md'), 'utf8')
  const recipes = new Map<string, Recipe>()
  for (const [, code, label, path] of readme.matchAll(
    /^```(?:js|ts)\n(\/\/ (.+?): ([\w./[\]-]+\.(?:js|ts))\b[^\n]*\n[\s\S]*?)^```$/gm,
  )) {
    expect(recipes.has(label), `one docs/server.md block labelled ${label}`).toBe(false)
    recipes.set(label, { label, path, code })
  }
  return recipes
}

const recipes = readmeRecipes()
const recipe = (label: string) => {
  const found = recipes.get(label)
  if (!found) throw new Error(`docs/server.md has no block starting "// ${label}: …"`)
  return found
}
const ENDPOINT = 'endpoint'
const RECIPES = ['next.js', 'hono', 'express', 'node:http', 'cloudflare workers', 'reconcile']

test('docs/server.md has the shared endpoint and a block for each recipe', () => {
  expect([...recipes.keys()].sort()).toStrictEqual([ENDPOINT, ...RECIPES].sort())
  // The recipes import the shared module by the name its block gives.
  expect(recipe(ENDPOINT).path).toBe('moonclerk.js')
  for (const label of ['hono', 'express', 'node:http']) expect(recipe(label).code).toContain(`from './moonclerk.js'`)
  expect(recipe('next.js').code).toContain(`from '@/moonclerk'`)
})

// ---------------------------------------------------------------------------------------------
// Type-checking: one program, each recipe in a directory of its own beside a copy of moonclerk.js.

let tmp: string
const dirOf = (label: string) => join(tmp, label.replace(/[^a-z]+/g, '-'))

/** What the frameworks and your application give the recipes, declared as their types have it. */
const STUBS = `
declare module 'next/server' {
  export class NextRequest extends Request {
    readonly nextUrl: URL
  }
}
declare module 'hono' {
  export interface Context {
    req: { raw: Request; method: string; path: string }
  }
  export class Hono {
    post(path: string, ...handlers: Array<(c: Context) => Response | Promise<Response>>): this
    fetch: (request: Request) => Response | Promise<Response>
  }
}
declare module 'express' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http'
  interface Request extends IncomingMessage {
    body?: any
  }
  type Handler = (req: Request, res: ServerResponse, next: (error?: unknown) => void) => unknown
  interface Application {
    post(path: string, ...handlers: Handler[]): Application
    use(...handlers: Handler[]): Application
    listen(port: number): Server
  }
  function express(): Application
  namespace express {
    function json(): Handler
  }
  export default express
}
declare module '@neondatabase/serverless' {
  export class Pool {
    constructor(config?: { connectionString?: string })
    query(text: string, values?: unknown[]): Promise<{ rows: any[] }>
    end(): Promise<void>
  }
}
// Your application's, as the recipes call them.
declare function grantPurchase(
  customId: string | null,
  payment: import('moonclerk-checkout/server').MoonClerkPayment,
): Promise<void>
declare function setSubscriber(customId: string | null, active: boolean): Promise<void>
// As a TypeScript project declares its environment (an env.d.ts).
declare namespace NodeJS {
  interface ProcessEnv {
    MOONCLERK_API_KEY: string
    RECONCILE_SINCE?: string
  }
}
`

/** Beside a recipe: what its host expects of its exports. */
const CHECKS: Record<string, string> = {
  // What Next.js's build checks of a route's POST: a function of the request and the route's context.
  'next.js': `
    import type { NextRequest } from 'next/server'
    import * as route from './app/api/moonclerk/route'
    export const post: (request: NextRequest, context: { params: Promise<{}> }) => Response | Promise<Response> = route.POST
  `,
  hono: `
    import app from './app.js'
    export const fetchOf: (request: Request) => Response | Promise<Response> = app.fetch
  `,
  // A module Worker's fetch, as @cloudflare/workers-types types it (the parts used).
  'cloudflare workers': `
    import worker from './src/worker.js'
    interface Env { MOONCLERK_API_KEY: string; DATABASE_URL: string }
    interface ExecutionContext { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void }
    export const fetchOf: (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response> = worker.fetch
  `,
}

function writeRecipes() {
  tmp = mkdtempSync(join(tmpdir(), 'moonclerk-readme-'))
  writeFileSync(join(tmp, 'stubs.d.ts'), STUBS)
  const files = [join(tmp, 'stubs.d.ts')]
  const write = (path: string, code: string) => {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, code)
    files.push(path)
  }
  write(join(dirOf(ENDPOINT), 'moonclerk.js'), recipe(ENDPOINT).code)
  for (const label of RECIPES) {
    write(join(dirOf(label), 'moonclerk.js'), recipe(ENDPOINT).code)
    write(join(dirOf(label), recipe(label).path), recipe(label).code)
    if (CHECKS[label]) write(join(dirOf(label), 'check.ts'), CHECKS[label])
  }
  return files
}

const IMPLICIT_ANY = new Set([7006, 7031])

/** Diagnostics of the recipes' files, by label, as `file(line): message`. */
function typeCheck(files: string[]): Map<string, string[]> {
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: true,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    typeRoots: [join(repo, 'node_modules/@types')],
    baseUrl: tmp,
    paths: {
      ...Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, [path]])),
      // Next.js's default import alias, for the route's directory.
      '@/*': [join(dirOf('next.js'), '*')],
    },
  }
  const program = ts.createProgram(files, options)
  const found = new Map<string, string[]>([ENDPOINT, ...RECIPES].map((label) => [label, []]))
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName
    // JavaScript leaves parameters untyped where nothing gives them a type (a Worker's fetch):
    // strict TypeScript's "implicitly has an 'any' type", which a JavaScript project never sees.
    if (file?.endsWith('.js') && IMPLICIT_ANY.has(diagnostic.code)) continue
    const label = [ENDPOINT, ...RECIPES].find((one) => file?.startsWith(dirOf(one) + '/'))
    const at = file
      ? `${relative(tmp, file)}(${diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!).line + 1})`
      : ''
    const message = `${at}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`
    // Outside the recipes (the stubs, src/server): everyone's, reported under the endpoint.
    found.get(label ?? ENDPOINT)!.push(message)
  }
  return found
}

let diagnostics: Map<string, string[]>

beforeAll(() => {
  diagnostics = typeCheck(writeRecipes())
}, 60_000)
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('each docs/server.md recipe type-checks against the real server types', () => {
  test.each([ENDPOINT, ...RECIPES])('%s', (label) => {
    expect(diagnostics.get(label)).toStrictEqual([])
  })
})

// ---------------------------------------------------------------------------------------------
// Running: node:http, Hono and Next.js bundled as written, the stand-in as MoonClerk's API.

interface Run {
  apiOptions: { apiBase: string; retries: number }
  ledgerPaths: string[]
  servers: http.Server[]
  grantPurchase: ReturnType<typeof vi.fn>
  setSubscriber: ReturnType<typeof vi.fn>
}
declare global {
  var __readmeRun: Run
}

let standIn: StandIn
beforeAll(async () => {
  standIn = await startStandIn()
})
afterAll(() => standIn?.close())
beforeEach(async () => {
  await control(standIn, '/__standin/reset')
  globalThis.__readmeRun = {
    apiOptions: { apiBase: standIn.origin + '/', retries: 0 },
    ledgerPaths: [],
    servers: [],
    grantPurchase: vi.fn(async () => {}),
    setSubscriber: vi.fn(async () => {}),
  }
})

/** Resolves what the recipes import: the server entries (aimed at the stand-in), SQLite as memory, node:http on a free port, a Hono-like app. */
const standInsFor: Plugin = {
  name: 'readme-imports',
  setup(build) {
    build.onResolve({ filter: /^moonclerk-checkout\/server(\/sqlite)?$|^node:http$|^hono$/ }, (args) =>
      args.namespace == 'readme' ? undefined : { path: args.path, namespace: 'readme' },
    )
    build.onResolve({ filter: /^@\/moonclerk$/ }, (args) => ({
      path: join(args.resolveDir.split('/app/')[0], 'moonclerk.js'),
    }))
    const modules: Record<string, string> = {
      // The real entry; its handler asks the stand-in, without retries.
      'moonclerk-checkout/server': `
        export * from ${JSON.stringify(ENTRIES['moonclerk-checkout/server'])}
        import { createWebhookHandler as create } from ${JSON.stringify(ENTRIES['moonclerk-checkout/server'])}
        export const createWebhookHandler = (options) => create({ ...options, ...globalThis.__readmeRun.apiOptions })`,
      // SQLite needs a file: a memory ledger here, and the path the recipe gave.
      'moonclerk-checkout/server/sqlite': `
        import { memoryLedgerForTestsOnly } from ${JSON.stringify(src('ledger/memory.ts'))}
        export const sqliteLedger = (path) => (globalThis.__readmeRun.ledgerPaths.push(path), memoryLedgerForTestsOnly())`,
      // node:http as it is, but listening on a free port of 127.0.0.1 whatever port the recipe names.
      'node:http': `
        import http from 'http'
        const createServer = (...args) => {
          const server = http.createServer(...args)
          server.listen = () => http.Server.prototype.listen.call(server, 0, '127.0.0.1')
          globalThis.__readmeRun.servers.push(server)
          return server
        }
        export default { ...http, createServer }
        export { createServer }`,
      // What of Hono the recipe uses: routes by method and path, c.req.raw, app.fetch.
      hono: `
        export class Hono {
          routes = []
          post(path, ...handlers) {
            this.routes.push({ method: 'POST', path, handler: handlers.at(-1) })
            return this
          }
          fetch = async (request) => {
            const path = new URL(request.url).pathname
            const route = this.routes.find((one) => one.method == request.method && one.path == path)
            if (!route) return new Response('404 Not Found', { status: 404 })
            return route.handler({ req: { raw: request, method: request.method, path } })
          }
        }`,
    }
    build.onLoad({ filter: /.*/, namespace: 'readme' }, (args) => ({
      contents: modules[args.path],
      resolveDir: repo,
      loader: 'js',
    }))
  },
}

/** The recipe bundled as written (its imports resolved as above) and imported. */
async function load(label: string): Promise<Json> {
  const entry = join(dirOf(label), recipe(label).path)
  const out = join(dirOf(label), 'run.mjs')
  const run = 'globalThis.__readmeRun'
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [standInsFor],
    define: {
      'process.env.MOONCLERK_API_KEY': JSON.stringify(API_KEY),
      grantPurchase: `${run}.grantPurchase`,
      setSubscriber: `${run}.setSubscriber`,
    },
  })
  return import(/* @vite-ignore */ pathToFileURL(out).href + `?${Date.now()}`)
}

async function seedPayment(customId: string): Promise<Json> {
  const { status, body } = await control(standIn, '/__standin/seed', { payment: { custom_id: customId } })
  expect(status).toBe(201)
  return body.payment
}

const webhookInit = (payment: Json): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    event: 'payment_created',
    object: 'payment',
    data: { id: payment.id, custom_id: payment.custom_id },
  }),
})

/** The recipe's handler got one webhook and a replay: onPayment (grantPurchase) ran once, with MoonClerk's record. */
async function deliversOnce(send: (init: RequestInit) => Promise<Response>, customId: string) {
  const payment = await seedPayment(customId)
  const first = await send(webhookInit(payment))
  expect([first.status, await first.json()]).toStrictEqual([200, { ok: true, outcome: 'granted' }])
  const replay = await send(webhookInit(payment))
  expect([replay.status, await replay.json()]).toStrictEqual([200, { ok: true, outcome: 'duplicate' }])
  expect(__readmeRun.grantPurchase.mock.calls).toStrictEqual([
    [customId, expect.objectContaining({ id: payment.id, custom_id: customId, status: 'successful' })],
  ])
  expect(__readmeRun.ledgerPaths).toStrictEqual(['moonclerk.db'])
}

describe('the docs/server.md recipes run', () => {
  test('node:http: a webhook POSTed to /moonclerk is granted once; other paths are 404', async () => {
    await load('node:http')
    expect(__readmeRun.servers).toHaveLength(1)
    const server = __readmeRun.servers[0]
    try {
      await new Promise((resolve) => (server.listening ? resolve(null) : server.once('listening', resolve)))
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      await deliversOnce((init) => fetch(origin + '/moonclerk', init), 'u-node-http')
      expect((await fetch(origin + '/elsewhere')).status).toBe(404)
      expect((await fetch(origin + '/moonclerk')).status).toBe(405)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('Hono: the app hands c.req.raw to the handler', async () => {
    const { default: app } = await load('hono')
    await deliversOnce((init) => app.fetch(new Request('https://shop.example/moonclerk', init)), 'u-hono')
    expect((await app.fetch(new Request('https://shop.example/elsewhere', { method: 'POST' }))).status).toBe(404)
  })

  test("Next.js: the route's POST is the handler", async () => {
    const route = await load('next.js')
    await deliversOnce((init) => route.POST(new Request('https://shop.example/api/moonclerk', init)), 'u-next')
  })
})

// ---------------------------------------------------------------------------------------------
// Bundling the Workers recipe as Wrangler would: for a runtime without Node, no externals.

/**
 * Errors of bundling the Workers recipe for the browser platform; Neon's client stands in as a
 * stub, and with `withoutPg` pg too (as if the postgres entry did not load it).
 */
async function bundleWorker({ withoutPg = false } = {}): Promise<Message[]> {
  const stubs: Plugin = {
    name: 'worker-stubs',
    setup(build) {
      build.onResolve({ filter: /^@neondatabase\/serverless$/ }, () => ({ path: 'neon', namespace: 'stub' }))
      if (withoutPg) build.onResolve({ filter: /^pg$/ }, () => ({ path: 'pg', namespace: 'stub' }))
      build.onResolve({ filter: /^moonclerk-checkout\/server/ }, (args) => ({
        path: ENTRIES[args.path as keyof typeof ENTRIES],
      }))
      build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
        contents: args.path == 'pg' ? 'export default {}' : 'export class Pool { query() {} end() {} }',
        loader: 'js',
      }))
    },
  }
  try {
    await build({
      entryPoints: [join(dirOf('cloudflare workers'), recipe('cloudflare workers').path)],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      plugins: [stubs],
    })
    return []
  } catch (error) {
    return (error as { errors: Message[] }).errors
  }
}

describe('the Cloudflare Workers recipe bundles for a runtime without Node compatibility', () => {
  test('the recipe and the server entries need nothing of Node (pg aside: below)', async () => {
    const errors = await bundleWorker({ withoutPg: true })
    expect(errors.map((error) => `${error.location?.file}: ${error.text}`)).toStrictEqual([])
  })

  // postgres.ts loads pg by a name in a variable, which bundlers do not follow: with a literal
  // import('pg') this fails (pg's Node-only modules: events, net, dns…).
  test('nothing of pg either', async () => {
    expect(await bundleWorker()).toStrictEqual([])
  })
})
