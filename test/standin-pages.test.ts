// @vitest-environment node
// The stand-in's hosted checkout (harness/standin/pages.mjs): the pages, their headers and the redirect
// as pure functions, then the pay routes over HTTP.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import * as harness from './standin-harness'
import { ONE_TIME, PLAIN, type StandIn, standInModule } from './standin-harness'

const { chargedCents, confirmationPage, fillRedirect, givenField, payHeaders, payPage } =
  await standInModule('pages.mjs')

const fixed = {
  id: 1,
  name: 'My <Form>',
  kind: 'one-time',
  amountCents: 1000,
  redirect: 'https://shop.example/ok?c={{custom_id}}',
  redirectIn: 'top',
}
const open = { ...fixed, amountCents: null, redirect: null, redirectIn: 'frame' }
const query = (fields: Record<string, string>) => new URLSearchParams(fields)

describe('pages, without a server', () => {
  test('fillRedirect fills what MoonClerk knows, URL-encoded; the rest stays literally', () => {
    const template = 'https://shop.example/ok?c={{custom_id}}&t={{checkout_token}}&p={{payment_id}}&u={{customer_id}}'
    expect(fillRedirect(template, { customId: 'a b&c', checkoutToken: 'T1', kind: 'one-time', id: 100001 })).toBe(
      'https://shop.example/ok?c=a%20b%26c&t=T1&p=100001&u={{customer_id}}',
    )
    expect(fillRedirect(template, { customId: null, checkoutToken: 'T2', kind: 'recurring', id: 500001 })).toBe(
      'https://shop.example/ok?c={{custom_id}}&t=T2&p={{payment_id}}&u=500001',
    )
  })

  test('fillRedirect leaves a template without placeholders as it is, query or not', () => {
    const paid = { customId: 'u1', checkoutToken: 'T1', kind: 'one-time', id: 100001 }
    const templates = ['https://shop.example/thanks', 'https://shop.example/ok?ref=mail#receipt']
    templates.push('https://shop.example/{x}') // Braces, but no placeholder of MoonClerk's.
    for (const template of templates) expect(fillRedirect(template, paid)).toBe(template)
  })

  test('chargedCents: a fixed amount wins; else amount_cents, else dollars typed; anything else is null', () => {
    expect(chargedCents(fixed, query({ amount_cents: '5' }))).toBe(1000)
    expect(chargedCents(open, query({ amount_cents: '250' }))).toBe(250)
    expect(chargedCents(open, query({ amount: ' 12.5 ' }))).toBe(1250)
    expect(chargedCents(open, query({ amount_cents: 'x', amount: '3' }))).toBe(300)
    const invalid: Array<Record<string, string>> = [
      {},
      { amount_cents: '0' },
      { amount_cents: '-5' },
      { amount: '1.234' },
      { amount: '0' },
      { amount: 'ten' },
    ]
    for (const fields of invalid) expect(chargedCents(open, query(fields)), JSON.stringify(fields)).toBeNull()
  })

  test('givenField: a blank value is no value', () => {
    expect(givenField(query({ cid: 'x' }), 'cid')).toBe('x')
    expect(givenField(query({ cid: '  ' }), 'cid')).toBeNull()
    expect(givenField(query({}), 'cid')).toBeNull()
  })

  test('payPage shows what was passed in, escaped; passes it on hidden; asks for the rest', () => {
    const page = payPage('tok', fixed, query({ cid: '"><script>', name: 'Ada' }))
    expect(page).toContain('<h1 data-field="form-name">My &lt;Form&gt;</h1>')
    expect(page).toContain('<dd data-field="cid">&quot;&gt;&lt;script&gt;</dd>')
    expect(page).toContain('<input type="hidden" name="cid" value="&quot;&gt;&lt;script&gt;">')
    expect(page).toContain('<input type="hidden" name="name" value="Ada">')
    expect(page).toContain('<label>Email')
    expect(page).not.toContain('<label>Name')
    expect(page).not.toContain('<label>Amount')
    expect(page).toContain('<form method="post" action="/pay/tok" target="_top">')
    expect(page).toContain('<button type="submit">Pay $10.00</button>')
    expect(page).not.toContain('<script src')
  })

  test('payPage for an amount decided at checkout, inside the frame, embedded, with an error', () => {
    const page = payPage('a/b', open, query({}), 'Enter an amount <now>', true)
    expect(page).toContain('<span data-field="amount">Amount decided at checkout</span>')
    expect(page).toContain('<label>Amount in dollars')
    expect(page).toContain('<form method="post" action="/pay/a%2Fb">')
    expect(page).toContain('<p class="error" role="alert">Enter an amount &lt;now&gt;</p>')
    expect(page).toContain('<script src="/assets/pay-embed.js" defer></script>')
    expect(payPage('t', open, query({ amount_cents: '250' }))).toContain('<button type="submit">Pay $2.50</button>')
  })

  test("payHeaders: no script unless embedded; the form may post here and be redirected to the form's origin only", () => {
    expect(payHeaders(fixed, false)).toEqual({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'self'; form-action 'self' https://shop.example; base-uri 'none'",
    })
    expect(payHeaders(open, true)).toEqual({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; base-uri 'none'",
    })
  })

  test('confirmationPage names the payment id for one-time checkouts, the customer id for plans', () => {
    const payment = { kind: 'one-time', id: 100001, amountCents: 1250, checkoutToken: 'T<1>' }
    expect(confirmationPage(open, payment)).toContain('<dt>payment_id</dt><dd data-field="payment_id">100001</dd>')
    expect(confirmationPage(open, payment)).toContain('<dd data-field="checkout_token">T&lt;1&gt;</dd>')
    expect(confirmationPage(open, payment)).toContain('<span data-field="amount">$12.50</span>')
    expect(confirmationPage(open, { ...payment, kind: 'recurring' })).toContain(
      '<dd data-field="customer_id">100001</dd>',
    )
  })
})

