// The ESM entry: no side effects on import. `moonclerk-checkout/auto` starts by itself.
export { mount, mountAll } from './mount.js'
export { buildOpts, checkoutUrl } from './opts.js'
export { readReturn } from './return-url.js'
export { handleReturn, onPaid, onReturn } from './return.js'
export { decorateLinks } from './links.js'
export { loadEmbedScript } from './loader.js'
export { start } from './start.js'
export type * from './types.js'
