// @vitest-environment node
// The stand-in's store (harness/standin/store.mjs): all it remembers in one object, and a reset() that
// brings back a fresh start completely. No server needed.
import { describe, expect, test } from 'vitest'
import { type Json, standInModule } from './standin-harness'

const { createStore, FIRST_IDS, keepLatest, MAX_KEPT, stateOf } = await standInModule('store.mjs')

/** Changes every part of the store, as a busy test run would. */
function dirty(store: Json) {
  store.records.embedRequests = 7
  store.recordPayQuery('t', { cid: 'x' })
  store.recordCheckout({ id: store.takeId('payment') })
  store.records.api.payments.push({ id: 1 })
  store.records.api.customers.push({ id: 2 })
  store.records.webhooks.push({ id: store.takeId('webhook') })
  store.records.disabledWebhookEndpoints.push('http://hooks.example/down')
  for (const series of Object.keys(FIRST_IDS)) store.takeId(series)
  store.paidGenericForm('stray', { id: null, name: 'Payment form stray' })
  Object.assign(store.apiFaults, { status: 503, times: 2 })
  Object.assign(store.webhookDrops, { times: 3, payments: 1 })
}

describe('store', () => {
  test('a fresh store: empty records in the order /__standin/records shows them, ids at their first values', () => {
    const store = createStore()
    expect(JSON.stringify(store.records)).toBe(
      '{"embedRequests":0,"payQueries":[],"payments":[],"api":{"payments":[],"customers":[]},"webhooks":[],"disabledWebhookEndpoints":[]}',
    )
    expect(store.nextId).toEqual({ payment: 100001, customer: 500001, subscription: 700001, form: 900001, webhook: 1 })
    expect(store.paidGenericForms).toEqual({})
    expect(store.apiFaults).toEqual({ status: 0, times: 0 })
    expect(store.webhookDrops).toEqual({ times: 0, payments: 0 })
  })

  test('takeId counts each series on its own', () => {
    const store = createStore()
    expect([
      store.takeId('payment'),
      store.takeId('payment'),
      store.takeId('customer'),
      store.takeId('payment'),
    ]).toEqual([100001, 100002, 500001, 100003])
  })

  test('reset() brings back every part of a fresh start: records, id series, paid generic forms, API faults, disabled endpoints', () => {
    const store = createStore()
    dirty(store)
    expect(stateOf(store)).not.toEqual(stateOf(createStore()))
    store.reset()
    expect(stateOf(store)).toEqual(stateOf(createStore()))
    expect(store.webhookDrops).toEqual({ times: 0, payments: 0 })
    expect(store.takeId('payment')).toBe(FIRST_IDS.payment)
    expect(store.takeId('form')).toBe(FIRST_IDS.form)
  })

  test('reset() refills the same objects, so whoever holds them (startStandIn hands out records) sees a fresh start', () => {
    const store = createStore()
    const { records, nextId, paidGenericForms, apiFaults, webhookDrops } = store
    dirty(store)
    store.reset()
    expect(store.webhookDrops).toBe(webhookDrops)
    expect(store.records).toBe(records)
    expect(store.nextId).toBe(nextId)
    expect(store.paidGenericForms).toBe(paidGenericForms)
    expect(store.apiFaults).toBe(apiFaults)
    expect(JSON.stringify(records)).toBe(JSON.stringify(createStore().records))
  })

  test('reset() leaves no shared arrays behind: a second store and a second reset start from nothing again', () => {
    const first = createStore()
    const second = createStore()
    dirty(first)
    expect(stateOf(second)).toEqual(stateOf(createStore()))
    first.reset()
    dirty(first)
    first.reset()
    expect(stateOf(first)).toEqual(stateOf(createStore()))
  })

  test('a generic form gets its API id at its first payment, and keeps it', () => {
    const store = createStore()
    const generic = { id: null, name: 'Payment form stray' }
    const paid = store.paidGenericForm('stray', generic)
    expect(paid).toEqual({ id: FIRST_IDS.form, name: 'Payment form stray' })
    expect(generic.id).toBeNull()
    expect(store.paidGenericForm('stray', generic)).toBe(paid)
    expect(store.paidGenericForms).toEqual({ stray: paid })
  })

  test('lists keep only their latest entries: 50 pay-page visits, 200 checkouts, MAX_KEPT API records', () => {
    const store = createStore()
    for (let i = 0; i < 60; i++) store.recordPayQuery(`t${i}`, {})
    for (let i = 0; i < 210; i++) store.recordCheckout({ id: i })
    expect(store.records.payQueries).toHaveLength(50)
    expect(store.records.payQueries[0].token).toBe('t10')
    expect(store.records.payments).toHaveLength(200)
    expect(store.records.payments[0].id).toBe(10)

    const list: number[] = []
    for (let i = 0; i <= MAX_KEPT; i++) expect(keepLatest(list, i)).toBe(i)
    expect(list).toHaveLength(MAX_KEPT)
    expect(list[0]).toBe(1)
  })
})

test('a token named like an object property (constructor, __proto__, toString) is a token like any other', async () => {
  const { formFor, genericForm } = await standInModule('forms.mjs')
  const store = createStore()
  for (const token of ['constructor', '__proto__', 'toString']) {
    expect(formFor({}, store.paidGenericForms, token), token).toEqual(genericForm(token))
    const paid = store.paidGenericForm(token, genericForm(token))
    expect(paid.id, token).toEqual(expect.any(Number))
    expect(formFor({}, store.paidGenericForms, token), token).toBe(paid)
  }
})
