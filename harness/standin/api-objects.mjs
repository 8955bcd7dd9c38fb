// The REST API's objects, shaped as MoonClerk's api/v1 docs and webhooks.md show them: pure builders,
// so they are tested without a server. Field by field, what the stand-in fills in:
//
// payment  { id, date (ISO 8601, UTC, whole seconds), status: "successful", currency: "USD",
//            amount (cents), fee (Stripe's 2.9% + 30¢), amount_refunded: 0, amount_description: null,
//            name, email, payment_method: { type: "card", last4: "4242", … }, custom_id (the cid, or
//            null), charge_reference "ch_…", customer_id (null for one-time), customer_reference
//            ("cus_…" or null), invoice_reference ("in_…" for a plan's payments, else null),
//            custom_fields: {}, form_id, coupon: null,
//            checkout: { token, date, subtotal, fee, upfront_amount, total, coupon_code,
//                        coupon_amount, amount_due, trial_period_days } for a one-time checkout;
//                        null on a plan's payments, which come from an invoice (docs/moonclerk.md,
//                        "REST API": checkout is documented for one-time checkouts only); the
//                        plan's token is on its customer }
// customer { id, account_balance: 0, name, email, payment_method, custom_id, customer_reference,
//            discount: null, delinquent, management_url, custom_fields: {}, form_id,
//            status (a copy of subscription.status, which is where the docs keep it),
//            checkout: { token, … as above }, subscription: { id, subscription_reference "sub_…",
//            status: "active" | "past_due" | "canceled", start, first_payment_attempt,
//            next_payment_attempt, current_period_start, current_period_end, trial_start,
//            trial_end, trial_period_days, expires_at, canceled_at, ended_at,
//            plan: { id, plan_reference, amount, amount_description, currency, interval: "month",
//            interval_count: 1 } } }
// form     { id, title, access_token (the checkout token), currency, payment_volume,
//            successful_checkout_count, created_at, updated_at }
import { randomToken } from './tokens.mjs'

/** ISO 8601 in UTC to the second, as the API's examples write dates. */
export const isoDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export function addMonth(iso) {
  const date = new Date(iso)
  date.setUTCMonth(date.getUTCMonth() + 1)
  return isoDate(date.getTime())
}

export const stripeFee = (cents) => Math.round(cents * 0.029) + 30

const paymentMethod = () => ({
  type: 'card',
  last4: '4242',
  exp_month: 12,
  exp_year: new Date().getUTCFullYear() + 3,
  brand: 'Visa',
  bank_name: null,
})

const checkoutSummary = (token, date, cents) => ({
  token,
  date,
  subtotal: cents,
  fee: 0,
  upfront_amount: 0,
  total: cents,
  coupon_code: null,
  coupon_amount: 0,
  amount_due: cents,
  trial_period_days: null,
})

/** A payment object; `customer` is the plan's customer object, or null for a one-time checkout. */
export function paymentObject({ id, date, amountCents, name, email, customId, formId, checkoutToken, customer }) {
  return {
    id,
    date,
    status: 'successful',
    currency: 'USD',
    amount: amountCents,
    fee: stripeFee(amountCents),
    amount_refunded: 0,
    amount_description: null,
    name,
    email,
    payment_method: paymentMethod(),
    custom_id: customId,
    charge_reference: 'ch_' + randomToken(14),
    customer_id: customer ? customer.id : null,
    customer_reference: customer ? customer.customer_reference : null,
    invoice_reference: customer ? 'in_' + randomToken(14) : null,
    custom_fields: {},
    form_id: formId,
    coupon: null,
    checkout: customer ? null : checkoutSummary(checkoutToken, date, amountCents),
  }
}

/** A plan's subscription, billed monthly from `date`; its plan's id is the form's. */
function subscriptionObject({ subscriptionId, date, amountCents, formId }) {
  const nextBill = addMonth(date)
  return {
    id: subscriptionId,
    subscription_reference: 'sub_' + randomToken(14),
    status: 'active',
    start: date,
    first_payment_attempt: date,
    next_payment_attempt: nextBill,
    current_period_start: date,
    current_period_end: nextBill,
    trial_start: null,
    trial_end: null,
    trial_period_days: null,
    expires_at: null,
    canceled_at: null,
    ended_at: null,
    plan: {
      id: formId,
      plan_reference: formId == null ? null : String(formId),
      amount: amountCents,
      amount_description: null,
      currency: 'USD',
      interval: 'month',
      interval_count: 1,
    },
  }
}

/** A customer object: a plan ("Plans" in MoonClerk's UI). `origin` is the stand-in's, for the management URL. */
export function customerObject({
  id,
  subscriptionId,
  date,
  amountCents,
  name,
  email,
  customId,
  formId,
  checkoutToken,
  origin,
}) {
  return {
    id,
    account_balance: 0,
    name,
    email,
    payment_method: paymentMethod(),
    custom_id: customId,
    customer_reference: 'cus_' + randomToken(14),
    discount: null,
    delinquent: false,
    management_url: `${origin}/manage/${randomToken(10)}`,
    custom_fields: {},
    form_id: formId,
    status: 'active',
    checkout: checkoutSummary(checkoutToken, date, amountCents),
    subscription: subscriptionObject({ subscriptionId, date, amountCents, formId }),
  }
}

/** The form object GET /forms shows, its totals counted from the recorded payments and plans. */
export function formObject(token, form, api, createdAt) {
  const payments = api.payments.filter((p) => p.form_id === form.id)
  const checkouts =
    payments.filter((p) => p.checkout).length + api.customers.filter((c) => c.form_id === form.id).length
  const volume = payments
    .filter((p) => p.status === 'successful')
    .reduce((sum, p) => sum + p.amount - p.amount_refunded, 0)
  const dates = [...payments.map((p) => p.date), createdAt].sort()
  return {
    id: form.id,
    title: form.name,
    access_token: token,
    currency: 'USD',
    payment_volume: volume,
    successful_checkout_count: checkouts,
    created_at: createdAt,
    updated_at: dates[dates.length - 1],
  }
}
