// One rule for every URL the library and its server companion fetch from or send a payer to
// (embed.js, the hosted checkout, MoonClerk's API): `https:`, or `http:` on this machine's own
// host only, for development against a local stand-in.
const SECURE = /^https:|^http:(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** Whether `url` is `https:`, or `http:` on localhost, 127.0.0.0/8 or [::1]. */
export const isSecure = (url: URL): boolean => SECURE.test(url.protocol + url.hostname)
