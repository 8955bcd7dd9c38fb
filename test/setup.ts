// Every test starts on a fresh page, as after a page load: nothing the library remembered from
// the test before (loads, handles, our script tag, hints, the started flag) is left.
import { afterEach } from 'vitest'
import { resetPage } from '../src/page'

afterEach(() => {
  resetPage()
  // The click mode's button sheet is the page's, as on a new page load.
  if (typeof document == 'object') document.adoptedStyleSheets = []
})
