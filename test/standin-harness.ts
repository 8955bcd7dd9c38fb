// Shared by the stand-in's tests (test/standin-*.test.ts): its modules loaded by URL (they are plain
// JavaScript without declarations, so typed loosely here), a running stand-in, and the requests
// tests make of it: paying through the hosted checkout, calling the API, the /__standin controls.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'

// The stand-in answers JSON of many shapes; tests read it as they need.
export type Json = any

/** One of harness/standin/'s modules, e.g. `standInModule('store.mjs')`. */
export const standInModule = (file: string): Promise<Json> =>
  import(new URL(`../harness/standin/${file}`, import.meta.url).href)

export interface Delivery {
  id: number
  url: string
  event: string
  object: string
  dataId: number
  attempts: number
  responses: Array<number | string>
  state: 'pending' | 'delivered' | 'failed' | 'skipped' | 'dropped'
  status: number | null
}
export interface StandIn {
  origin: string
  server: http.Server
  records: {
    embedRequests: number
    payQueries: Json[]
    payments: Json[]
    api: Json
    webhooks: Delivery[]
    disabledWebhookEndpoints: string[]
  }
  close(): Promise<void>
}
export interface StandInOptions {
  siteOrigin?: string
  apiKey?: string
  webhookRetryMs?: number
  webhookUrl?: string
  webhookEvents?: string[]
  formsFile?: URL
}

export const API_KEY = 'test-key-7f3a'
export const GOOD_HEADERS = {
  Authorization: `Token token=${API_KEY}`,
  Accept: 'application/vnd.moonclerk+json;version=1',
}
// Form ids and tokens from harness/forms.json.
export const ONE_TIME = { token: '8h7frjfytj', id: 234101 }
export const PLAN = { token: 'k2m9q4zr7x', id: 234102 }
export const PAGED = { token: 'e2eonetime', id: 234105 }
// Redirects to a plain URL, without MoonClerk's placeholders (removed from its docs on 2024-11-26).
export const PLAIN = { token: 'plainredir', id: 234111, amountCents: 2500, redirect: '/demo/confirmed-thanks.html' }

/** Starts a stand-in through harness/standin.mjs, the path its importers use. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const { startStandIn: start } = (await import(new URL('../harness/standin.mjs', import.meta.url).href)) as {
    startStandIn(options: StandInOptions): Promise<StandIn>
  }
  return start({ siteOrigin: 'http://127.0.0.1:1', apiKey: API_KEY, ...options })
}

/** Pays through the hosted checkout as a browser form would; returns the redirect's query. */
export async function pay(standIn: StandIn, token: string, fields: Record<string, string>): Promise<URLSearchParams> {
  const response = await fetch(`${standIn.origin}/pay/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
  expect(response.status).toBe(303)
  return new URL(response.headers.get('location')!).searchParams
}

export async function api(
  standIn: StandIn,
  path: string,
  headers: Record<string, string> = GOOD_HEADERS,
): Promise<{ status: number; type: string | null; body: Json }> {
  const response = await fetch(standIn.origin + path, { headers })
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() }
}

/** POSTs JSON to a /__standin/ control; the answer's status and JSON body (null when it has none). */
export async function control(standIn: StandIn, path: string, json?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(standIn.origin + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(json ?? {}),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/**
 * A tiny webhook receiver: what it got, by path. `/down…` paths always answer 503; others answer
 * the statuses queued in `script[path]`, then 200.
 */
export async function startHookServer() {
  const hits: Record<string, Array<{ headers: http.IncomingHttpHeaders; body: Json }>> = {}
  const script: Record<string, number[]> = {}
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = req.url ?? '/'
      ;(hits[path] ??= []).push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
      res.statusCode = path.startsWith('/down') ? 503 : (script[path]?.shift() ?? 200)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    script,
    hitsOf: (path: string) => hits[path] ?? [],
    close,
  }
}

/** Pays on the stand-in's hosted checkout as its form does; returns the redirect URL's parameters. */
export async function payOnStandIn(origin: string, token: string, cid: string): Promise<URLSearchParams> {
  const response = await fetch(`${origin}/pay/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cid, name: 'Leon Bridges', email: 'leon@example.com' }).toString(),
    redirect: 'manual',
  })
  return new URL(response.headers.get('location')!).searchParams
}
