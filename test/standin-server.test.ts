// @vitest-environment node
// The stand-in's server (harness/standin/server.mjs): routing, the 404 and 500 answers, start-up
// checks, close(), and harness/standin.mjs, the path every importer uses.
import { writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as harness from './standin-harness'
import { type StandIn, standInModule } from './standin-harness'

const server = await standInModule('server.mjs')

let standIn: StandIn
beforeAll(async () => {
  standIn = await harness.startStandIn()
})
afterAll(async () => {
  await standIn?.close()
})

describe('server', () => {
  test('harness/standin.mjs re-exports startStandIn from harness/standin/server.mjs, beside its command', async () => {
    const thin = await import(new URL('../harness/standin.mjs', import.meta.url).href)
    expect(Object.keys(thin).sort()).toEqual(['readStandInArgs', 'runStandIn', 'standInUrls', 'startStandIn'])
    expect(thin.startStandIn).toBe(server.startStandIn)
  })

  test('listens on 127.0.0.1, a free port by default; returns its origin, server, records and close()', () => {
    expect(standIn.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(standIn.server.listening).toBe(true)
    expect(standIn.records).toMatchObject({ embedRequests: expect.any(Number), webhooks: expect.any(Array) })
  })

  test('an unknown path, or a method a path does not take, is a plain-text 404', async () => {
    for (const [method, route] of [
      ['GET', '/nothing'],
      ['PUT', '/pay/8h7frjfytj'],
      ['GET', '/pay/a/b'],
      ['POST', '/assets/embed.js'],
      ['GET', '/__standin/reset'],
    ]) {
      const response = await fetch(standIn.origin + route, { method })
      expect(response.status, `${method} ${route}`).toBe(404)
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(await response.text()).toBe('stand-in: not found\n')
    }
  })

  test('a token that does not decode is the checkout of that token as written', async () => {
    const response = await fetch(`${standIn.origin}/pay/bad%ZZ`)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<span data-field="token">bad%ZZ</span>')
  })

  test('a handler that fails answers 500 with the reason, and the server goes on', async () => {
    // A customer seeded without a subscription cannot be ended.
    const seeded = await harness.control(standIn, '/__standin/seed', { customer: { subscription: null } })
    const response = await fetch(`${standIn.origin}/__standin/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ url: 'http://127.0.0.1:1/x', event: 'plan_ended', id: seeded.body.customer.id }),
    })
    expect(response.status).toBe(500)
    expect(await response.text()).toMatch(/^stand-in: .+\n$/)
    expect((await fetch(`${standIn.origin}/assets/pay.css`)).status).toBe(200)
  })

  test('close() ends requests that are never answered and stops listening', async () => {
    const own = await harness.startStandIn()
    const hanging = fetch(`${own.origin}/assets/embed.js?hang=1`)
    await expect.poll(() => own.records.embedRequests).toBe(1)
    await own.close()
    await expect(hanging).rejects.toThrow()
    expect(own.server.listening).toBe(false)
  })

  test('start-up fails on a forms file that needs a siteOrigin it was not given', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'standin-forms-'))
    const file = path.join(dir, 'forms.json')
    await writeFile(
      file,
      JSON.stringify({
        abc: { name: 'A', kind: 'one-time', amountCents: 100, redirect: '%SITE_ORIGIN%/ok', redirectIn: 'top' },
      }),
    )
    await expect(server.startStandIn({ formsFile: pathToFileURL(file) })).rejects.toThrow(/got no siteOrigin/)
    const own = await server.startStandIn({ formsFile: pathToFileURL(file), siteOrigin: 'http://shop.example' })
    expect((await fetch(`${own.origin}/pay/abc`)).headers.get('content-security-policy')).toContain(
      "form-action 'self' http://shop.example",
    )
    await own.close()
  })
})
