// The ESM entry: no side effects on import. `moonclerk-checkout/auto` starts by itself.
export { mount, mountAll, type CheckoutHandle } from './mount'
export { buildOpts, checkoutUrl, type MoonclerkOpts, type OptsInput, type CheckoutUrlOptions, type CheckoutValues } from './opts'
export { readReturn, handleReturn, onReturn, type ReturnParams } from './return'
export { decorateLinks } from './links'
export { loadEmbedScript, type LoadOptions, type MoonclerkEmbedConstructor, type MoonclerkEmbedInstance } from './loader'
export type { CheckoutOptions, GlobalConfig, CidSource, CidValue, ReturnOptions } from './config'
export type { CheckoutError, DisplayDetail, ErrorDetail, ErrorReason, MoonClerkEventMap, ReturnDetail, ReturnValues } from './events'
export { start } from './start'
