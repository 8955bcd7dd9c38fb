// A Next.js 16 app as a user builds it (e2e/next: App Router, production build, the package from
// this repository's dist/): the element registered by docs/frameworks.md's recipe, and the React component,
// each on two routes showing the same form. Direct loads of both routes, then ten round trips of
// client navigation: no hydration error, no console error or warning, one embed.js per page load,
// and the checkout where the payer is, with that route's cid. Built twice: with Next.js's defaults
// (routes unmount) and with `cacheComponents` (visited routes stay in the DOM, hidden).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { countEmbedRequests, expect, test } from './helpers'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const APP = path.join(HERE, 'next')
const NEXT = path.join(HERE, '..', 'node_modules', 'next', 'dist', 'bin', 'next')
const ROUND_TRIPS = 10

/** Runs Next.js's command line in the app; resolves with the process once `until` shows in its output. */
function next(args: string[], env: Record<string, string>, until?: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [NEXT, ...args], {
    cwd: APP,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk
      if (until && until.test(output)) resolve(child)
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.on('exit', (code) =>
      code == 0 && !until
        ? resolve(child)
        : reject(new Error(`next ${args.join(' ')} exited with ${code}:\n${output}`)),
    )
  })
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

/**
 * The stand-in's URLs, as the e2e site fills them into its pages; its embed.js as MoonClerk's one
 * published copy behaves: markup through innerHTML, a frame 0 px tall until its page reports a
 * height to the listener each instance adds, which resizes the first `#frame-mc<token>`.
 */
async function standIn(baseURL: string): Promise<{ embedSrc: string; payUrl: string }> {
  const html = await (await fetch(new URL('/e2e/react-component.template.html', baseURL))).text()
  const meta = (name: string) => html.match(new RegExp(`name="moonclerk-${name}" content="([^"]+)"`))![1]
  return { embedSrc: meta('embed-src') + '?copy=published', payUrl: meta('pay-url') }
}

for (const config of ['defaults', 'cacheComponents'] as const)
  test.describe(`Next.js 16 (${config})`, () => {
    test.describe.configure({ mode: 'serial' })
    let server: ChildProcess | undefined
    let origin = ''

    test.beforeAll(async ({}, testInfo) => {
      testInfo.setTimeout(120_000)
      const { embedSrc, payUrl } = await standIn(testInfo.project.use.baseURL!)
      const env = {
        NEXT_PUBLIC_MOONCLERK_EMBED_SRC: embedSrc,
        NEXT_PUBLIC_MOONCLERK_PAY_URL: payUrl,
        NEXT_CACHE_COMPONENTS: config == 'cacheComponents' ? '1' : '',
      }
      await next(['build'], env)
      const port = await freePort()
      server = await next(['start', '--hostname', '127.0.0.1', '--port', String(port)], env, /Ready in/)
      origin = `http://127.0.0.1:${port}`
    })

    test.afterAll(() => {
      server?.kill()
    })

    for (const kind of ['element', 'component'] as const)
      test(`${kind}: direct loads of two routes with the same form, then ${ROUND_TRIPS} round trips between them`, async ({
        page,
      }) => {
        const problems: string[] = []
        page.on('console', (message) => ['error', 'warning'].includes(message.type()) && problems.push(message.text()))
        const embeds = countEmbedRequests(page)

        for (const route of ['one', 'two']) {
          await page.goto(`${origin}/${kind}-${route}`)
          await expectShowing(page, kind, route)
        }
        expect(embeds, 'one embed.js per page load').toHaveLength(2)

        for (let trip = 0; trip < ROUND_TRIPS; trip++)
          for (const route of ['one', 'two']) {
            await page.getByRole('link', { name: `${kind == 'element' ? 'Element' : 'Component'}, ${route}` }).click()
            await expectShowing(page, kind, route)
          }
        // With cacheComponents the route left stays in the DOM, hidden, its checkout waiting.
        await expect(page.locator(`main:has(moonclerk-checkout, div.checkout)`)).toHaveCount(
          config == 'cacheComponents' ? 2 : 1,
        )
        expect(embeds, 'client navigation loads embed.js no more').toHaveLength(2)
        expect(problems).toEqual([])
      })
  })

/**
 * The route's checkout shows where the payer is, with the route's cid: one visible frame, resized
 * by its page's height (a hidden twin with the frame's id would have taken the height), inside the
 * author's box, the link hidden.
 */
async function expectShowing(page: Page, kind: string, route: string) {
  const main = page.locator('main').filter({ visible: true })
  await expect(main).toHaveCount(1)
  await expect(main.locator('h1')).toHaveText(new RegExp(`, ${route}$`))
  const checkout = main.locator('moonclerk-checkout, div.checkout')
  await expect(checkout).toHaveAttribute('data-moonclerk-state', 'displayed')
  const frame = page.locator('iframe').filter({ visible: true })
  await expect(frame).toHaveCount(1)
  await expect(frame).toHaveAttribute('src', new RegExp(`[?&]cid=${kind}-${route}(&|$)`))
  await expect(checkout.getByRole('link', { name: 'Pay with MoonClerk' })).toBeHidden()
  await expect.poll(async () => (await frame.boundingBox())!.height).toBeGreaterThan(100)
  const [box, inside] = await Promise.all([checkout.boundingBox(), frame.boundingBox()])
  expect(inside!.y).toBeGreaterThanOrEqual(box!.y)
  expect(inside!.y + inside!.height).toBeLessThanOrEqual(box!.y + box!.height + 1)
}
