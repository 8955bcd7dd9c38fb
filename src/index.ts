// The ESM entry: no side effects on import. `moonclerk-checkout/auto` starts by itself.
export { mount, mountAll, type CheckoutHandle } from './mount'
export { buildOpts, checkoutUrl, type MoonclerkOpts, type OptsInput, type CheckoutUrlOptions } from './opts'
export { loadEmbedScript, type LoadOptions, type MoonclerkEmbedConstructor, type MoonclerkEmbedInstance } from './loader'
export type { CheckoutOptions, GlobalConfig, CidSource, CidValue } from './config'
export type { CheckoutError, DisplayDetail, ErrorDetail, ErrorReason, MoonClerkEventMap } from './events'
export { start } from './start'
