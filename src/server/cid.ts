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

// Web Crypto is global from Node 19 on (and in Deno, Bun, workers); Node 18 has it in node:crypto.
async function webCrypto(): Promise<Crypto> {
  if (globalThis.crypto && globalThis.crypto.subtle) return globalThis.crypto
  return ((await import('node:crypto')) as unknown as { webcrypto: Crypto }).webcrypto
}
const subtle = async () => (await webCrypto()).subtle

const text = new TextEncoder()
// v2: every cid has one length, whatever the id. v1 cids (variable length, never released) are
// refused: those of another length as `malformed`, the 64-character ones as `invalid`.
const VERSION = text.encode('moonclerk-checkout cid v2')
// 48 bytes are 64 base64url characters: 12 IV + 12 tag + 8 header + 16 for the user id, padded
// with zeros. The header's first byte holds the id's kind (high 3 bits) and its length (low 5).
const IV_BYTES = 12
const TAG_BITS = 96
const HEADER_BYTES = 8
const MAX_ID_BYTES = 16
const PLAIN_BYTES = HEADER_BYTES + MAX_ID_BYTES
const CID_LENGTH = 64
const MAX_TTL = 2 ** 24 - 1
const MIN_SECRET = 32
const MAKE_SECRET = `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`

// How the user id is stored: the shortest form that gives back exactly the same string.
const TEXT = 0
const UUID_KIND = 1
const NUMBER_KIND = 2
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const NUMBER = /^(0|[1-9]\d{0,37})$/

function encodeId(userId: string): [number, Uint8Array] {
  if (UUID.test(userId)) return [UUID_KIND, hexBytes(userId.replace(/-/g, ''))]
  if (NUMBER.test(userId)) {
    const hex = BigInt(userId).toString(16)
    return [NUMBER_KIND, hexBytes(hex.length % 2 ? '0' + hex : hex)]
  }
  return [TEXT, text.encode(userId)]
}

function decodeId(kind: number, bytes: Uint8Array): string {
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  if (kind == UUID_KIND) return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')
  if (kind == NUMBER_KIND) return BigInt('0x' + (hex || '0')).toString()
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
}

/** The user id in a decrypted cid, only if sealing it again would store exactly the same bytes. */
function canonicalId(plain: Uint8Array): string | undefined {
  const kind = plain[0] >> 5
  const length = plain[0] & 0x1f
  const padding = plain.subarray(HEADER_BYTES + Math.min(length, MAX_ID_BYTES))
  if (length == 0 || length > MAX_ID_BYTES || padding.some((byte) => byte != 0)) return undefined
  const stored = plain.subarray(HEADER_BYTES, HEADER_BYTES + length)
  let userId: string
  try {
    userId = decodeId(kind, stored)
  } catch {
    return undefined
  }
  const [again, bytes] = encodeId(userId)
  return again == kind && bytes.length == length && bytes.every((byte, i) => byte == stored[i]) ? userId : undefined
}

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) || [], (pair) => parseInt(pair, 16))

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** The bytes of a sealed cid: exactly 64 base64url characters, in the one spelling that encodes them. */
function fromBase64url(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value != 'string') throw new CidError('malformed', `not a sealed cid: a ${typeof value}, not a string`)
  if (value.length != CID_LENGTH) throw new CidError('malformed', `not a sealed cid: ${value.length} characters, not ${CID_LENGTH}`)
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new CidError('malformed', 'not a sealed cid: unexpected characters')
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0))
  } catch {
    throw new CidError('malformed', 'not a sealed cid: not base64url')
  }
  // 64 characters carry exactly 48 bytes, so no spare bits can differ today; the check keeps it so.
  if (base64url(bytes) != value) throw new CidError('malformed', 'not a sealed cid: not in canonical base64url')
  return bytes
}

function checkSecret(secret: unknown): asserts secret is string {
  if (typeof secret != 'string' || secret.length < MIN_SECRET)
    throw new TypeError(`the secret must be a string of at least ${MIN_SECRET} characters; make one with: ${MAKE_SECRET}`)
}

const keys = new Map<string, Promise<CryptoKey>>()

// One AES key per secret, derived with HKDF so that any string of enough entropy will do.
function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = subtle().then(async (crypto) => {
      const material = await crypto.importKey('raw', text.encode(secret), 'HKDF', false, ['deriveKey'])
      return crypto.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: text.encode('moonclerk-checkout'), info: VERSION },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      )
    })
    keys.set(secret, key)
  }
  return key
}

/** The header and the padded id, before encryption. */
function plaintext(userId: string, ttl: number, now: Date): Uint8Array<ArrayBuffer> {
  const [kind, id] = encodeId(userId)
  if (id.length > MAX_ID_BYTES)
    throw new RangeError(`userId is too long to seal into 64 characters: ${id.length} bytes, at most ${MAX_ID_BYTES} (or a UUID, or a number up to 38 digits)`)
  const plain = new Uint8Array(PLAIN_BYTES)
  const header = new DataView(plain.buffer)
  header.setUint8(0, (kind << 5) | id.length)
  header.setUint32(1, Math.floor(now.getTime() / 1000))
  header.setUint8(5, ttl >>> 16)
  header.setUint16(6, ttl & 0xffff)
  plain.set(id, HEADER_BYTES)
  return plain
}

/**
 * Seals a user id into an opaque, URL-safe cid of exactly 64 characters, to pass to MoonClerk
 * instead of the real id. It reveals nothing about the id (not even its length), and nobody
 * without `secret` can make one or alter one. Fits: a UUID, a number of up to 38 digits, or up to
 * 16 bytes of text. The secret must have at least 32 characters.
 */
export async function sealCid(userId: string, secret: string, options: SealOptions = {}): Promise<string> {
  checkSecret(secret)
  if (typeof userId != 'string' || !userId) throw new TypeError('userId must be a non-empty string')
  const ttl = options.ttlSeconds ?? 0
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) throw new RangeError(`ttlSeconds must be a whole number from 1 to ${MAX_TTL}`)
  const plain = plaintext(userId, ttl, options.now ?? new Date())
  const crypto = await webCrypto()
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: VERSION, tagLength: TAG_BITS }, await keyFor(secret), plain),
  )
  const out = new Uint8Array(IV_BYTES + sealed.length)
  out.set(iv)
  out.set(sealed, IV_BYTES)
  return base64url(out)
}

/** Reads a sealed cid back; throws a `CidError` for a malformed, foreign, altered or expired one. */
export async function openCid(cid: string, secret: string, options: { now?: Date } = {}): Promise<OpenedCid> {
  checkSecret(secret)
  const bytes = fromBase64url(cid)
  let plain: Uint8Array
  try {
    plain = new Uint8Array(
      await (await subtle()).decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: VERSION, tagLength: TAG_BITS },
        await keyFor(secret),
        bytes.subarray(IV_BYTES),
      ),
    )
  } catch {
    throw new CidError('invalid', 'this cid was not sealed with this secret, or it was altered')
  }
  const userId = plain.length == PLAIN_BYTES ? canonicalId(plain) : undefined
  if (userId === undefined) throw new CidError('malformed', 'not a sealed cid: its content is not in the form sealCid() writes')
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
  const digest = new Uint8Array(await (await subtle()).digest('SHA-256', text.encode(`${userId}:${time}`)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
