// The servers the benchmark measures against: the demo site and the MoonClerk stand-in, started
// as `node harness/site.mjs --port 0 --json-ready` in their own process, so their timers
// (embed.js's latency) do not wait behind this process's work with the browser; and the realistic
// page's site (bench/landing-site.mjs), likewise. Also the two questions the benchmark asks them
// over HTTP.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

/** Starts harness/site.mjs; resolves with both origins and close(), once its ready line is read. */
export async function startServers({ timeoutMs = 15_000 } = {}) {
  const isReady = (ready) => typeof ready.site == 'string' && typeof ready.standIn == 'string'
  const { ready, close } = await spawnReady(
    path.join(ROOT, 'harness', 'site.mjs'),
    ['--port', '0', '--json-ready'],
    isReady,
    timeoutMs,
  )
  return { siteOrigin: ready.site, standInOrigin: ready.standIn, close }
}

/**
 * Starts bench/landing-site.mjs (the realistic page's site), which names the stand-in's embed.js
 * and the "CDN" (harness/site.mjs's /dist/) in its pages; resolves with its origin and close().
 */
export async function startLandingSite({ standInOrigin, cdnOrigin, timeoutMs = 15_000 }) {
  const args = ['--stand-in', standInOrigin, '--cdn', cdnOrigin]
  const { ready, close } = await spawnReady(
    path.join(ROOT, 'bench', 'landing-site.mjs'),
    args,
    (r) => typeof r.origin == 'string',
    timeoutMs,
  )
  return { origin: ready.origin, close }
}

/**
 * Starts bench/network.mjs (the connection-cost profile: its relay, TLS front, stand-in and landing
 * site); resolves with its origins, control origin, certificates' SPKI hashes and close().
 */
export async function startNetworkProcess({ timeoutMs = 30_000 } = {}) {
  const isReady = (r) => typeof r.control == 'string' && typeof r.origins?.page == 'string' && Array.isArray(r.spki)
  const { ready, close } = await spawnReady(path.join(ROOT, 'bench', 'network.mjs'), [], isReady, timeoutMs)
  return { origins: ready.origins, control: ready.control, standIn: ready.standIn, spki: ready.spki, close }
}

/**
 * Runs `script` with Node in its own process; resolves once its first stdout line is a JSON ready
 * object that `isReady` accepts, with that object and close() (which ends the process).
 */
async function spawnReady(script, args, isReady, timeoutMs) {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  let ready
  try {
    ready = await readyLine(child, path.relative(ROOT, script), isReady, timeoutMs)
  } catch (error) {
    await close() // A server that printed something else may still be listening.
    throw error
  }
  child.stdout.resume() // Nothing more is expected; keep the pipe drained all the same.
  return { ready, close }
}

/**
 * The first line on the child's stdout, which must be one JSON object with `"ready": true` that
 * `isReady` accepts, e.g. harness/site.mjs's {"ready":true,"site":…,"standIn":…,"real":…}.
 * Anything else there is an error, with the output.
 */
function readyLine(child, name, isReady, timeoutMs) {
  return new Promise((resolve, reject) => {
    let output = ''
    const done = (error, value) => {
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.off('exit', onExit)
      error ? reject(new Error(`bench: ${name} ${error}:\n${output}`)) : resolve(value)
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
      if (ready?.ready !== true || !isReady(ready)) return done('printed an unexpected ready line')
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

/**
 * How many embed.js requests the stand-in has answered so far (its records), or null. `recordsOrigin`:
 * where to ask, when the pages reach the stand-in through bench/network.mjs.
 */
export async function servedEmbedRequests(env) {
  try {
    const records = await (await fetch(`${env.recordsOrigin ?? env.standInOrigin}/__standin/records`)).json()
    return typeof records.embedRequests == 'number' ? records.embedRequests : null
  } catch {
    return null
  }
}
