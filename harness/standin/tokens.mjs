// Random references as MoonClerk and Stripe make them: letters and digits, unguessable.
import { randomInt } from 'node:crypto'

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random run of letters and digits, for tokens and Stripe-like references. */
export const randomToken = (length) =>
  Array.from({ length }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('')

/** A checkout token as MoonClerk makes them. */
export const newCheckoutToken = () => randomToken(24)
