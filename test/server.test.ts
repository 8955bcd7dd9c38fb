// @vitest-environment node
import { fileURLToPath } from 'node:url'
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
    ['text that merely contains a UUID', 'x4f9c1c3e-8a2b-4d6e-9f01-23456789abcd'],
  ])('round-trips %s in exactly 112 URL-safe characters', async (_, userId) => {
    const now = new Date('2026-11-22T10:00:00Z')
    const cid = await sealCid(userId, SECRET, { now })
    expect(cid).toMatch(/^[A-Za-z0-9_-]{112}$/)
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
    const limit = /^userId is 53 bytes; a sealed cid holds at most 52 bytes/
    await expect(sealCid('x'.repeat(53), SECRET)).rejects.toThrow(limit)
    await expect(sealCid('', SECRET)).rejects.toThrow(TypeError)
  })

  test.each(['7', 'user:leon', 'ü-leon-bridges1'])(
    'no other string opens to the same id as a cid of %j',
    async (userId) => {
      const cid = await sealCid(userId, SECRET)
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      // Every other last character (where base64 of a byte count not divisible by 3 hides spare bits), and padding.
      const others = [...alphabet].filter((char) => char != cid.at(-1)).map((char) => cid.slice(0, -1) + char)
      for (const other of [...others, cid + '=', cid + 'A', cid.slice(0, -1)]) {
        await expect(openCid(other, SECRET), other).rejects.toBeInstanceOf(CidError)
      }
      expect((await openCid(cid, SECRET)).userId).toBe(userId)
    },
  )

  test.each([
    ['shorter than 32 characters', 'only-31-characters-long-secret!'],
    ['not a string', undefined as unknown as string],
  ])('a secret %s is refused, with how to make one', async (_, secret) => {
    const message = /at least 32 characters; make one with: node -e .*randomBytes\(32\)\.toString\('base64url'\)/
    await expect(sealCid('1', secret)).rejects.toThrow(TypeError)
    await expect(sealCid('1', secret)).rejects.toThrow(message)
    await expect(openCid('A'.repeat(112), secret)).rejects.toThrow(message)
  })

  test('cids of the earlier formats (v1 of varying length, v2 of 64 characters) are malformed', async () => {
    // Sealed with SECRET by earlier builds: "7", a UUID and "user:leon" (v1), a UUID (v2).
    const earlier = [
      '9JNPgLdn7gpxRb8xaBb3kx2W378Nyc3zo6fEb_Y7Y6uW',
      'EtT6jUcJzD0XC9zKNuQLeeLH9mJawwf2EyvtxVWdb3NHvhCG_FMRbF7aEdgUMl5j',
      'T-F0HhvXeH-HlrPn9MtHu-pVxgtzVSfMEUn5wbwGXAO3sMq4QRQlosg',
      'UIGnCxHxTXSPvIFdetblXigMX0f7LMRBP3K5_-OsQVHgxgE2toFOkCtoAHpS4IDT',
    ]
    for (const cid of earlier)
      await expect(openCid(cid, SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'malformed' })
  })

  test('a cid whose sealed content is not in the one form sealCid() writes is malformed', async () => {
    // Made with the secret, as the v3 format describes: 12 IV + AES-GCM (96-bit tag) of 60 bytes:
    // the id's length in bytes, issuedAt (u32), ttl (u24), then the id as UTF-8 padded with zeros to 52.
    const { subtle } = globalThis.crypto
    const info = new TextEncoder().encode('moonclerk-checkout cid v3')
    const material = await subtle.importKey('raw', new TextEncoder().encode(SECRET), 'HKDF', false, ['deriveKey'])
    const salt = new TextEncoder().encode('moonclerk-checkout')
    const aes = { name: 'AES-GCM', length: 256 }
    const key = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info }, material, aes, false, ['encrypt'])
    const seal = async (length: number, id: number[]) => {
      const plain = new Uint8Array(60)
      plain[0] = length
      plain.set(id, 8)
      const iv = new Uint8Array(12)
      const algorithm = { name: 'AES-GCM', iv, additionalData: info, tagLength: 96 }
      const sealed = new Uint8Array(await subtle.encrypt(algorithm, key, plain))
      return Buffer.concat([iv, sealed]).toString('base64url')
    }
    expect(await seal(1, [0x37])).toHaveLength(112)
    expect((await openCid(await seal(1, [0x37]), SECRET)).userId).toBe('7')
    expect((await openCid(await seal(52, Array(52).fill(0x78)), SECRET)).userId).toBe('x'.repeat(52))
    for (const [length, id] of [
      [1, [0x37, 0, 0, 1]], // something after the id
      [0, []], // no id
      [53, Array(52).fill(0x78)], // longer than 52 bytes
      [255, []], // far longer
      [1, [0xff]], // not UTF-8
      [2, [0xc0, 0xb7]], // "7" in an overlong UTF-8 form
      [3, [0xed, 0xa0, 0x80]], // a surrogate in UTF-8 form (CESU)
      [2, [0xc3]], // a cut character
    ] as Array<[number, number[]]>) {
      const cid = await seal(length, id)
      await expect(openCid(cid, SECRET), JSON.stringify([length, id])).rejects.toMatchObject({
        name: 'CidError',
        code: 'malformed',
      })
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
    await expect(openCid(cid, SECRET, at(3601))).rejects.toMatchObject({
      code: 'expired',
      message: 'this cid expired 1 s ago',
    })
    await expect(sealCid('234', SECRET, { ttlSeconds: 2 ** 24 })).rejects.toThrow(RangeError)
    await expect(sealCid('234', SECRET, { ttlSeconds: 1.5 })).rejects.toThrow(RangeError)
  })

  test.each([
    '',
    'not base64!',
    'AAAA',
    'A'.repeat(33),
    'A'.repeat(64),
    'A'.repeat(111),
    'x'.repeat(113),
    'A'.repeat(111) + '=',
    'A'.repeat(110) + '==',
    'A'.repeat(108) + ' AAA',
    'A'.repeat(108) + '\nAAA',
    '{{custom_id}}',
    null,
    undefined,
    234,
    ['A'.repeat(112)],
  ])('malformed input %j is refused with a CidError', async (cid) => {
    await expect(openCid(cid as string, SECRET)).rejects.toMatchObject({ name: 'CidError', code: 'malformed' })
  })

  test('a cid sealed by this release still opens: the key derivation and the format are fixed', async () => {
    // Sealed with SECRET at 2026-11-22T10:00:00Z, ttlSeconds 3600.
    const cid =
      'U2_HcNqxOo6UmhWKmYZTREObuJD8XDRumOUPHGg1W1zkTJDR-vLfNPLuRJtGb3outCnsCWddXa8C2sTkZWDpehDZynCBU98_Pn-rLeoN5_CcTu2x'
    const issuedAt = new Date('2026-11-22T10:00:00Z')
    const opened = await openCid(cid, SECRET, { now: new Date('2026-11-22T10:30:00Z') })
    expect(opened).toStrictEqual({ userId: 'google-oauth2|117458326012345678901', issuedAt })
    await expect(openCid(cid, SECRET, { now: new Date('2026-11-22T11:00:01Z') })).rejects.toMatchObject({
      code: 'expired',
    })
  })

  test('says why a value is malformed', async () => {
    await expect(openCid(234 as unknown as string, SECRET)).rejects.toThrow('not a sealed cid: a number, not a string')
    await expect(openCid('AAAA', SECRET)).rejects.toThrow('not a sealed cid: 4 characters, not 112')
    // + and / are base64, not base64url: refused for their characters, at either end.
    await expect(openCid('+' + 'A'.repeat(111), SECRET)).rejects.toThrow('not a sealed cid: unexpected characters')
    await expect(openCid('A'.repeat(111) + '/', SECRET)).rejects.toThrow('not a sealed cid: unexpected characters')
    const foreign = 'this cid was not sealed with this secret, or it was altered'
    await expect(openCid('A'.repeat(112), SECRET)).rejects.toThrow(foreign)
  })

  test('a secret of exactly 32 characters will do', async () => {
    const secret = 's'.repeat(32)
    expect((await openCid(await sealCid('7', secret), secret)).userId).toBe('7')
  })

  test('userId must be a non-empty string', async () => {
    for (const userId of ['', 234, null])
      await expect(sealCid(userId as string, SECRET)).rejects.toThrow('userId must be a non-empty string')
  })

  test('ttlSeconds: a whole number up to 16,777,215', async () => {
    const now = new Date('2026-11-22T10:00:00Z')
    const cid = await sealCid('7', SECRET, { ttlSeconds: 2 ** 24 - 1, now })
    expect((await openCid(cid, SECRET, { now: new Date(now.getTime() + (2 ** 24 - 1) * 1000) })).userId).toBe('7')
    await expect(sealCid('7', SECRET, { ttlSeconds: -1 })).rejects.toThrow(
      'ttlSeconds must be a whole number from 1 to 16777215',
    )
  })
})

