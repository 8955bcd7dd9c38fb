// The stand-in's HTTP server: it routes each request to embed.js, the checkout pages, the REST API or
// the test controls, and startStandIn() starts it with one store, one webhook sender and one close().
import http from 'node:http'
import { isoDate } from './api-objects.mjs'
import { API_PATH, handleApi } from './api.mjs'
import { controlRoutes } from './controls.mjs'
import { embedRoutes } from './embed.mjs'
import { FORMS_FILE, formFor, loadForms, prepareForms } from './forms.mjs'
import { send } from './http.mjs'
import { assetRoutes, payRoutes } from './pages.mjs'
import { createStore } from './store.mjs'
import { createWebhookSender, subscribedTopics } from './webhooks.mjs'

/** Routes by `METHOD /path`; each handler takes (ctx, req, res, url). */
const ROUTES = { ...embedRoutes, ...assetRoutes, ...controlRoutes }
// /pay/index/<token> is where the published embed.js points its frame.
const PAY_PATH = /^\/pay\/(?:index\/)?([^/]+)$/

/** The path's token, decoded; left as it is when it does not decode (MoonClerk would 404 it; any token pays here). */
function payToken(raw) {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** The handler for this request, as a function of no arguments, or null for a 404. */
function handlerFor(ctx, req, res, url) {
  const route = ROUTES[`${req.method} ${url.pathname}`]
  if (route) return () => route(ctx, req, res, url)
  const apiPath = API_PATH.exec(url.pathname)
  if (apiPath) return () => handleApi(ctx, req, res, url, apiPath)
  const pay = PAY_PATH.exec(url.pathname)
  if (!pay || !Object.hasOwn(payRoutes, req.method)) return null
  const token = payToken(pay[1])
  return () => payRoutes[req.method](ctx, req, res, url, token, formFor(ctx.forms, ctx.store.paidGenericForms, token))
}

/** Runs a handler; any failure inside it, thrown or rejected, answers 500 rather than leaving the request hanging. */
function runGuarded(res, handler) {
  return (async () => handler())().catch((error) => {
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `stand-in: ${error.message}\n`)
    else res.destroy()
  })
}

/** Timers that close() can cancel all at once: the embed.js delays and the webhook retries. */
function createTimers() {
  const timers = new Set()
  const later = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  const clearAll = () => {
    timers.forEach(clearTimeout)
    timers.clear()
  }
  return { later, clearAll }
}

/** Listens, and tracks sockets so close() can end hanging embed.js requests and keep-alive connections. */
async function listen(server, host, port) {
  const sockets = new Set()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const { address, port: bound } = server.address()
  return { origin: `http://${address.includes(':') ? `[${address}]` : address}:${bound}`, sockets }
}

/**
 * Starts the stand-in. `siteOrigin` is the merchant site's origin, put in place of `%SITE_ORIGIN%`
 * in the forms' redirect templates; `formsFile` replaces harness/forms.json, and `forms` (an object
 * shaped like that file) replaces both. `apiKey` is the key the
 * REST API accepts; `webhookRetryMs` the wait before a webhook's second attempt (the n-th retry
 * waits n times as long); `webhookUrl`, when given, receives every payment and plan the pay flow makes,
 * as the events of `webhookEvents` (the topics that endpoint is subscribed to; default: all of
 * WEBHOOK_EVENTS, e.g. `['payment_created']` for an endpoint that only hears of new payments).
 * `publicOrigin`: the origin its embed.js, pages and records name, when it is reached through a
 * proxy (bench/network.mjs); default: the one it listens on.
 */
export async function startStandIn({
  host = '127.0.0.1',
  port = 0,
  siteOrigin,
  formsFile = FORMS_FILE,
  forms: givenForms,
  apiKey = 'standin-api-key',
  webhookRetryMs = 1000,
  webhookUrl,
  webhookEvents,
  publicOrigin,
} = {}) {
  const topics = subscribedTopics(webhookEvents)
  const forms = givenForms
    ? prepareForms(structuredClone(givenForms), siteOrigin)
    : await loadForms(formsFile, siteOrigin)
  const store = createStore()
  const timers = createTimers()
  const webhooks = createWebhookSender({ store, retryMs: webhookRetryMs, wait: timers.later })
  // What every handler gets; `origin` is known once the server listens, before any request.
  const ctx = {
    store,
    forms,
    apiKey,
    webhookUrl,
    webhookEvents: topics,
    webhooks,
    later: timers.later,
    startedAt: isoDate(Date.now()),
    origin: '',
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', ctx.origin)
    const handler = handlerFor(ctx, req, res, url)
    if (handler) return runGuarded(res, handler)
    send(res, 404, 'text/plain; charset=utf-8', 'stand-in: not found\n')
  })
  const { origin, sockets } = await listen(server, host, port)
  ctx.origin = publicOrigin ?? origin

  // Also stops webhook retries and aborts attempts in flight.
  const close = () =>
    new Promise((resolve) => {
      webhooks.cancelAll()
      timers.clearAll()
      server.close(() => resolve())
      sockets.forEach((socket) => socket.destroy())
    })

  return { origin, server, records: store.records, close }
}
