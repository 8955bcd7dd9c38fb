// @vitest-environment node
// The stand-in's REST API (harness/standin/api.mjs), as MoonClerk documents it: over HTTP, with records
// made the documented way, by paying through the hosted checkout; and its header checks, paging
// and filters as pure functions.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as harness from './standin-harness'
import { API_KEY, GOOD_HEADERS, type Json, ONE_TIME, PAGED, PLAN, type StandIn, standInModule } from './standin-harness'

const { acceptsApiV1, apiKeyOf, listRows, utcDay } = await standInModule('api.mjs')

let standIn: StandIn
beforeAll(async () => {
  standIn = await harness.startStandIn()
})
afterAll(async () => {
  await standIn?.close()
})

const pay = (token: string, fields: Record<string, string>) => harness.pay(standIn, token, fields)
const api = (path: string, headers?: Record<string, string>) => harness.api(standIn, path, headers)
const control = (path: string, json: unknown) => harness.control(standIn, path, json)

describe('REST API', () => {
  test('a one-time checkout is a payment whose custom_id and checkout.token match the redirect', async () => {
    const back = await pay(ONE_TIME.token, { cid: 'user-42', name: 'Leon Bridges', email: 'leon@example.com' })
    const id = back.get('payment_id')!
    expect(back.get('custom_id')).toBe('user-42')
    expect(back.get('checkout_token')).toMatch(/^[A-Za-z0-9]{24}$/)

    const { status, type, body } = await api(`/payments/${id}`)
    expect(status).toBe(200)
    expect(type).toMatch(/^application\/json/)
    expect(Object.keys(body)).toEqual(['payment'])
    expect(body.payment).toMatchObject({
      id: Number(id),
      status: 'successful',
      currency: 'USD',
      amount: 1000,
      amount_refunded: 0,
      name: 'Leon Bridges',
      email: 'leon@example.com',
      custom_id: 'user-42',
      customer_id: null,
      form_id: ONE_TIME.id,
      checkout: { token: back.get('checkout_token') },
    })
    expect(body.payment.fee).toBe(59) // Stripe's 2.9% + 30¢ of $10, as in MoonClerk's example.
    expect(body.payment.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(Math.abs(Date.parse(body.payment.date) - Date.now())).toBeLessThan(60_000)

    const list = await api('/payments')
    expect(Object.keys(list.body)).toEqual(['payments'])
    expect(list.body.payments[0]).toEqual(body.payment) // Newest first.
  })

  test('a recurring checkout is a customer (the plan) plus its first payment, tied by customer_id', async () => {
    const back = await pay(PLAN.token, { cid: 'member-7', name: 'Ada', email: 'ada@example.com' })
    const customerId = Number(back.get('customer_id'))

    const { status, body } = await api(`/customers/${customerId}`)
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['customer'])
    expect(body.customer).toMatchObject({
      id: customerId,
      name: 'Ada',
      email: 'ada@example.com',
      custom_id: 'member-7',
      form_id: PLAN.id,
      status: 'active',
      checkout: { token: back.get('checkout_token'), amount_due: 1500 },
      subscription: { status: 'active', plan: { amount: 1500, currency: 'USD', interval: 'month' } },
    })

    const payments = await api(`/payments?customer_id=${customerId}`)
    expect(payments.body.payments).toHaveLength(1)
    expect(payments.body.payments[0]).toMatchObject({
      customer_id: customerId,
      custom_id: 'member-7',
      amount: 1500,
      form_id: PLAN.id,
    })
    expect(payments.body.payments[0].id).not.toBe(customerId)
    // The checkout token is on the plan's customer; its payments come from invoices (docs/moonclerk.md, "REST API").
    expect(payments.body.payments[0].checkout).toBeNull()

    const customers = await api('/customers')
    expect(Object.keys(customers.body)).toEqual(['customers'])
    expect(customers.body.customers[0]).toEqual(body.customer)
  })

  test('GET /forms lists the forms with their ids and checkout tokens', async () => {
    const { status, body } = await api('/forms?count=100')
    expect(status).toBe(200)
    expect(body.forms).toHaveLength(12) // harness/forms.json
    const form = body.forms.find((f: Json) => f.id === ONE_TIME.id)
    expect(form).toMatchObject({ title: 'My Payment Form', access_token: ONE_TIME.token, currency: 'USD' })
    expect(form.successful_checkout_count).toBeGreaterThanOrEqual(1)
    expect((await api(`/forms/${PLAN.id}`)).body.form).toMatchObject({ id: PLAN.id, access_token: PLAN.token })
  })

  test('lists: 10 rows by default, count and offset page them, newest first; count outside 1–100 is a 400', async () => {
    const made: number[] = []
    for (let i = 0; i < 12; i++)
      made.push(Number((await pay(PAGED.token, { cid: `p${i}`, name: 'P', email: 'p@example.com' })).get('payment_id')))
    const newestFirst = [...made].reverse()

    const first = await api(`/payments?form_id=${PAGED.id}`)
    expect(first.body.payments.map((p: Json) => p.id)).toEqual(newestFirst.slice(0, 10))
    const rest = await api(`/payments?form_id=${PAGED.id}&count=5&offset=10`)
    expect(rest.body.payments.map((p: Json) => p.id)).toEqual(newestFirst.slice(10))
    const all = await api(`/payments?form_id=${PAGED.id}&count=100`)
    expect(all.body.payments).toHaveLength(12)
    expect((await api(`/payments?form_id=${PAGED.id}&count=1&offset=3`)).body.payments.map((p: Json) => p.id)).toEqual([
      newestFirst[3],
    ])

    for (const bad of ['count=0', 'count=101', 'count=ten', 'offset=-1']) {
      const answer = await api(`/payments?${bad}`)
      expect(answer.status, bad).toBe(400)
      expect(answer.body.error, bad).toEqual(expect.any(String))
    }
    expect((await api('/payments?count=100')).status).toBe(200)
    expect((await api('/payments?count=1')).body.payments).toHaveLength(1)
  })

  test('payment filters: date_from/date_to are whole UTC days, status, form_id; combined', async () => {
    const formId = 880001
    const seeded: Record<string, number> = {}
    const dates = {
      before: '2014-04-08T23:59:59Z',
      dayStart: '2014-04-09T00:00:00Z',
      dayEnd: '2014-04-09T23:59:59Z',
      after: '2014-04-10T00:00:00Z',
    }
    for (const [name, date] of Object.entries(dates)) {
      const { status, body } = await control('/__standin/seed', { payment: { date, form_id: formId, custom_id: name } })
      expect(status).toBe(201)
      expect(body.payment).toMatchObject({
        date,
        form_id: formId,
        custom_id: name,
        status: 'successful',
        currency: 'USD',
      })
      seeded[name] = body.payment.id
    }
    const refunded = await control('/__standin/seed', {
      payment: { date: dates.dayEnd, form_id: formId, status: 'refunded', amount_refunded: 1000 },
    })
    const ids = async (query: string) =>
      (await api(`/payments?form_id=${formId}&${query}`)).body.payments.map((p: Json) => p.id)

    expect(await ids('date_from=2014-04-09&date_to=2014-04-09&status=successful')).toEqual([
      seeded.dayEnd,
      seeded.dayStart,
    ])
    expect(await ids('date_from=2014-04-09&status=successful')).toEqual([seeded.after, seeded.dayEnd, seeded.dayStart])
    expect(await ids('date_to=2014-04-08')).toEqual([seeded.before])
    expect(await ids('status=refunded')).toEqual([refunded.body.payment.id])

    // A payment made now falls within its own UTC day (read back, so midnight cannot flake this).
    const paidId = Number(
      (await pay(ONE_TIME.token, { cid: 'today', name: 'T', email: 't@example.com' })).get('payment_id'),
    )
    const day = (await api(`/payments/${paidId}`)).body.payment.date.slice(0, 10)
    expect(Math.abs(Date.parse(day) - Date.now())).toBeLessThan(2 * 24 * 60 * 60 * 1000)
    const sameDay = (await api(`/payments?form_id=${ONE_TIME.id}&date_from=${day}&date_to=${day}&count=100`)).body
      .payments
    expect(sameDay.map((p: Json) => p.id)).toContain(paidId)
    expect((await api(`/payments?form_id=${ONE_TIME.id}&date_to=2014-04-10`)).body.payments).toEqual([])

    for (const bad of ['date_from=2014-4-9', 'date_to=2014-02-30', 'customer_id=abc'])
      expect((await api(`/payments?${bad}`)).status, bad).toBe(400)
  })

  test('the seed refuses an id already taken', async () => {
    const first = await control('/__standin/seed', { customer: { custom_id: 'seeded', form_id: PLAN.id } })
    expect(first.status).toBe(201)
    expect(first.body.customer).toMatchObject({ custom_id: 'seeded', subscription: { status: 'active' } })
    expect((await api(`/customers/${first.body.customer.id}`)).body.customer).toEqual(first.body.customer)
    expect((await control('/__standin/seed', { customer: { id: first.body.customer.id } })).status).toBe(400)
  })

  test('no key or a wrong key is a 401 with a JSON error; the key may be quoted', async () => {
    for (const authorization of [undefined, 'Token token=wrong', `Bearer ${API_KEY}`, `Token token=${API_KEY}x`]) {
      const headers: Record<string, string> = { Accept: GOOD_HEADERS.Accept }
      if (authorization) headers.Authorization = authorization
      const answer = await api('/payments', headers)
      expect(answer.status, authorization).toBe(401)
      expect(answer.type).toMatch(/^application\/json/)
      expect(answer.body.error).toEqual(expect.any(String))
    }
    expect((await api('/customers/1', { ...GOOD_HEADERS, Authorization: 'Token token=wrong' })).status).toBe(401)
    expect((await api('/forms', { ...GOOD_HEADERS, Authorization: `Token token="${API_KEY}"` })).status).toBe(200)
  })

  test('no Accept header, or not the versioned MoonClerk type, is a 406', async () => {
    const auth = { Authorization: GOOD_HEADERS.Authorization }
    for (const accept of [
      undefined,
      'application/json',
      'application/vnd.moonclerk+json',
      'application/vnd.moonclerk+json;version=2',
    ]) {
      const answer = await api('/payments', accept ? { ...auth, Accept: accept } : auth)
      expect(answer.status, accept).toBe(406)
      expect(answer.body.error).toEqual(expect.any(String))
    }
    expect(
      (await api('/payments', { ...auth, Accept: 'text/html, application/vnd.moonclerk+json; version=1' })).status,
    ).toBe(200)
  })

  test('an unknown id is a 404 with a JSON error', async () => {
    for (const path of ['/payments/99999999', '/customers/99999999', '/forms/99999999', '/payments/abc']) {
      const answer = await api(path)
      expect(answer.status, path).toBe(404)
      expect(answer.body.error).toEqual(expect.any(String))
    }
  })

  test('the fault switch makes the next N calls fail, so a client can retry through them', async () => {
    expect((await control('/__standin/api-faults', { status: 503, times: 2 })).status).toBe(200)
    const statuses: number[] = []
    // A caller that retries 5xx, as MoonClerk asks.
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await api('/payments?count=1')
      statuses.push(answer.status)
      if (answer.status < 500) break
    }
    expect(statuses).toEqual([503, 503, 200])
    expect((await control('/__standin/api-faults', { status: 200 })).status).toBe(400)
  })
})

