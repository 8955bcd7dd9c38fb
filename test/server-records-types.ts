// Type tests of MoonClerk's records (src/server/records.ts), compiled (never run) by `npm run test:types`:
// the documented example values (docs/moonclerk.md, "REST API") are MoonClerkPayment and
// MoonClerkCustomer as they are; values of another type are not; every server function hands
// these types on.
import { fetchRecord, type Api } from '../src/server/api'
import {
  confirmCheckout,
  isPaid,
  parseWebhook,
  verifyWebhook,
  type Confirmed,
  type KindedRecord,
  type MoonClerkCustomer,
  type MoonClerkForm,
  type MoonClerkObject,
  type MoonClerkPayment,
  type MoonClerkSubscription,
  type MoonClerkWebhook,
  type RecordKind,
} from '../src/server/index'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

// The documented example payment, with every documented field.
export const payment = {
  id: 1348394,
  date: '2014-04-08T18:57:26Z',
  status: 'successful',
  currency: 'USD',
  amount: 1000,
  fee: 59,
  amount_refunded: 0,
  amount_description: '$10.00',
  name: 'Leon Bridges',
  email: 'leon@example.com',
  payment_method: { type: 'card', last4: '4242', brand: 'Visa' },
  charge_reference: 'ch_1Abc',
  customer_id: null,
  customer_reference: null,
  invoice_reference: null,
  custom_fields: { hat_size: { id: 77, type: 'drop_down', response: 'L' } },
  form_id: 234101,
  custom_id: '234',
  coupon: null,
  checkout: {
    amount_due: 1000,
    coupon_amount: 0,
    coupon_code: null,
    date: '2014-04-08T18:57:26Z',
    fee: 59,
    subtotal: 1000,
    token: 'ck_8h7frjfytj',
    total: 1000,
    trial_period_days: null,
    upfront_amount: 0,
  },
} satisfies MoonClerkPayment

// A plan: the customer, with its subscription and the subscription's plan.
export const customer = {
  id: 53453,
  account_balance: 0,
  name: 'Leon Bridges',
  email: 'leon@example.com',
  payment_method: { type: 'card', last4: '4242', brand: 'Visa', exp_month: 4, exp_year: 2030 },
  custom_id: '2-4757546-456',
  customer_reference: 'cus_NffrFeUfNV2Hib',
  discount: { coupon: { code: 'SPRING' }, starts_at: '2014-04-08T18:57:26Z', ends_at: null },
  delinquent: false,
  management_url: 'https://app.moonclerk.com/manage/abc',
  custom_fields: {},
  form_id: 234102,
  checkout: { token: 'ck_k2m9q4zr7x', total: 1500 },
  subscription: {
    id: 9001,
    subscription_reference: 'sub_1Abc',
    status: 'active',
    start: '2014-04-08T18:57:26Z',
    first_payment_attempt: '2014-04-08T18:57:26Z',
    next_payment_attempt: '2014-05-08T18:57:26Z',
    current_period_start: '2014-04-08T18:57:26Z',
    current_period_end: '2014-05-08T18:57:26Z',
    trial_start: null,
    trial_end: null,
    trial_period_days: null,
    expires_at: null,
    canceled_at: null,
    ended_at: null,
    plan: {
      id: 12,
      plan_reference: 'price_1Abc',
      amount: 1500,
      amount_description: '$15.00 a month',
      currency: 'USD',
      interval: 'month',
      interval_count: 1,
    },
  },
} satisfies MoonClerkCustomer

export const form = { id: 234101, title: 'My Payment Form', access_token: '1vqvyh3tco' } satisfies MoonClerkForm
// A discount may be null; fields MoonClerk adds later are reachable, as unknown.
export const withoutDiscount: MoonClerkCustomer = { ...customer, discount: null, some_future_field: [1, 2] }
export const unknownField: unknown = withoutDiscount.some_future_field

