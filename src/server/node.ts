// node:http and Express speak IncomingMessage/ServerResponse, not Request/Response. This adapter
// is typed structurally and imports nothing from Node, so the server entry still bundles for
// runtimes without Node compatibility (Workers), where it is simply never called.

/** The parts of node:http's IncomingMessage the adapter reads (Express's `req` has them too). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  method?: string
  url?: string
  headers: Record<string, string | string[] | undefined>
  /** Express puts a parsed body here when a body parser ran first; a Buffer or string is used as is. */
  body?: unknown
  readableEnded?: boolean
}

/** The parts of node:http's ServerResponse the adapter writes. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown
  end(body?: Uint8Array): unknown
  headersSent?: boolean
}

function headersOf(request: NodeRequestLike): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return headers
}

const encoder = new TextEncoder()

/** The body as a stream, or the bytes a body parser already read (`express.raw()`, `express.text()`). */
function bodyOf(request: NodeRequestLike, method: string): BodyInit | null {
  if (method == 'GET' || method == 'HEAD') return null
  const parsed = request.body
  if (parsed instanceof Uint8Array) return parsed as Uint8Array<ArrayBuffer>
  if (typeof parsed == 'string') return parsed
  // express.json() consumed the stream: its object cannot be turned back into MoonClerk's bytes
  // faithfully, but the handler only needs the JSON, so re-serialise it.
  if (parsed !== undefined && request.readableEnded) return JSON.stringify(parsed)
  const chunks = request[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(typeof value == 'string' ? encoder.encode(value) : value)
    },
    async cancel() {
      await chunks.return?.()
    },
  })
}

/**
 * Adapts a `(Request) => Promise<Response>` handler to node:http's `(req, res)` and Express:
 * `http.createServer(toNodeListener(handler))`, `app.post('/moonclerk', toNodeListener(handler))`.
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>) {
  return async (req: NodeRequestLike, res: NodeResponseLike): Promise<void> => {
    let response: Response
    try {
      // A fixed origin: the Host header is the client's to write (`Host: a b` is no URL), and the
      // handler never routes by it. new Request() throws for methods such as TRACE: one request
      // must never throw out of a node:http listener, which would end the whole process.
      const url = new URL(req.url && req.url.startsWith('/') ? req.url : '/', 'http://localhost')
      const method = req.method || 'GET'
      const init = { method, headers: headersOf(req), body: bodyOf(req, method), duplex: 'half' }
      response = await handler(new Request(url, init as RequestInit))
    } catch {
      response = new Response('bad request\n', { status: 400, headers: { 'Content-Type': 'text/plain' } })
    }
    try {
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(new Uint8Array(await response.arrayBuffer()))
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end(encoder.encode('internal error\n'))
    }
  }
}