describe('header checks, without a server', () => {
  test('acceptsApiV1: the versioned MoonClerk type, alone or among others, version quoted or not', () => {
    expect(acceptsApiV1('application/vnd.moonclerk+json;version=1')).toBe(true)
    expect(acceptsApiV1('text/html, Application/VND.moonclerk+json ; Version="1"')).toBe(true)
    for (const accept of [
      undefined,
      '',
      'application/json',
      'application/vnd.moonclerk+json',
      'application/vnd.moonclerk+json;version=2',
      '*/*',
    ])
      expect(acceptsApiV1(accept), String(accept)).toBe(false)
  })

  test('apiKeyOf: the key of "Token token=…", quoted or not; null for any other scheme', () => {
    expect(apiKeyOf('Token token=abc')).toBe('abc')
    expect(apiKeyOf('token  TOKEN="a b"')).toBe('a b')
    expect(apiKeyOf('Token token=abc, nonce=1')).toBe('abc')
    for (const authorization of [undefined, '', 'Bearer abc', 'Token abc'])
      expect(apiKeyOf(authorization), String(authorization)).toBeNull()
  })
})

describe('paging and filters, without a server', () => {
  const rows = [
    { id: 1, date: '2014-04-09T10:00:00Z', status: 'successful' },
    { id: 2, date: '2014-04-09T10:00:00Z', status: 'refunded' },
    { id: 3, date: '2014-04-10T10:00:00Z', status: 'successful' },
  ]
  const list = (query: string, filters = {}) =>
    listRows(rows, new URLSearchParams(query), (row: Json) => row.date, filters)

  test('utcDay: the start of a real UTC day; rolled-over or malformed dates are NaN', () => {
    expect(utcDay('2014-04-09')).toBe(Date.UTC(2014, 3, 9))
    expect(utcDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29))
    for (const bad of ['2024-02-30', '2014-4-9', '2014-04-09T00:00:00Z', '']) expect(utcDay(bad), bad).toBeNaN()
  })

  test('listRows: newest first, ids breaking ties; count and offset page; a bad value is an error text', () => {
    expect(list('').rows.map((row: Json) => row.id)).toEqual([3, 2, 1])
    expect(list('count=1&offset=1').rows.map((row: Json) => row.id)).toEqual([2])
    expect(list('offset=5').rows).toEqual([])
    for (const bad of ['count=0', 'count=101', 'count=1.5', 'offset=-1', 'offset=x'])
      expect(list(bad).error, bad).toEqual(expect.any(String))
  })

  test('listRows: a filter keeps the rows it accepts, and its error text refuses the request', () => {
    const status = { status: (value: string) => (row: Json) => row.status === value }
    expect(list('status=successful', status).rows.map((row: Json) => row.id)).toEqual([3, 1])
    expect(list('other=1', status).rows).toHaveLength(3) // Unknown parameters are ignored.
    expect(list('status=x', { status: () => 'no such status' })).toEqual({ error: 'no such status' })
  })
})
