// `import "moonclerk-checkout/define"`: registers <moonclerk-checkout> on import.
import { define } from './registration.js'

export { define, TAG } from './registration.js'

define()
