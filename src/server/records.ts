// MoonClerk's records as its REST API documents them (docs/moonclerk.md, "REST API"): one
// vocabulary for every server function. Fields the documentation lists are typed; anything else
// MoonClerk may add stays reachable through the index signature, as `unknown`.

/** Money is integer cents; dates are ISO 8601 UTC strings. */
type Cents = number
type IsoDate = string

export interface MoonClerkPaymentMethod {
  type?: string | null
  last4?: string | null
  brand?: string | null
  exp_month?: number | null
  exp_year?: number | null
  [field: string]: unknown
}

/** One answer to a custom field of the form: `custom_fields[<key>]`. */
export interface MoonClerkCustomField {
  id?: number | string
  type?: string
  response?: unknown
  [field: string]: unknown
}

/** The checkout that made a payment or a plan; its `token` is `{{checkout_token}}`. */
export interface MoonClerkCheckout {
  amount_due?: Cents | null
  coupon_amount?: Cents | null
  coupon_code?: string | null
  date?: IsoDate | null
  fee?: Cents | null
  subtotal?: Cents | null
  token?: string | null
  total?: Cents | null
  trial_period_days?: number | null
  upfront_amount?: Cents | null
  [field: string]: unknown
}

/** `GET /payments/:id` → `{ "payment": MoonClerkPayment }`. */
export interface MoonClerkPayment {
  /** A positive integer, e.g. 1348394. */
  id: number
  date?: IsoDate
  /** `successful`, `refunded` or `failed`. */
  status?: 'successful' | 'refunded' | 'failed' | (string & {})
  currency?: string
  amount?: Cents
  fee?: Cents | null
  amount_refunded?: Cents | null
  amount_description?: string | null
  name?: string | null
  email?: string | null
  payment_method?: MoonClerkPaymentMethod | null
  charge_reference?: string | null
  /** Recurring checkouts only: the plan (customer) this payment belongs to. */
  customer_id?: number | null
  customer_reference?: string | null
  invoice_reference?: string | null
  custom_fields?: Record<string, MoonClerkCustomField> | null
  form_id?: number | null
  /** The cid passed into the checkout, or null. */
  custom_id?: string | null
  coupon?: unknown
  /** One-time checkouts only. */
  checkout?: MoonClerkCheckout | null
  /** A payment has none (a plan's is on its customer): so a customer is never taken for a payment. */
  subscription?: never
  [field: string]: unknown
}

export interface MoonClerkPlan {
  id?: number
  plan_reference?: string | null
  amount?: Cents
  amount_description?: string | null
  currency?: string
  interval?: string
  interval_count?: number
  [field: string]: unknown
}

export interface MoonClerkSubscription {
  id?: number
  subscription_reference?: string | null
  /** `active`, `canceled`, `expired`, `past_due`, `pending` or `unpaid`. */
  status?: 'active' | 'canceled' | 'expired' | 'past_due' | 'pending' | 'unpaid' | (string & {})
  start?: IsoDate | null
  first_payment_attempt?: IsoDate | null
  next_payment_attempt?: IsoDate | null
  current_period_start?: IsoDate | null
  current_period_end?: IsoDate | null
  trial_start?: IsoDate | null
  trial_end?: IsoDate | null
  trial_period_days?: number | null
  expires_at?: IsoDate | null
  canceled_at?: IsoDate | null
  ended_at?: IsoDate | null
  plan?: MoonClerkPlan | null
  [field: string]: unknown
}

export interface MoonClerkDiscount {
  coupon?: unknown
  starts_at?: IsoDate | null
  ends_at?: IsoDate | null
  [field: string]: unknown
}

/** A plan, as MoonClerk calls its payer: `GET /customers/:id` → `{ "customer": MoonClerkCustomer }`. */
export interface MoonClerkCustomer {
  id: number
  account_balance?: Cents | null
  name?: string | null
  email?: string | null
  payment_method?: MoonClerkPaymentMethod | null
  custom_id?: string | null
  customer_reference?: string | null
  discount?: MoonClerkDiscount | null
  delinquent?: boolean | null
  management_url?: string | null
  custom_fields?: Record<string, MoonClerkCustomField> | null
  form_id?: number | null
  checkout?: MoonClerkCheckout | null
  subscription?: MoonClerkSubscription | null
  /** A customer has none (its payments are payments): so a payment is never taken for a customer. */
  amount_refunded?: never
  [field: string]: unknown
}

/** `GET /forms/:id` → `{ "form": MoonClerkForm }`; `access_token` is presumably the embed's checkout token. */
export interface MoonClerkForm {
  id: number
  title?: string | null
  access_token?: string | null
  [field: string]: unknown
}

/**
 * The two things a webhook, a return or a reconciliation can be about, in this project's one word
 * for each: `payment` (a one-time payment, or one payment of a plan) and `plan` (a recurring plan,
 * which MoonClerk's API calls a customer). Every server function speaks these words.
 */
export type RecordKind = 'payment' | 'plan'

/** MoonClerk's own words for the same two things, on the wire only: a webhook's `"object"`, the API's paths. */
export type MoonClerkObject = 'payment' | 'customer'

/** A record with what it is: the shape every server function hands to your code. */
export type KindedRecord = { kind: 'payment'; record: MoonClerkPayment } | { kind: 'plan'; record: MoonClerkCustomer }
