// MoonClerk's webhook sender, as webhooks.md describes it: unsigned JSON POSTs, retried until a
// 200–204 answer, the endpoint disabled after the last failed attempt and later events to it skipped;
// and the drops a test sets, webhooks that never leave (while the API has their records).
import http from 'node:http'
import https from 'node:https'
import { keepLatest } from './store.mjs'

/**
 * Topic → the kind of object its payload carries (webhooks.md, "Supported Topics"). Only `payment_created`
 * and `plan_created` are printed in the docs; the other strings are read from the topics' names.
 */
export const WEBHOOK_EVENTS = Object.freeze({
  payment_created: 'payment',
  payment_succeeded: 'payment', // "Payment Succeeded", a topic since 2023-04-26.
  plan_created: 'customer',
  plan_ended: 'customer',
  plan_payment_failed: 'customer',
})
// "retried up to 10 times, after which the endpoint is disabled": read here as 10 attempts in all.
export const WEBHOOK_ATTEMPTS = 10
// A receiver that neither answers nor closes costs one attempt, not a stuck delivery.
const WEBHOOK_TIMEOUT_MS = 5000

const delivered = (result) => typeof result === 'number' && result >= 200 && result <= 204

/**
 * POSTs one webhook attempt; resolves with the HTTP status, or the network error's code. No
 * keep-alive agent: a finished delivery holds no socket open in the receiver.
 */
export function postWebhook(url, body, signal) {
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http
    const req = client.request(url, {
      method: 'POST',
      agent: false,
      signal,
      timeout: WEBHOOK_TIMEOUT_MS,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': 'MoonClerk stand-in webhooks',
      },
    })
    req.on('response', (res) => {
      res.resume() // Only the status counts; drain the body so the socket closes.
      resolve(res.statusCode)
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })))
    req.on('error', (error) => resolve(error.code || error.message))
    req.end(body)
  })
}

/**
 * The topics the pay flow's endpoint is subscribed to, as a Set: every topic unless `events` names some
 * (as a merchant ticks them in MoonClerk's settings). An unknown one fails the start rather than
 * silently never firing.
 */
export function subscribedTopics(events = Object.keys(WEBHOOK_EVENTS)) {
  if (!Array.isArray(events)) throw new TypeError('stand-in: webhookEvents must be an array of event strings')
  const known = Object.keys(WEBHOOK_EVENTS).join(', ')
  for (const event of events)
    if (!Object.hasOwn(WEBHOOK_EVENTS, event))
      throw new TypeError(`stand-in: webhookEvents: no event ${JSON.stringify(event)} (${known})`)
  return new Set(events)
}

/**
 * What a checkout announces to an endpoint subscribed to every topic, as [event, object] pairs: a plan's
 * `plan_created`, then `payment_created` (sent "in any state"), then `payment_succeeded` only when the
 * payment's status is successful.
 */
export function checkoutEvents(customer, payment) {
  return [
    ...(customer ? [['plan_created', customer]] : []),
    ['payment_created', payment],
    ...(payment.status === 'successful' ? [['payment_succeeded', payment]] : []),
  ]
}

/**
 * Changes a customer as a plan event says, before it is sent, so that the payload and the API agree.
 * Other events change nothing.
 */
export function applyPlanEvent(record, event, now) {
  if (event === 'plan_ended') {
    Object.assign(record.subscription, {
      status: 'canceled',
      canceled_at: now,
      ended_at: now,
      next_payment_attempt: null,
    })
    record.status = 'canceled'
  } else if (event === 'plan_payment_failed') {
    record.subscription.status = 'past_due'
    record.status = 'past_due'
    record.delinquent = true
  }
}

/**
 * Spends one of the drops counted in `drops[key]` (store.webhookDrops); true when there was one to spend,
 * so that the caller drops what it was about to send.
 */
export function takeDrop(drops, key) {
  if (!(drops[key] > 0)) return false
  drops[key]--
  return true
}

