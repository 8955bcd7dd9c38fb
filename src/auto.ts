// `import "moonclerk-checkout/auto"`: start on import, as the script tag does.
import { start } from './index.js'

start()
