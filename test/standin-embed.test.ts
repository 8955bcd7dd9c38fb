// @vitest-environment node
// The stand-in's embed.js (harness/standin/embed.mjs): its fault switches and script text as pure
// functions, then the route over HTTP with those switches.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as harness from './standin-harness'
import { type StandIn, standInModule } from './standin-harness'

const { embedScript, embedScriptFor, readFaults } = await standInModule('embed.mjs')
const { publishedEmbedScript } = await standInModule('embed-published.mjs')

const faults = (query: string) => readFaults(new URLSearchParams(query))

describe('embed.js, without a server', () => {
  test('readFaults: no switches is a plain, well-behaved embed.js', () => {
    expect(faults('')).toEqual({
      status: 200,
      delayMs: 0,
      hang: false,
      reset: false,
      define: true,
      throwIn: undefined,
      frame: true,
      published: false,
    })
  })

  test('readFaults reads every switch; nonsense falls back to the default', () => {
    expect(faults('status=503&delay=250&hang=1&reset=1&define=0&throw=display&frame=0&copy=published')).toEqual({
      status: 503,
      delayMs: 250,
      hang: true,
      reset: true,
      define: false,
      throwIn: 'display',
      frame: false,
      published: true,
    })
    expect(faults('status=x&delay=-5&hang=yes&define=no&copy=latest')).toMatchObject({
      status: 200,
      delayMs: 0,
      hang: false,
      define: true,
      published: false,
    })
  })

  test('the careful script carries its origin, the checkout fields and its switches, and parses', () => {
    const text = embedScript('http://127.0.0.1:9', faults('define=0&throw=constructor&frame=0'))
    expect(text.startsWith("// moonclerk-checkout local stand-in for MoonClerk's embed.js\n")).toBe(true)
    expect(text).toContain(
      'var config = {"origin":"http://127.0.0.1:9","fields":["cid","name","email","amount_cents"],"define":false,"throwIn":"constructor","frame":false};',
    )
    expect(() => new Function(text)).not.toThrow()
  })

  test("copy=published picks the published copy's script; anything else the careful one", () => {
    expect(embedScriptFor('http://127.0.0.1:9', faults('copy=published'))).toBe(
      publishedEmbedScript('http://127.0.0.1:9', faults('copy=published')),
    )
    expect(embedScriptFor('http://127.0.0.1:9', faults(''))).toBe(embedScript('http://127.0.0.1:9', faults('')))
  })
})

describe('embed.js, over HTTP', () => {
  let standIn: StandIn
  beforeAll(async () => {
    standIn = await harness.startStandIn()
  })
  afterAll(async () => {
    await standIn?.close()
  })
  const get = (query = '') => fetch(`${standIn.origin}/assets/embed.js${query}`)

  test('served as JavaScript with its own origin inside, uncached, each request counted', async () => {
    const before = standIn.records.embedRequests
    const response = await get()
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.text()).toBe(embedScript(standIn.origin, faults('')))
    expect(await (await get('?copy=published')).text()).toBe(
      publishedEmbedScript(standIn.origin, faults('copy=published')),
    )
    expect(standIn.records.embedRequests).toBe(before + 2)
  })

  test('status=503 answers that status; delay answers later; reset=1 drops the connection', async () => {
    const failed = await get('?status=503')
    expect(failed.status).toBe(503)
    expect(await failed.text()).toBe('stand-in: status 503\n')
    const late = await get('?delay=20')
    expect(late.status).toBe(200)
    await expect(get('?reset=1')).rejects.toThrow()
  })
})
