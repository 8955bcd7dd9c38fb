// Private custom ids. MoonClerk's docs warn that the cid travels in URLs and suggest a hash kept
// in a database; a sealed cid needs no table: it carries the user id encrypted and authenticated,
// so only the holder of the secret can make one or read it.

/** Why `openCid()` refused a value. Tampered and foreign cids cannot be told apart, by design. */
export type CidErrorCode = 'malformed' | 'invalid' | 'expired'

export class CidError extends Error {
  constructor(
    readonly code: CidErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'CidError'
  }
}

export interface SealOptions {
  /** Seconds the cid stays valid, at most 16,777,215 (194 days); by default it does not expire. */
  ttlSeconds?: number
  /** The time of sealing (for tests); defaults to now. */
  now?: Date
}

export interface OpenedCid {
  userId: string
  issuedAt: Date
}

// Web Crypto is global in Node 20+, Deno, Bun and workers: no import of node:crypto, so the server
// entry bundles for runtimes without Node compatibility.
function webCrypto(): Crypto {
  const crypto = globalThis.crypto
  if (!crypto || !crypto.subtle)
    throw new TypeError('moonclerk-checkout/server needs Web Crypto (globalThis.crypto): Node 20+')
  return crypto
}

const text = new TextEncoder()
// ignoreBOM: a leading U+FEFF is part of the id, not a byte-order mark to drop.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// v3: every cid has one length, whatever the id. Cids of earlier formats (never released) are
// refused as `malformed`: their length differs.
const VERSION = text.encode('moonclerk-checkout cid v3')
// 12 IV + AES-GCM of 60 bytes (8 header + 52 for the user id as UTF-8, padded with zeros) + 12 tag
// = 84 bytes. 84 is a multiple of 3, so its base64url (112 characters) has no spare bits: each
// 112-character string of the alphabet is exactly one byte sequence. Header: the id's length in
// bytes, issuedAt (u32, seconds), ttl (u24, seconds; 0: no expiry).
const IV_BYTES = 12
const TAG_BITS = 96
const HEADER_BYTES = 8
const MAX_ID_BYTES = 52
const PLAIN_BYTES = HEADER_BYTES + MAX_ID_BYTES
const CID_LENGTH = ((IV_BYTES + PLAIN_BYTES + TAG_BITS / 8) / 3) * 4
const MAX_TTL = 2 ** 24 - 1
const MIN_SECRET = 32
const MAKE_SECRET = `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`
// A lone surrogate has no UTF-8 form: TextEncoder would write U+FFFD, and another id would come back.
const LONE_SURROGATE = /\p{Cs}/u

/** The user id in a decrypted cid, only if it is in the one form `sealCid()` writes. */
function storedId(plain: Uint8Array): string | undefined {
  const length = plain[0]
  if (length == 0 || length > MAX_ID_BYTES || plain.subarray(HEADER_BYTES + length).some((byte) => byte != 0))
    return undefined
  try {
    return utf8.decode(plain.subarray(HEADER_BYTES, HEADER_BYTES + length))
  } catch {
    return undefined
  }
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')

/** The bytes of a sealed cid: exactly 112 base64url characters (no padding, no spare bits to vary). */
function fromBase64url(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value != 'string') throw new CidError('malformed', `not a sealed cid: a ${typeof value}, not a string`)
  if (value.length != CID_LENGTH)
    throw new CidError('malformed', `not a sealed cid: ${value.length} characters, not ${CID_LENGTH}`)
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new CidError('malformed', 'not a sealed cid: unexpected characters')
  return Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0))
}

function checkSecret(secret: unknown): asserts secret is string {
  if (typeof secret != 'string' || secret.length < MIN_SECRET)
    throw new TypeError(
      `the secret must be a string of at least ${MIN_SECRET} characters; make one with: ${MAKE_SECRET}`,
    )
}

const keys = new Map<string, Promise<CryptoKey>>()

// One AES key per secret, derived with HKDF so that any string of enough entropy will do.
function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    const subtle = webCrypto().subtle
    key = subtle
      .importKey('raw', text.encode(secret), 'HKDF', false, ['deriveKey'])
      .then((material) =>
        subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: text.encode('moonclerk-checkout'), info: VERSION },
          material,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      )
    keys.set(secret, key)
  }
  return key
}