// The ids merchants have: each must come back exactly, in a cid of the one length.
const REAL_WORLD_IDS: Array<[string, string]> = [
  ['a Mongo ObjectId', '507f1f77bcf86cd799439011'],
  ['a Firebase uid', 'xR9kZ2mP4qL7vN1bT8cW3yH6jF5s'],
  ['a Clerk user id', 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC'],
  ['an Auth0 sub (database)', 'auth0|5f7c8ec7c33c6c004bbafe82'],
  ['an Auth0 sub (Google)', 'google-oauth2|117458326012345678901'],
  ['an Auth0 sub (Apple)', 'apple|001234.4f5e6d7c8b9a0123456789abcdef0123.0456'],
  ['a ULID', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
  ['a cuid2', 'tz4a98xxat96iws9zmbrgj3a'],
  ['a cuid', 'cjld2cjxh0000qzrmn831i7rn'],
  ['a Stripe customer', 'cus_NffrFeUfNV2Hib'],
  ['a lowercase UUID', '4f9c1c3e-8a2b-4d6e-9f01-23456789abcd'],
  ['an uppercase UUID', '4F9C1C3E-8A2B-4D6E-9F01-23456789ABCD'],
  ['a mixed-case UUID', '4f9C1c3E-8a2b-4D6e-9F01-23456789aBcD'],
  ['a UUID without dashes', '4f9c1c3e8a2b4d6e9f0123456789abcd'],
  ['a UUID in braces', '{4f9c1c3e-8a2b-4d6e-9f01-23456789abcd}'],
  ['an Okta id', '00u1ab2cd3EF4gh5i6j7'],
  ['a nanoid', 'V1StGXR8_Z5jdHi6B-myT'],
  ['a number', '234'],
  ['zero', '0'],
  ['leading zeros', '000123'],
  ['a 38-digit number', '12345678901234567890123456789012345678'],
  ['a Snowflake id', '1541815603606036480'],
  ['text with a space', 'user leon'],
  ['an email', 'leon.bridges@example.com'],
  ['non-ASCII text', 'ü-leon-bridges1'],
  ['an emoji', 'leon-🎸'],
  ['a leading byte-order mark', '\ufeffuser-7'],
  ['a NUL inside', 'a\u0000b'],
  ['trailing NULs', 'ab\u0000\u0000'],
  ['one character', '7'],
  ['52 bytes', 'x'.repeat(52)],
  ['52 bytes of two-byte letters', 'é'.repeat(26)],
]

describe('sealCid takes the ids merchants have', () => {
  const now = new Date('2026-11-22T10:00:00Z')

  test.each(REAL_WORLD_IDS)('%s round-trips exactly, in 112 URL-safe characters', async (_, userId) => {
    const cid = await sealCid(userId, SECRET, { now })
    expect(cid).toMatch(/^[A-Za-z0-9_-]{112}$/)
    expect(await openCid(cid, SECRET, { now })).toStrictEqual({ userId, issuedAt: now })
  })

  test('every sealed cid has the same length, whatever the id', async () => {
    const lengths = new Set(await Promise.all(REAL_WORLD_IDS.map(async ([, id]) => (await sealCid(id, SECRET)).length)))
    expect([...lengths]).toStrictEqual([112])
  })

  test('an id too long is refused with the limit named plainly, never cut', async () => {
    await expect(sealCid('x'.repeat(53), SECRET)).rejects.toThrow(
      new RangeError('userId is 53 bytes; a sealed cid holds at most 52 bytes of text (UTF-8)'),
    )
    await expect(sealCid('é'.repeat(27), SECRET)).rejects.toThrow(
      'userId is 54 bytes; a sealed cid holds at most 52 bytes',
    )
    await expect(sealCid('x'.repeat(70), SECRET)).rejects.toThrow(RangeError)
  })

  test('an id that is not well-formed Unicode (a lone surrogate) is refused: it could not come back', async () => {
    for (const userId of ['\ud800', 'a\udc00b', '\ud83d']) {
      await expect(sealCid(userId, SECRET)).rejects.toThrow(
        new TypeError('userId must be well-formed Unicode: it has a lone surrogate'),
      )
    }
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
  const payment = {
    event: 'payment_created',
    object: 'payment',
    data: { id: 1348394, custom_id: '234', amount: 1000, checkout: { token: 'ck9' } },
  }

  test('returns what matters, from the raw body or parsed JSON', () => {
    const parsed = {
      event: 'payment_created',
      kind: 'payment',
      object: 'payment',
      id: 1348394,
      customId: '234',
      checkoutToken: 'ck9',
      data: payment.data,
    }
    expect(parseWebhook(JSON.stringify(payment))).toStrictEqual(parsed)
    expect(parseWebhook(new TextEncoder().encode(JSON.stringify(payment)))).toStrictEqual(parsed)
    expect(parseWebhook(payment)).toStrictEqual(parsed)
  })

  test('a plan without cid or checkout', () => {
    expect(
      parseWebhook({ event: 'plan_ended', object: 'customer', data: { id: 53453, custom_id: null } }),
    ).toMatchObject({
      kind: 'plan',
      object: 'customer',
      customId: null,
      checkoutToken: null,
    })
  })

  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'an event named like an Object property (%s) is an event like any other',
    (event) => {
      for (const object of ['payment', 'customer']) {
        expect(parseWebhook({ event, object, data: { id: 1 } })).toMatchObject({ event, object })
      }
    },
  )

  test.each([
    ['not JSON', '{oops', /not JSON/],
    ['not an object', '[1]', /"event"/],
    ['no event', { object: 'payment', data: { id: 1 } }, /no "event"/],
    ['no object', { event: 'x', data: { id: 1 } }, /"payment" or "customer", got undefined/],
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

test('the server entry bundles for a browser-like runtime, with no externals and no node: import', async () => {
  const { build } = await import('esbuild')
  const entry = fileURLToPath(new URL('../src/server/index.ts', import.meta.url))
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  })
  expect(result.errors).toStrictEqual([])
  const code = result.outputFiles[0].text
  expect(code).toContain('sealCid')
  expect(code).not.toMatch(/\b(?:from|import|require)\s*\(?\s*["']node:/)
  expect(code).not.toMatch(/["']node:[a-z_/]+["']/)
})
