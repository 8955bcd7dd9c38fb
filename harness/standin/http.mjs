// Reading request bodies and sending answers: the small HTTP helpers every route shares.

// Form posts hold four short fields, control requests a small JSON object; anything bigger is refused.
const MAX_BODY_BYTES = 16 * 1024

/** Every answer of the stand-in is uncached: tests and demos always see the current state. */
export function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers })
  res.end(body)
}

export const sendJson = (res, status, value, headers) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers)

/** A request body as text, or null when it is too big (the rest is read and dropped, so the answer gets through). */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The urlencoded body of a form post, or null when it is too big. */
export async function readForm(req) {
  const body = await readBody(req)
  return body === null ? null : new URLSearchParams(body)
}

/** A JSON object from the request body, or a 400/413 already sent (then undefined). */
export async function readJson(req, res) {
  const body = await readBody(req)
  if (body === null) return void sendJson(res, 413, { error: 'stand-in: body too large' })
  try {
    const value = JSON.parse(body)
    if (value && typeof value == 'object' && !Array.isArray(value)) return value
  } catch {
    // Answered below.
  }
  sendJson(res, 400, { error: 'stand-in: send a JSON object' })
}
