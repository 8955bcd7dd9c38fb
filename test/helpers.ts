import { afterEach, beforeEach, vi } from 'vitest'
import type { MoonclerkOpts } from '../src/types'

/** Stands in for MoonClerk's embed: records what it gets and fills its container, as embed.js does. */
export class FakeEmbed {
  static created: MoonclerkOpts[] = []
  static displayed: MoonclerkOpts[] = []
  constructor(public opts: MoonclerkOpts) {
    FakeEmbed.created.push(opts)
  }
  display(): void {
    // Document's own methods: tests shadow document's members as named elements would.
    const container = Document.prototype.getElementById.call(document, 'mc' + this.opts.checkoutToken)
    if (!container) throw new Error('no container')
    const frame = Document.prototype.createElement.call(document, 'iframe') as HTMLIFrameElement
    frame.src = 'https://app.moonclerk.com/pay/' + this.opts.checkoutToken
    container.replaceChildren(frame)
    FakeEmbed.displayed.push(this.opts)
  }
}

/** An embed.js URL on another origin (every test starts on a fresh page: see test/setup.ts). */
export const EMBED_SRC = 'https://cdn.example/embed.js'

/**
 * Captures the scripts the loader adds instead of letting happy-dom fail them on the spot;
 * the test decides when each one loads or fails, as a real network would, later.
 */
export function captureScripts(): HTMLScriptElement[] {
  const scripts: HTMLScriptElement[] = []
  const append = document.head.appendChild.bind(document.head)
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T) => {
    if (node instanceof HTMLScriptElement) scripts.push(node)
    else append(node)
    return node
  })
  return scripts
}

/** embed.js arrives: it defines `MoonclerkEmbed` (unless `defined` is false) and fires load. */
export function arrive(script: HTMLScriptElement, defined = true): void {
  if (defined) window.MoonclerkEmbed = FakeEmbed
  script.dispatchEvent(new Event('load'))
}

export const fail = (script: HTMLScriptElement): boolean => script.dispatchEvent(new Event('error'))

/** Lets pending promise callbacks run. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** A <script> element with these attributes (not in the document). */
export function scriptTag(attributes: Record<string, string>): HTMLScriptElement {
  const script = document.createElement('script')
  for (const [name, value] of Object.entries(attributes)) script.setAttribute(name, value)
  return script
}

export function html(markup: string): HTMLElement {
  document.body.innerHTML = markup
  return document.body.firstElementChild as HTMLElement
}

/** Every moonclerk:* event that reaches `document`, in order. */
export function recordEvents(): Array<{ type: string; target: EventTarget | null; detail: any }> {
  const events: Array<{ type: string; target: EventTarget | null; detail: any }> = []
  const record = (event: Event) =>
    events.push({ type: event.type, target: event.target, detail: (event as CustomEvent).detail })
  beforeEach(() => {
    events.length = 0
    for (const type of ['moonclerk:display', 'moonclerk:error']) document.addEventListener(type, record)
  })
  afterEach(() => {
    for (const type of ['moonclerk:display', 'moonclerk:error']) document.removeEventListener(type, record)
  })
  return events
}

afterEach(() => {
  document.head.innerHTML = ''
  document.body.innerHTML = ''
  delete window.MoonclerkEmbed
  delete window.MoonClerkCheckoutConfig
  FakeEmbed.created = []
  FakeEmbed.displayed = []
})
