// @vitest-environment node
import { describe, expect, test } from 'vitest'
import { CidError, hashCid, openCid, parseWebhook, sealCid, WebhookError } from '../src/server/index'

const SECRET = 'a-long-enough-server-secret-0123456789'
const OTHER = 'another-secret-of-another-site-987654'

describe('sealCid / openCid', () => {
  test.each([
    ['a number', '234'],
    ['a big number', '12345678901234567890123456789012345678'],
    ['a UUID', '4f9c1c3e-8a2b-4d6e-9f01-23456789abcd'],
    ['text', 'user:leon'],
    ['16 bytes of text', 'ü-leon-bridges1'],
    ['zero', '0'],
    ['a number with leading zeros stays as it was', '000123'],
    ['an uppercase UUID stays as it was', 'ABCDEF12-3456'],
  ])('round-trips %s within 64 URL-safe characters', async (_, userId) => {
    const now = new Date('2026-11-22T10:00:00Z')
    const cid = await sealCid(userId, SECRET, { now })
    expect(cid).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(await openCid(cid, SECRET, { now })).toStrictEqual({ userId, issuedAt: now })
  })

  test('reveals nothing of the id, in plain text or in base64', async () => {
    const cid = await sealCid('leon.bridges', SECRET)
    expect(cid).not.toMatch(/leon/i)
    expect(cid).not.toContain(Buffer.from('leon.bridges').toString('base64url').slice(0, 8))
  })

  test('is different every time (a random IV), so two cids of one user cannot be linked', async () => {
    const [a, b] = await Promise.all([sealCid('234', SECRET), sealCid('234', SECRET)])
    expect(a).not.toBe(b)
  })

  test('refuses an id that cannot fit, rather than cut it', async () => {
    await expect(sealCid('x'.repeat(17), SECRET)).rejects.toThrow(/too long to seal into 64 characters: 17 bytes, at most 16/)
    await expect(sealCid('', SECRET)).rejects.toThrow(TypeError)
    await expect(sealCid('1', 'short')).rejects.toThrow(/at least 16 characters/)
  })

  test('a cid sealed with another secret is invalid', async () => {
    const cid = await sealCid('234', OTHER)
    await expect(openCid(cid, SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'invalid' })
  })

  test('any altered character makes it invalid', async () => {
    const cid = await sealCid('234', SECRET)
    for (let i = 0; i < cid.length; i++) {
      const altered = cid.slice(0, i) + (cid[i] == 'A' ? 'B' : 'A') + cid.slice(i + 1)
      await expect(openCid(altered, SECRET)).rejects.toBeInstanceOf(CidError)
    }
  })

  test('expires after ttlSeconds, to the second', async () => {
    const issued = new Date('2026-11-22T10:00:00Z')
    const cid = await sealCid('234', SECRET, { ttlSeconds: 3600, now: issued })
    const at = (seconds: number) => ({ now: new Date(issued.getTime() + seconds * 1000) })
    expect((await openCid(cid, SECRET, at(3600))).userId).toBe('234')
    await expect(openCid(cid, SECRET, at(3601))).rejects.toMatchObject({ code: 'expired', message: 'this cid expired 1 s ago' })
    await expect(sealCid('234', SECRET, { ttlSeconds: 2 ** 24 })).rejects.toThrow(RangeError)
    await expect(sealCid('234', SECRET, { ttlSeconds: 1.5 })).rejects.toThrow(RangeError)
  })

  test.each(['', 'not base64!', 'AAAA', 'x'.repeat(65), '{{custom_id}}'])('malformed input %j is refused clearly', async (cid) => {
    await expect(openCid(cid, SECRET)).rejects.toMatchObject({ code: 'malformed' })
  })
})

test("hashCid follows MoonClerk's recipe: SHA-256 hex of the id and a timestamp", async () => {
  expect(await hashCid('234', 1_700_000_000_000)).toBe(await hashCid('234', new Date(1_700_000_000_000)))
  // Known answer: sha256("234:1700000000000").
  const { createHash } = await import('node:crypto')
  expect(await hashCid('234', 1_700_000_000_000)).toBe(createHash('sha256').update('234:1700000000000').digest('hex'))
  expect(await hashCid('23', 41_700_000_000_000)).not.toBe(await hashCid('234', 1_700_000_000_000))
})

describe('parseWebhook', () => {
  const payment = { event: 'payment_created', object: 'payment', data: { id: 1348394, custom_id: '234', amount: 1000, checkout: { token: 'ck9' } } }

  test('returns what matters, from the raw body or parsed JSON', () => {
    const parsed = { event: 'payment_created', object: 'payment', id: 1348394, customId: '234', checkoutToken: 'ck9', data: payment.data }
    expect(parseWebhook(JSON.stringify(payment))).toStrictEqual(parsed)
    expect(parseWebhook(new TextEncoder().encode(JSON.stringify(payment)))).toStrictEqual(parsed)
    expect(parseWebhook(payment)).toStrictEqual(parsed)
  })

  test('a plan without cid or checkout', () => {
    expect(parseWebhook({ event: 'plan_ended', object: 'customer', data: { id: 53453, custom_id: null } })).toMatchObject({
      object: 'customer',
      customId: null,
      checkoutToken: null,
    })
  })

  test.each([
    ['not JSON', '{oops', /not JSON/],
    ['not an object', '[1]', /"event"/],
    ['no event', { object: 'payment', data: { id: 1 } }, /no "event"/],
    ['a foreign object', { event: 'x', object: 'invoice', data: { id: 1 } }, /"payment" or "customer", got "invoice"/],
    ['a mismatched pair', { event: 'plan_created', object: 'payment', data: { id: 1 } }, /comes with a customer/],
    ['no data', { event: 'payment_created', object: 'payment' }, /no "data"/],
    ['no id', { event: 'payment_created', object: 'payment', data: {} }, /"data.id"/],
    ['a numeric cid', { event: 'payment_created', object: 'payment', data: { id: 1, custom_id: 5 } }, /custom_id/],
  ])('rejects %s with a clear WebhookError', (_, body, message) => {
    expect(() => parseWebhook(body)).toThrow(WebhookError)
    expect(() => parseWebhook(body)).toThrow(message)
  })
})
