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
  ])('round-trips %s in exactly 64 URL-safe characters', async (_, userId) => {
    const now = new Date('2026-11-22T10:00:00Z')
    const cid = await sealCid(userId, SECRET, { now })
    expect(cid).toMatch(/^[A-Za-z0-9_-]{64}$/)
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
  })

  test('its length gives nothing away: every id seals to 64 characters', async () => {
    const ids = ['7', '234', 'user:leon', 'ü-leon-bridges1', '4f9c1c3e-8a2b-4d6e-9f01-23456789abcd', '12345678901234567890123456789012345678']
    const lengths = new Set(await Promise.all(ids.map(async (id) => (await sealCid(id, SECRET)).length)))
    expect([...lengths]).toStrictEqual([64])
  })

  test.each(['7', 'user:leon', 'ü-leon-bridges1'])('no other string opens to the same id as a cid of %j', async (userId) => {
    const cid = await sealCid(userId, SECRET)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    // Every other last character, where base64 would hide spare bits, and trailing padding.
    const others = [...alphabet].filter((char) => char != cid.at(-1)).map((char) => cid.slice(0, -1) + char)
    for (const other of [...others, cid + '=', cid + 'A', cid.slice(0, -1)]) {
      await expect(openCid(other, SECRET), other).rejects.toBeInstanceOf(CidError)
    }
    expect((await openCid(cid, SECRET)).userId).toBe(userId)
  })

  test.each([
    ['shorter than 32 characters', 'only-31-characters-long-secret!'],
    ['not a string', undefined as unknown as string],
  ])('a secret %s is refused, with how to make one', async (_, secret) => {
    const message = /at least 32 characters; make one with: node -e .*randomBytes\(32\)\.toString\('base64url'\)/
    await expect(sealCid('1', secret)).rejects.toThrow(TypeError)
    await expect(sealCid('1', secret)).rejects.toThrow(message)
    await expect(openCid('A'.repeat(64), secret)).rejects.toThrow(message)
  })

  test('cids of the first format (v1, of varying length) are refused as CidErrors', async () => {
    // Sealed with SECRET by the previous version: "7", a UUID (64 characters then too) and "user:leon".
    const v1 = ['9JNPgLdn7gpxRb8xaBb3kx2W378Nyc3zo6fEb_Y7Y6uW', 'EtT6jUcJzD0XC9zKNuQLeeLH9mJawwf2EyvtxVWdb3NHvhCG_FMRbF7aEdgUMl5j', 'T-F0HhvXeH-HlrPn9MtHu-pVxgtzVSfMEUn5wbwGXAO3sMq4QRQlosg']
    await expect(openCid(v1[0], SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'malformed' })
    await expect(openCid(v1[1], SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'invalid' })
    await expect(openCid(v1[2], SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'malformed' })
  })

  test('a cid whose sealed content is not in the one form sealCid() writes is malformed', async () => {
    // Made with the secret, as the v2 format describes: 12 IV + AES-GCM (96-bit tag) of 24 bytes,
    // kind << 5 | length, issuedAt (u32), ttl (u24), then the id padded with zeros to 16 bytes.
    const { subtle } = globalThis.crypto
    const info = new TextEncoder().encode('moonclerk-checkout cid v2')
    const material = await subtle.importKey('raw', new TextEncoder().encode(SECRET), 'HKDF', false, ['deriveKey'])
    const salt = new TextEncoder().encode('moonclerk-checkout')
    const key = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt'])
    const seal = async (head: number, id: number[]) => {
      const plain = new Uint8Array(24)
      plain[0] = head
      plain.set(id, 8)
      const iv = new Uint8Array(12)
      const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: info, tagLength: 96 }, key, plain))
      return Buffer.concat([iv, sealed]).toString('base64url')
    }
    expect((await openCid(await seal((2 << 5) | 1, [7]), SECRET)).userId).toBe('7')
    for (const [head, id] of [
      [(2 << 5) | 1, [7, 0, 0, 1]], // something after the id
      [(2 << 5) | 2, [0, 7]], // "7" with a leading zero byte
      [(0 << 5) | 1, [0x37]], // "7" stored as text, not as a number
      [(0 << 5) | 0, []], // no id
      [(0 << 5) | 17, []], // longer than 16 bytes
      [(3 << 5) | 1, [7]], // an unknown kind
      [(0 << 5) | 1, [0xff]], // not UTF-8
    ] as Array<[number, number[]]>) {
      await expect(openCid(await seal(head, id), SECRET), JSON.stringify([head, id])).rejects.toMatchObject({ name: 'CidError', code: 'malformed' })
    }
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

  test.each([
    '',
    'not base64!',
    'AAAA',
    'A'.repeat(33),
    'A'.repeat(63),
    'x'.repeat(65),
    'A'.repeat(63) + '=',
    'A'.repeat(62) + '==',
    'A'.repeat(60) + ' AAA',
    '{{custom_id}}',
    null,
    undefined,
    234,
    ['A'.repeat(64)],
  ])('malformed input %j is refused with a CidError', async (cid) => {
    await expect(openCid(cid as string, SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'malformed' })
  })

  test('a cid sealed by this release still opens: the key derivation and the format are fixed', async () => {
    // Sealed with SECRET at 2026-11-22T10:00:00Z, ttlSeconds 3600.
    const cid = 'UIGnCxHxTXSPvIFdetblXigMX0f7LMRBP3K5_-OsQVHgxgE2toFOkCtoAHpS4IDT'
    const issuedAt = new Date('2026-11-22T10:00:00Z')
    expect(await openCid(cid, SECRET, { now: new Date('2026-11-22T10:30:00Z') })).toStrictEqual({ userId: '4f9c1c3e-8a2b-4d6e-9f01-23456789abcd', issuedAt })
    await expect(openCid(cid, SECRET, { now: new Date('2026-11-22T11:00:01Z') })).rejects.toMatchObject({ code: 'expired' })
  })

  test('says why a value is malformed', async () => {
    await expect(openCid(234 as unknown as string, SECRET)).rejects.toThrow('not a sealed cid: a number, not a string')
    await expect(openCid('AAAA', SECRET)).rejects.toThrow('not a sealed cid: 4 characters, not 64')
    // + and / are base64, not base64url: refused for their characters, at either end.
    await expect(openCid('+' + 'A'.repeat(63), SECRET)).rejects.toThrow('not a sealed cid: unexpected characters')
    await expect(openCid('A'.repeat(63) + '/', SECRET)).rejects.toThrow('not a sealed cid: unexpected characters')
    await expect(openCid('A'.repeat(64), SECRET)).rejects.toThrow('this cid was not sealed with this secret, or it was altered')
  })

  test('a secret of exactly 32 characters will do', async () => {
    const secret = 's'.repeat(32)
    expect((await openCid(await sealCid('7', secret), secret)).userId).toBe('7')
  })

  test('userId must be a non-empty string', async () => {
    for (const userId of ['', 234, null]) await expect(sealCid(userId as string, SECRET)).rejects.toThrow('userId must be a non-empty string')
  })

  test('ttlSeconds: a whole number up to 16,777,215', async () => {
    const now = new Date('2026-11-22T10:00:00Z')
    const cid = await sealCid('7', SECRET, { ttlSeconds: 2 ** 24 - 1, now })
    expect((await openCid(cid, SECRET, { now: new Date(now.getTime() + (2 ** 24 - 1) * 1000) })).userId).toBe('7')
    await expect(sealCid('7', SECRET, { ttlSeconds: -1 })).rejects.toThrow('ttlSeconds must be a whole number from 1 to 16777215')
  })

  test('text that merely contains a UUID is text: too long to seal', async () => {
    const uuid = '4f9c1c3e-8a2b-4d6e-9f01-23456789abcd'
    for (const userId of ['x' + uuid, uuid + 'x']) await expect(sealCid(userId, SECRET)).rejects.toThrow(/too long to seal/)
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
  ])("rejects %s with a clear WebhookError, code 'malformed'", (_, body, message) => {
    expect(() => parseWebhook(body)).toThrow(WebhookError)
    expect(() => parseWebhook(body)).toThrow(message)
    expect(() => parseWebhook(body)).toThrow(expect.objectContaining({ code: 'malformed' }))
  })
})