// Values of another type than MoonClerk documents are not its records.
// @ts-expect-error MoonClerk's ids are numbers
export const stringId: MoonClerkPayment = { ...payment, id: '1348394' }
// @ts-expect-error an amount is integer cents, not a string
export const stringAmount: MoonClerkPayment = { ...payment, amount: '1000' }
// @ts-expect-error so is a refund
export const stringRefund: MoonClerkPayment = { ...payment, amount_refunded: '1000' }
// @ts-expect-error a status is a string
export const numericStatus: MoonClerkPayment = { ...payment, status: 1 }
// @ts-expect-error a record has an id
export const noId: MoonClerkPayment = { status: 'successful', amount: 1000 }
// @ts-expect-error last4 is text ("0042" would lose its zeros as a number)
export const numericLast4: MoonClerkPayment = { ...payment, payment_method: { last4: 4242 } }
// @ts-expect-error a subscription's status is a string
export const booleanStatus: MoonClerkSubscription = { ...customer.subscription, status: true }
// @ts-expect-error a plan's price is integer cents
export const stringPrice: MoonClerkSubscription = { ...customer.subscription, plan: { amount: '1500' } }
// @ts-expect-error delinquent is a boolean
export const textDelinquent: MoonClerkCustomer = { ...customer, delinquent: 'no' }
// @ts-expect-error a subscription is an object
export const textSubscription: MoonClerkCustomer = { ...customer, subscription: 'active' }

// One vocabulary: the project's kinds, and MoonClerk's own words on the wire.
export type KindsAreTwo = Expect<Equal<RecordKind, 'payment' | 'plan'>>
export type ObjectsAreTwo = Expect<Equal<MoonClerkObject, 'payment' | 'customer'>>
export type ConfirmedIsKinded = Expect<Equal<Confirmed, KindedRecord>>
export type ConfirmReturnsKinded = Expect<Equal<Awaited<ReturnType<typeof confirmCheckout>>, KindedRecord | null>>

// fetchRecord's overloads: a payment for 'payment', a customer for 'plan'.
declare const api: Api
export const fetchedPayment = fetchRecord('payment', 1348394, api)
export const fetchedPlan = fetchRecord('plan', 53453, api)
export type PaymentFetched = Expect<Equal<typeof fetchedPayment, Promise<MoonClerkPayment | null>>>
export type PlanFetched = Expect<Equal<typeof fetchedPlan, Promise<MoonClerkCustomer | null>>>
// @ts-expect-error a plan's record is a customer, not a payment
export const wrongFetch: Promise<MoonClerkPayment | null> = fetchRecord('plan', 53453, api)
// @ts-expect-error MoonClerk's word is for the wire: fetchRecord takes the project's kind
void fetchRecord('customer', 53453, api)

// A webhook's kind and object say which record its data is.
declare const hook: MoonClerkWebhook
if (hook.kind == 'payment') {
  const data: Expect<Equal<typeof hook.data, MoonClerkPayment>> = true
  const object: 'payment' = hook.object
  ;(void data, object)
} else {
  const data: MoonClerkCustomer = hook.data
  const object: 'customer' = hook.object
  const status: string | undefined = data.subscription?.status
  ;(void object, status)
}
if (hook.object == 'customer') {
  const kind: 'plan' = hook.kind
  void kind
}
export const parsed: MoonClerkWebhook = parseWebhook('{}')
export const verified: Promise<MoonClerkWebhook> = verifyWebhook('{}', { apiKey: 'key', deadlineMs: 8_000 })

// isPaid takes what confirmCheckout, parseWebhook and verifyWebhook return, and the records as they are.
export const paid: boolean[] = [
  isPaid(hook),
  isPaid({ kind: 'payment', record: payment }),
  isPaid({ kind: 'plan', record: customer }),
  isPaid({ object: 'customer', data: customer }),
]
// @ts-expect-error a payment is no plan's record
isPaid({ kind: 'plan', record: payment })
// @ts-expect-error nor is a customer a payment
isPaid({ kind: 'payment', record: customer })
