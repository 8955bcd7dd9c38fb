// The script-tag build: the global `MoonClerkCheckout` holds the ESM exports, and it starts by itself.
import { start } from './start'

export * from './index'

start()
