// Where MoonClerk is: the e2e's stand-in, given at build time (e2e/next.spec.ts), as a site would
// give its own settings.
export const embedSrc = process.env.NEXT_PUBLIC_MOONCLERK_EMBED_SRC!
export const payUrl = process.env.NEXT_PUBLIC_MOONCLERK_PAY_URL!
export const TOKEN = '8h7frjfytj'
