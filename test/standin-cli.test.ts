// @vitest-environment node
// The stand-in on its own (harness/standin.mjs as a command, for a merchant's app): the options it
// reads, and a run on port 0 through runStandIn(), the code path `node harness/standin.mjs` takes.
import { afterEach, describe, expect, test } from 'vitest'
import type { Json, StandIn } from './standin-harness'

interface Cli {
  readStandInArgs(argv: string[]): Json
  runStandIn(argv: string[], log: (line: string) => void): Promise<{ standIn: StandIn; urls: Json }>
}
const cli = (): Promise<Cli> => import(new URL('../harness/standin.mjs', import.meta.url).href)

describe('node harness/standin.mjs', () => {
  let running: StandIn | undefined
  afterEach(async () => {
    await running?.close()
    running = undefined
  })

  test('reads its options: port 4322 by default, --form TOKEN=URL as a one-time form, --webhook-url', async () => {
    const { readStandInArgs } = await cli()
    expect(readStandInArgs([])).toMatchObject({ host: '127.0.0.1', port: 4322, apiKey: 'standin-api-key', forms: {} })
    const options = readStandInArgs([
      '--port=0',
      '--webhook-url',
      'http://127.0.0.1:3000/hooks/moonclerk',
      '--form',
      'shopform1=http://127.0.0.1:3000/thanks?cid={{custom_id}}',
      '--form',
      'plain2',
    ])
    expect(options.port).toBe(0)
    expect(options.webhookUrl).toBe('http://127.0.0.1:3000/hooks/moonclerk')
    expect(options.forms.shopform1).toMatchObject({
      kind: 'one-time',
      amountCents: null,
      redirect: 'http://127.0.0.1:3000/thanks?cid={{custom_id}}',
      redirectIn: 'top',
    })
    expect(options.forms.plain2.redirect).toBeNull()
    expect(() => readStandInArgs(['--port', 'x'])).toThrow(/invalid port/)
    expect(() => readStandInArgs(['--prot', '1'])).toThrow(/unknown argument --prot/)
    expect(() => readStandInArgs(['--webhook-url', '/relative'])).toThrow()
    expect(() => readStandInArgs(['--form', 'a', '--forms', 'f.json'])).toThrow(/not both/)
  })

  test('starts on port 0, prints the URLs to use, serves embed.js and redirects a --form payment to its URL', async () => {
    const { runStandIn } = await cli()
    const lines: string[] = []
    const { standIn, urls } = await runStandIn(
      ['--port', '0', '--form', 'shopform1=http://127.0.0.1:3000/thanks?cid={{custom_id}}'],
      (line) => lines.push(line),
    )
    running = standIn
    expect(urls.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(urls).toMatchObject({
      embedSrc: `${urls.origin}/assets/embed.js`,
      payUrl: `${urls.origin}/pay/`,
      apiBase: `${urls.origin}/`,
    })
    const printed = lines.join('\n')
    for (const url of [urls.embedSrc, urls.payUrl, urls.apiBase]) expect(printed).toContain(url)
    expect(printed).toContain('shopform1')

    const embed = await fetch(urls.embedSrc)
    expect(embed.status).toBe(200)
    expect(embed.headers.get('content-type')).toMatch(/javascript/)
    expect(await embed.text()).toContain('opts')

    const paid = await fetch(`${urls.payUrl}shopform1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ cid: 'user-7', amount: '12.00' }).toString(),
      redirect: 'manual',
    })
    expect(paid.status).toBe(303)
    expect(paid.headers.get('location')).toBe('http://127.0.0.1:3000/thanks?cid=user-7')
  })
})