/** A delivery's record, as records.webhooks shows it. */
function newDelivery(id, url, event, data) {
  return {
    id,
    url: url.href,
    event,
    object: WEBHOOK_EVENTS[event],
    dataId: data.id,
    attempts: 0,
    responses: [], // Each attempt's HTTP status, or its network error's code.
    // Then 'delivered', 'failed' (endpoint disabled), 'skipped' (it already was) or 'dropped' (never sent:
    // POST /__standin/webhook-drops).
    state: 'pending',
    status: null, // The HTTP status of the attempt that succeeded, or of the last one.
  }
}

/**
 * Tries one delivery until it succeeds or runs out of attempts. `sender` holds the shared parts;
 * an attempt made before a cancelAll() (a newer `generation`) records nothing more.
 */
async function attemptAll(sender, delivery, url, body) {
  const { store, retryMs, wait, post, inFlight } = sender
  const mine = sender.generation
  // This delivery's own list: should the store be reset meanwhile, a late failure must not
  // disable an endpoint in the fresh state.
  const { disabledWebhookEndpoints } = store.records
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    if (attempt > 1) await wait(retryMs * (attempt - 1))
    if (sender.generation !== mine) return
    const controller = new AbortController()
    inFlight.add(controller)
    const result = await post(url, body, controller.signal)
    inFlight.delete(controller)
    if (sender.generation !== mine) return
    Object.assign(delivery, { attempts: attempt, status: typeof result === 'number' ? result : null })
    delivery.responses.push(result)
    if (delivered(result)) return void (delivery.state = 'delivered')
  }
  delivery.state = 'failed'
  if (!disabledWebhookEndpoints.includes(delivery.url)) disabledWebhookEndpoints.push(delivery.url)
}

/**
 * The sender, its records kept in `store`. `wait(ms)` is the pause before a retry (the n-th retry
 * waits n × `retryMs`); `post` sends one attempt. Both are given so tests need no network and no clock.
 */
export function createWebhookSender({ store, retryMs, wait, post = postWebhook }) {
  // `generation` is bumped by cancelAll(); `inFlight` holds the AbortControllers of attempts being sent.
  const sender = { store, retryMs, wait, post, generation: 0, inFlight: new Set() }
  const settled = new WeakMap() // Delivery → the promise of its end.

  /** Records a delivery that is never attempted: 'skipped' or 'dropped'. */
  function settleUnsent(delivery, state) {
    delivery.state = state
    settled.set(delivery, Promise.resolve(delivery))
    return delivery
  }

  /**
   * Sends `event` about `data` to `url` in the background; returns its delivery record at once. It is
   * dropped when `drop` says so (a checkout's drop) or a counted drop is left. A disabled endpoint is
   * checked first: a drop is spent only on a webhook that would otherwise have been sent.
   */
  function deliver(url, event, data, { drop = false } = {}) {
    const delivery = keepLatest(store.records.webhooks, newDelivery(store.takeId('webhook'), url, event, data))
    if (store.records.disabledWebhookEndpoints.includes(delivery.url)) return settleUnsent(delivery, 'skipped')
    if (drop || takeDrop(store.webhookDrops, 'times')) return settleUnsent(delivery, 'dropped')
    // The object as it is now: a later change must not alter a retried payload.
    const body = JSON.stringify({ event, object: delivery.object, data })
    settled.set(
      delivery,
      attemptAll(sender, delivery, url, body).then(() => delivery),
    )
    return delivery
  }

  /** Stops every delivery: attempts in flight are aborted, and none is tried again. */
  function cancelAll() {
    sender.generation++
    sender.inFlight.forEach((controller) => controller.abort())
    sender.inFlight.clear()
  }

  /**
   * Resolves with the delivery once it has stopped: delivered, failed, skipped, dropped, or cancelled
   * (after its pending wait).
   */
  const whenSettled = (delivery) => settled.get(delivery) ?? Promise.resolve(delivery)

  return { deliver, cancelAll, whenSettled }
}
