import { appendToHead, createElement } from './dom.js'
import { page } from './page.js'

/** `<link rel="preconnect">` once per origin: DNS, TCP and TLS happen before the first byte is needed. */
export function preconnect({ origin }: URL): void {
  const hinted = page.hinted
  if (hinted.has(origin) || origin == location.origin) return
  hinted.add(origin)
  const hint = createElement('link')
  hint.rel = 'preconnect'
  hint.href = origin
  appendToHead(hint)
}
