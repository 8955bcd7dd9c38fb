// The servers the benchmark measures against: the demo site and the MoonClerk stand-in, started
// as `node demo/serve.mjs --port 0 --json-ready` in their own process, so their timers
// (embed.js's latency) do not wait behind this process's work with the browser. Also the two
// questions the benchmark asks them over HTTP.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

/** Starts demo/serve.mjs; resolves with both origins and close(), once its ready line is read. */
export async function startServers({ timeoutMs = 15_000 } = {}) {
  const serve = path.join(ROOT, 'demo', 'serve.mjs')
  const child = spawn(process.execPath, [serve, '--port', '0', '--json-ready'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  let ready
  try {
    ready = await readyLine(child, timeoutMs)
  } catch (error) {
    await close() // A server that printed something else may still be listening.
    throw error
  }
  child.stdout.resume() // Nothing more is expected; keep the pipe drained all the same.
  return { siteOrigin: ready.site, standInOrigin: ready.standIn, close }
}

/**
 * The first line on the child's stdout, which --json-ready makes one JSON object:
 * {"ready":true,"site":…,"standIn":…,"real":…}. Anything else there is an error, with the output.
 */
function readyLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let output = ''
    const done = (error, value) => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.off('exit', onExit)
      error ? reject(new Error(`bench: demo/serve.mjs ${error}:\n${output}`)) : resolve(value)
    }
    const timer = setTimeout(() => done('did not start'), timeoutMs)
    const onExit = (code) => done(`exited (${code})`)
    const onData = (chunk) => {
      output += chunk
      const end = output.indexOf('\n')
      if (end < 0) return
      let ready
      try {
        ready = JSON.parse(output.slice(0, end))
      } catch {
        return done('printed something other than its JSON ready line')
      }
      if (ready?.ready !== true || typeof ready.site != 'string' || typeof ready.standIn != 'string') return done('printed an unexpected ready line')
      done(null, ready)
    }
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', onData)
    child.once('exit', onExit)
  })
}

/** Whether the server answers `url` gzip-encoded (Node's fetch asks for gzip, as browsers do). */
export async function sendsGzip(url) {
  const response = await fetch(url)
  await response.arrayBuffer()
  return response.headers.get('content-encoding') === 'gzip'
}

/** How many embed.js requests the stand-in has answered so far (its records), or null. */
export async function servedEmbedRequests(env) {
  try {
    const records = await (await fetch(`${env.standInOrigin}/__standin/records`)).json()
    return typeof records.embedRequests == 'number' ? records.embedRequests : null
  } catch {
    return null
  }
}