describe('pay routes, over HTTP', () => {
  let standIn: StandIn
  beforeAll(async () => {
    standIn = await harness.startStandIn()
  })
  afterAll(async () => {
    await standIn?.close()
  })
  const post = (path: string, body: string) =>
    fetch(standIn.origin + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    })

  test('GET shows the page with its CSP and records the visit; /pay/index/<token> is the same checkout', async () => {
    const response = await fetch(`${standIn.origin}/pay/${ONE_TIME.token}?cid=u1`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; form-action 'self' http://127.0.0.1:1; base-uri 'none'",
    )
    expect(await response.text()).toContain('<dd data-field="cid">u1</dd>')
    expect(standIn.records.payQueries.at(-1)).toEqual({ token: ONE_TIME.token, query: { cid: 'u1' } })
    const embedded = await fetch(`${standIn.origin}/pay/index/${ONE_TIME.token}?embed=true`)
    expect(embedded.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await embedded.text()).toContain('/assets/pay-embed.js')
  })

  test('POST pays: a 303 to the filled-in redirect, recorded as the pay flow saw it', async () => {
    const response = await post(`/pay/${ONE_TIME.token}`, 'cid=u2&name=Ada&email=ada%40example.com')
    expect(response.status).toBe(303)
    const back = new URL(response.headers.get('location')!)
    expect(back.origin + back.pathname).toBe('http://127.0.0.1:1/demo/success.html')
    const id = Number(back.searchParams.get('payment_id'))
    expect(standIn.records.payments.at(-1)).toEqual({
      token: ONE_TIME.token,
      checkoutToken: back.searchParams.get('checkout_token'),
      customId: 'u2',
      kind: 'one-time',
      id,
      amountCents: 1000,
      name: 'Ada',
      email: 'ada@example.com',
    })
  })

  test('POST on a form redirecting without placeholders: a 303 to that URL as it is; the API has the cid', async () => {
    const response = await post(`/pay/${PLAIN.token}`, 'cid=plain-user-1&name=Ada&email=ada%40example.com')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`http://127.0.0.1:1${PLAIN.redirect}`)
    const { id } = standIn.records.payments.at(-1)
    const { body } = await harness.api(standIn, `/payments/${id}`)
    expect(body.payment).toMatchObject({ id, custom_id: 'plain-user-1', amount: PLAIN.amountCents, form_id: PLAIN.id })
    const page = await fetch(`${standIn.origin}/pay/${PLAIN.token}?cid=plain-user-1`)
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:1;")
  })

  test('POST: a token without a redirect shows the confirmation; no amount is a 422; a huge form a 413', async () => {
    const confirmed = await post('/pay/straytoken', 'name=A&email=a%40x&amount=2')
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toContain('<span data-field="amount">$2.00</span> received.')
    const missing = await post('/pay/straytoken', 'name=A&email=a%40x')
    expect(missing.status).toBe(422)
    expect(await missing.text()).toContain('role="alert">Enter an amount in dollars')
    expect((await post(`/pay/${ONE_TIME.token}`, 'x='.padEnd(20_000, 'y'))).status).toBe(413)
  })

  test("the pages' own files: the stylesheet and the embedded page's script", async () => {
    const css = await fetch(`${standIn.origin}/assets/pay.css`)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await css.text()).toMatch(/^body \{/)
    const script = await fetch(`${standIn.origin}/assets/pay-embed.js`)
    expect(script.headers.get('content-type')).toBe('application/javascript; charset=utf-8')
    expect(await script.text()).toContain("parent.postMessage('checkoutHash='")
  })
})
