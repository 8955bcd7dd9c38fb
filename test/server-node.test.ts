// @vitest-environment node
// toNodeListener() on its own: what the handler receives from a node:http or Express request, and
// what the response gets back, with fakes shaped like IncomingMessage and ServerResponse.
import { describe, expect, test } from 'vitest'
import { toNodeListener, type NodeRequestLike, type NodeResponseLike } from '../src/server/node'

type Seen = { method: string; url: string; headers: [string, string][]; body: string | null }

/** A handler that records the Request it got and answers `answer` (or throws it). */
function recorder(answer: Response | Error = new Response('ok', { status: 201, headers: { 'X-Answer': 'yes' } })) {
  const seen: Seen[] = []
  const handler = async (request: Request) => {
    const body = request.body ? await request.text() : null
    seen.push({ method: request.method, url: request.url, headers: [...request.headers], body })
    if (answer instanceof Error) throw answer
    return answer
  }
  return { seen, handler }
}

/** A request: an async iterable of `chunks` with the fields node:http gives. */
function request(
  fields: Partial<NodeRequestLike>,
  chunks: (string | Uint8Array)[] = [],
): NodeRequestLike & { returned: boolean } {
  const req = {
    headers: {},
    ...fields,
    returned: false,
    [Symbol.asyncIterator]() {
      let i = 0
      return {
        next: async () =>
          i < chunks.length ? { done: false as const, value: chunks[i++] } : { done: true as const, value: undefined },
        return: async () => ((req.returned = true), { done: true as const, value: undefined }),
      }
    },
  }
  return req
}

/** A response that records what was written; `failWrites` makes writeHead throw the first time. */
function response({ failWrites = false, headersSent = false } = {}) {
  const out = { heads: [] as [number, Record<string, string>][], bodies: [] as string[], headersSent }
  let failed = false
  const res: NodeResponseLike = {
    writeHead(status, headers) {
      if (failWrites && !failed) {
        failed = true
        throw new Error('socket gone')
      }
      out.heads.push([status, headers])
    },
    end(body) {
      out.bodies.push(body ? new TextDecoder().decode(body) : '')
    },
    get headersSent() {
      return out.headersSent
    },
  }
  return { res, out }
}

describe('the Request the handler gets', () => {
  test('method, path and query as sent, on a fixed origin; headers with every value of a repeated one', async () => {
    const { seen, handler } = recorder()
    const req = request(
      {
        method: 'POST',
        url: '/moonclerk?x=1',
        headers: { 'content-type': 'application/json', 'x-many': ['a', 'b'], 'x-none': undefined, host: 'a b' },
      },
      ['{"a":', '1}'],
    )
    await toNodeListener(handler)(req, response().res)
    expect(seen).toStrictEqual([
      {
        method: 'POST',
        url: 'http://localhost/moonclerk?x=1',
        headers: [
          ['content-type', 'application/json'],
          ['host', 'a b'],
          ['x-many', 'a, b'],
        ],
        body: '{"a":1}',
      },
    ])
  })

  test('no method is GET; a URL that is not a path is /', async () => {
    const { seen, handler } = recorder()
    await toNodeListener(handler)(request({ url: 'http://evil.example/x' }), response().res)
    await toNodeListener(handler)(request({ method: 'GET' }), response().res)
    expect(seen.map((s) => [s.method, s.url, s.body])).toStrictEqual([
      ['GET', 'http://localhost/', null],
      ['GET', 'http://localhost/', null],
    ])
  })

  test('GET and HEAD have no body, even with bytes in the stream', async () => {
    const { seen, handler } = recorder()
    await toNodeListener(handler)(request({ method: 'HEAD', url: '/' }, ['x']), response().res)
    await toNodeListener(handler)(request({ method: 'GET', url: '/' }, ['x']), response().res)
    expect(seen.map((s) => s.body)).toStrictEqual([null, null])
  })

  test('bytes or text a body parser read are the body; a parsed object is sent again as JSON only once the stream is read', async () => {
    const { seen, handler } = recorder()
    const post = (fields: Partial<NodeRequestLike>, chunks: string[] = []) =>
      toNodeListener(handler)(request({ method: 'POST', url: '/', ...fields }, chunks), response().res)
    await post({ body: new TextEncoder().encode('bytes') })
    await post({ body: 'text' })
    await post({ body: { a: 1 }, readableEnded: true })
    await post({ body: { a: 1 }, readableEnded: false }, ['from the stream'])
    await post({}, ['streamed'])
    expect(seen.map((s) => s.body)).toStrictEqual(['bytes', 'text', '{"a":1}', 'from the stream', 'streamed'])
  })

  test('a body the handler does not read is cancelled: the stream is returned', async () => {
    const req = request({ method: 'POST', url: '/' }, ['a', 'b'])
    const handler = async (request: Request) => {
      await request.body?.cancel()
      return new Response(null, { status: 204 })
    }
    await toNodeListener(handler)(req, response().res)
    expect(req.returned).toBe(true)
  })
})

describe('the answer written back', () => {
  test("the handler's status, headers and body", async () => {
    const { res, out } = response()
    await toNodeListener(recorder().handler)(request({ url: '/' }), res)
    expect(out.heads).toStrictEqual([[201, { 'content-type': 'text/plain;charset=UTF-8', 'x-answer': 'yes' }]])
    expect(out.bodies).toStrictEqual(['ok'])
  })

  test('a handler that throws, or a request Request() refuses: 400, plain text', async () => {
    for (const req of [request({ url: '/' }), request({ method: 'TRACE', url: '/' })]) {
      const { res, out } = response()
      await toNodeListener(recorder(new Error('boom')).handler)(req, res)
      expect(out.heads).toStrictEqual([[400, { 'content-type': 'text/plain' }]])
      expect(out.bodies).toStrictEqual(['bad request\n'])
    }
  })

  test('a response that cannot be written: 500 if nothing was sent yet, and the body ends either way', async () => {
    const fresh = response({ failWrites: true })
    await toNodeListener(recorder().handler)(request({ url: '/' }), fresh.res)
    expect(fresh.out.heads).toStrictEqual([[500, { 'Content-Type': 'text/plain' }]])
    expect(fresh.out.bodies).toStrictEqual(['internal error\n'])
    const sent = response({ failWrites: true, headersSent: true })
    await toNodeListener(recorder().handler)(request({ url: '/' }), sent.res)
    expect(sent.out.heads).toStrictEqual([])
    expect(sent.out.bodies).toStrictEqual(['internal error\n'])
  })
})
