// The ESM entry: no side effects on import. `moonclerk-checkout/auto` starts by itself.
export { mount, mountAll, type CheckoutHandle } from './mount.js'
export { buildOpts, checkoutUrl, type MoonclerkOpts, type OptsInput, type CheckoutUrlOptions, type CheckoutValues } from './opts.js'
export { readReturn, handleReturn, onReturn, type ReturnParams } from './return.js'
export { decorateLinks } from './links.js'
export { loadEmbedScript, type LoadOptions, type MoonclerkEmbedConstructor, type MoonclerkEmbedInstance } from './loader.js'
export type { CheckoutOptions, GlobalConfig, CidSource, CidValue, ReturnOptions } from './config.js'
export type { CheckoutError, DisplayDetail, ErrorDetail, ErrorReason, MoonClerkEventMap, ReturnDetail, ReturnValues } from './events.js'
export { start } from './start.js'
