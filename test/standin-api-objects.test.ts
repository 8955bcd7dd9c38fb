// @vitest-environment node
// The REST API's objects (harness/standin/api-objects.mjs), shaped as MoonClerk's docs show them: pure
// builders, checked without a server.
import { describe, expect, test } from 'vitest'
import { standInModule } from './standin-harness'

const { addMonth, customerObject, formObject, isoDate, paymentObject, stripeFee } =
  await standInModule('api-objects.mjs')

const DATE = '2014-04-09T10:11:12Z'
const common = {
  date: DATE,
  amountCents: 1000,
  name: 'Ada',
  email: 'ada@example.com',
  customId: 'u1',
  formId: 234101,
  checkoutToken: 'TOK',
}

describe('API objects', () => {
  test('dates are ISO 8601 in UTC to the second; a month later keeps the day', () => {
    expect(isoDate(Date.UTC(2014, 3, 9, 10, 11, 12, 999))).toBe(DATE)
    expect(addMonth(DATE)).toBe('2014-05-09T10:11:12Z')
    expect(stripeFee(1000)).toBe(59)
    expect(stripeFee(1500)).toBe(74)
  })

  test('a one-time payment carries its checkout and no customer', () => {
    const payment = paymentObject({ ...common, id: 100001, customer: null })
    expect(payment).toMatchObject({
      id: 100001,
      date: DATE,
      status: 'successful',
      currency: 'USD',
      amount: 1000,
      fee: 59,
      amount_refunded: 0,
      custom_id: 'u1',
      customer_id: null,
      customer_reference: null,
      invoice_reference: null,
      form_id: 234101,
      checkout: { token: 'TOK', date: DATE, total: 1000, amount_due: 1000 },
    })
    expect(payment.charge_reference).toMatch(/^ch_[A-Za-z0-9]{14}$/)
    expect(payment.payment_method).toMatchObject({ type: 'card', last4: '4242' })
  })

  test('a plan is a customer with an active monthly subscription; its payments come from invoices', () => {
    const customer = customerObject({ ...common, id: 500001, subscriptionId: 700001, origin: 'http://127.0.0.1:9' })
    expect(customer).toMatchObject({
      id: 500001,
      status: 'active',
      delinquent: false,
      form_id: 234101,
      checkout: { token: 'TOK', amount_due: 1000 },
      subscription: {
        id: 700001,
        status: 'active',
        start: DATE,
        next_payment_attempt: '2014-05-09T10:11:12Z',
        plan: { id: 234101, plan_reference: '234101', amount: 1000, interval: 'month', interval_count: 1 },
      },
    })
    expect(customer.management_url).toMatch(/^http:\/\/127\.0\.0\.1:9\/manage\/[A-Za-z0-9]{10}$/)
    const payment = paymentObject({ ...common, id: 100002, customer })
    expect(payment).toMatchObject({
      customer_id: 500001,
      customer_reference: customer.customer_reference,
      checkout: null,
    })
    expect(payment.invoice_reference).toMatch(/^in_/)
    expect(customerObject({ ...common, formId: null }).subscription.plan.plan_reference).toBeNull()
  })

  test('a form counts its successful volume net of refunds, its checkouts, and its last payment date', () => {
    const api = {
      payments: [
        {
          form_id: 7,
          status: 'successful',
          amount: 1000,
          amount_refunded: 200,
          date: '2014-04-10T00:00:00Z',
          checkout: {},
        },
        { form_id: 7, status: 'failed', amount: 500, amount_refunded: 0, date: '2014-04-11T00:00:00Z', checkout: {} },
        {
          form_id: 7,
          status: 'successful',
          amount: 1500,
          amount_refunded: 0,
          date: '2014-04-09T00:00:00Z',
          checkout: null,
        },
        {
          form_id: 8,
          status: 'successful',
          amount: 9999,
          amount_refunded: 0,
          date: '2014-04-12T00:00:00Z',
          checkout: {},
        },
      ],
      customers: [{ form_id: 7 }],
    }
    expect(formObject('tok', { id: 7, name: 'F' }, api, '2014-01-01T00:00:00Z')).toEqual({
      id: 7,
      title: 'F',
      access_token: 'tok',
      currency: 'USD',
      payment_volume: 2300,
      successful_checkout_count: 3,
      created_at: '2014-01-01T00:00:00Z',
      updated_at: '2014-04-11T00:00:00Z',
    })
  })
})
