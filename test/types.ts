// Type tests, compiled (never run) by `npm run test:types`. They import the package by its own
// name, so they check the published declarations and the `exports` map, not just the sources.
import {
  buildOpts,
  checkoutUrl,
  loadEmbedScript,
  mount,
  mountAll,
  type CheckoutError,
  type CheckoutHandle,
  type ErrorReason,
  type MoonclerkOpts,
} from 'moonclerk-checkout'

declare const element: HTMLElement

// The event map reaches elements, document and window without casts.
element.addEventListener('moonclerk:error', (event) => {
  const reason: ErrorReason = event.detail.reason
  const message: string = event.detail.message
  ;(void reason, message)
})
document.addEventListener('moonclerk:display', (event) => {
  const opts: MoonclerkOpts = event.detail.opts
  const token: string = event.detail.token
  ;(void opts, token)
})
window.addEventListener('moonclerk:error', (event) => {
  // @ts-expect-error a display detail has no reason
  void event.detail.opts
})

// @ts-expect-error not one of the documented reasons
const unknownReason: ErrorReason = 'network'
void unknownReason

// Options: the cid may be a value or a (possibly async) function; amounts are numbers or digit strings.
const handle: CheckoutHandle = mount(element, { cid: async () => 'hashed', amountCents: 1000, width: '100%' })
mount('#checkout', { cid: 234, amountCents: '1000', timeoutMs: 5000, nonce: 'n' })
// @ts-expect-error amountCents is not a boolean
mount(element, { amountCents: true })
// @ts-expect-error unknown option
mount(element, { customId: '1' })
// @ts-expect-error the target is an element or a selector
mount(42)

const handles: CheckoutHandle[] = mountAll(document.body)
void handles
handle.displayed.catch((error: CheckoutError) => error.reason satisfies ErrorReason)
// @ts-expect-error the handle is read-only
handle.opts = null

// buildOpts returns the stock shape exactly.
const opts: MoonclerkOpts = buildOpts({ token: 'a1', amountCents: 10 })
const amount: number | undefined = opts.amount_cents
void amount
// @ts-expect-error buildOpts takes an already-resolved cid, not a function
buildOpts({ token: 'a1', cid: () => '1' })
const url: string = checkoutUrl('a1', { cid: '1', payUrl: 'https://app.moonclerk.com/pay/' })
void url
loadEmbedScript({ embedSrc: '/embed.js' }).then((Embed) => new Embed(opts).display())

// The global config is typed on window.
window.MoonClerkCheckoutConfig = { cid: () => Promise.resolve(5), payUrl: '/pay/' }
// @ts-expect-error the label belongs to one checkout, not the page
window.MoonClerkCheckoutConfig = { label: 'Pay' }

// Coming back: the return detail is typed, in the event and in onReturn().
import {
  decorateLinks,
  handleReturn,
  onReturn,
  readReturn,
  type ReturnDetail,
  type ReturnValues,
} from 'moonclerk-checkout'

document.addEventListener('moonclerk:return', (event) => {
  const matches: boolean | null = event.detail.cidMatches
  const customId: string | null = event.detail.customId
  ;(void matches, customId)
  // @ts-expect-error customId may be null
  event.detail.customId.toUpperCase()
})
const stop: () => void = onReturn((detail: ReturnDetail) => void detail.repeated)
stop()

// The success page: where the cid came from, and the confirmation's events, typed.
import { onPaid, type PaidDetail, type UnconfirmedDetail } from 'moonclerk-checkout'
document.addEventListener('moonclerk:return', (event) => {
  const source: 'url' | 'memory' = event.detail.source
  void source
})
document.addEventListener('moonclerk:paid', (event) => {
  const kind: 'payment' | 'plan' | null = event.detail.kind
  const customId: string = event.detail.customId
  ;(void kind, customId)
})
window.addEventListener('moonclerk:unconfirmed', (event) => {
  const reason: UnconfirmedDetail['reason'] = event.detail.reason
  // @ts-expect-error the reasons are named
  const wrong: typeof reason = 'late'
  void wrong
})
onPaid((detail: PaidDetail) => void detail.answer)()
handleReturn({ expect: true, confirmUrl: '/api/moonclerk', confirmWithinMs: 30_000 })
// @ts-expect-error expect is a boolean
handleReturn({ expect: 'yes' })
const values: ReturnValues | null = readReturn('https://shop.example/thanks?custom_id=1', { customId: 'uid' })
void values
// @ts-expect-error only the four documented values can be renamed
readReturn('/thanks', { orderId: 'o' })
handleReturn({ cleanReturnUrl: true, breakOutOfFrame: false, returnParams: { checkoutToken: 't' } })
decorateLinks(document.body)
window.MoonClerkCheckoutConfig = { cleanReturnUrl: true, returnParams: { customId: 'uid' } }
checkoutUrl('a1', { fields: { hat_size: 'L', seats: 2 } })
// Custom fields: values, a checkbox field's values, an address's parts, or the query form.
checkoutUrl('a1', { fields: { hat_size: 'L', seats: 2, interests: ['sports'], address: { line1: '123 Main St' } } })
mount(element, { fields: 'hat_size=L&interests[]=sports' })
// @ts-expect-error field seeds are strings or numbers
checkoutUrl('a1', { fields: { hat_size: true } })

// The element: registered typings, properties, events, and JSX attributes.
import 'moonclerk-checkout/define'
import { MoonClerkCheckoutElement, type MoonClerkCheckoutAttributes } from 'moonclerk-checkout/element'

const checkoutElement = document.createElement('moonclerk-checkout')
const sameElement: MoonClerkCheckoutElement = checkoutElement
void sameElement
const elementCid: string | null = checkoutElement.cid
void elementCid
checkoutElement.load = 'visible'
// @ts-expect-error properties hold attribute strings
checkoutElement.cid = 234
checkoutElement.addEventListener('moonclerk:display', (event) => void event.detail.opts.checkoutToken)
const found: MoonClerkCheckoutElement | null = document.querySelector('moonclerk-checkout')
void found

const jsxProps: JSX.IntrinsicElements['moonclerk-checkout'] = {
  token: '8h7frjfytj',
  cid: 234,
  'amount-cents': 1000,
  load: 'click',
}
const sameProps: MoonClerkCheckoutAttributes = jsxProps
void sameProps
// @ts-expect-error not a load mode
const badMode: JSX.IntrinsicElements['moonclerk-checkout'] = { token: 'a1', load: 'lazy' }
// @ts-expect-error the token is required
const noToken: JSX.IntrinsicElements['moonclerk-checkout'] = { cid: '1' }
;(void badMode, noToken)

// The server confirms what the success page read: readReturn()'s values, or the return event's
// detail, as they are (docs/server.md, "Confirming a return").
import { confirmCheckout, type Confirmed } from 'moonclerk-checkout/server'

const apiOptions = { apiKey: 'sk_test', formId: 234101, amountCents: 1000 }
const returned = readReturn('https://shop.example/thanks?custom_id=u1&checkout_token=t1')
if (returned) void confirmCheckout(returned, apiOptions).then((confirmed: Confirmed | null) => confirmed?.kind)
document.addEventListener('moonclerk:return', (event) => void confirmCheckout(event.detail, apiOptions))
void confirmCheckout({ customId: 'u1', paymentId: 7 }, apiOptions)
// @ts-expect-error the customId is required
void confirmCheckout({ checkoutToken: 't1' }, apiOptions)
// @ts-expect-error readReturn() gives null when nothing came back
void confirmCheckout(readReturn('/thanks'), apiOptions)