/** The header and the padded id, before encryption. */
function plaintext(userId: string, ttl: number, now: Date): Uint8Array<ArrayBuffer> {
  if (LONE_SURROGATE.test(userId)) throw new TypeError('userId must be well-formed Unicode: it has a lone surrogate')
  const id = text.encode(userId)
  if (id.length > MAX_ID_BYTES)
    throw new RangeError(
      `userId is ${id.length} bytes; a sealed cid holds at most ${MAX_ID_BYTES} bytes of text (UTF-8)`,
    )
  const plain = new Uint8Array(PLAIN_BYTES)
  const header = new DataView(plain.buffer)
  header.setUint8(0, id.length)
  header.setUint32(1, Math.floor(now.getTime() / 1000))
  header.setUint8(5, ttl >>> 16)
  header.setUint16(6, ttl & 0xffff)
  plain.set(id, HEADER_BYTES)
  return plain
}

/**
 * Seals a user id into an opaque, URL-safe cid of exactly 112 characters, whatever the id, to pass
 * to MoonClerk instead of the real id. It reveals nothing about the id (not even its length), and
 * nobody without `secret` can make one or alter one. Takes any id of up to 52 bytes of text
 * (UTF-8): UUIDs in any case, ObjectIds, Firebase, Clerk and Auth0 ids, ULIDs, cuids, numbers; a
 * longer one is a `RangeError`, never cut. The secret must have at least 32 characters.
 */
export async function sealCid(userId: string, secret: string, options: SealOptions = {}): Promise<string> {
  checkSecret(secret)
  if (typeof userId != 'string' || !userId) throw new TypeError('userId must be a non-empty string')
  const ttl = options.ttlSeconds ?? 0
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL)
    throw new RangeError(`ttlSeconds must be a whole number from 1 to ${MAX_TTL}`)
  const plain = plaintext(userId, ttl, options.now ?? new Date())
  const crypto = webCrypto()
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const algorithm = { name: 'AES-GCM', iv, additionalData: VERSION, tagLength: TAG_BITS }
  const sealed = new Uint8Array(await crypto.subtle.encrypt(algorithm, await keyFor(secret), plain))
  const out = new Uint8Array(IV_BYTES + sealed.length)
  out.set(iv)
  out.set(sealed, IV_BYTES)
  return base64url(out)
}

/** The plaintext of a sealed cid; a `CidError` 'invalid' when another secret sealed it or it was altered. */
async function decrypt(bytes: Uint8Array<ArrayBuffer>, secret: string): Promise<Uint8Array> {
  const algorithm = { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: VERSION, tagLength: TAG_BITS }
  try {
    return new Uint8Array(await webCrypto().subtle.decrypt(algorithm, await keyFor(secret), bytes.subarray(IV_BYTES)))
  } catch {
    throw new CidError('invalid', 'this cid was not sealed with this secret, or it was altered')
  }
}

/** Reads a sealed cid back; throws a `CidError` for a malformed, foreign, altered or expired one. */
export async function openCid(cid: string, secret: string, options: { now?: Date } = {}): Promise<OpenedCid> {
  checkSecret(secret)
  const plain = await decrypt(fromBase64url(cid), secret)
  const userId = storedId(plain)
  if (userId === undefined)
    throw new CidError('malformed', 'not a sealed cid: its content is not in the form sealCid() writes')
  const header = new DataView(plain.buffer, plain.byteOffset, plain.byteLength)
  const issuedAt = header.getUint32(1)
  const ttl = (header.getUint8(5) << 16) | header.getUint16(6)
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (ttl && now > issuedAt + ttl) throw new CidError('expired', `this cid expired ${now - issuedAt - ttl} s ago`)
  return { userId, issuedAt: new Date(issuedAt * 1000) }
}

/**
 * MoonClerk's documented recipe: a hash of the user id and a timestamp, to store with the user
 * and pass as the cid. SHA-256 of `${userId}:${timestamp}`, hex (64 characters).
 */
export async function hashCid(userId: string, timestamp: number | Date = Date.now()): Promise<string> {
  const time = typeof timestamp == 'number' ? timestamp : timestamp.getTime()
  const digest = new Uint8Array(await webCrypto().subtle.digest('SHA-256', text.encode(`${userId}:${time}`)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
