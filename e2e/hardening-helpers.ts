// Shared by the hardening-*.spec.ts files: the script build's API as the page sees it, and a
// watch on what must never happen in a page (dialogs, unhandled promise rejections).
import type { Page } from '@playwright/test'
import type * as Lib from '../src/index'
import type { MoonClerkCheckoutElement } from '../src/element'

/** `window.MoonClerkCheckout` of the script build: the ES exports plus the element class. */
export type Api = typeof Lib & { MoonClerkCheckoutElement: typeof MoonClerkCheckoutElement }

/** What the watch records in the page: the reason of every unhandled promise rejection. */
export const UNHANDLED = '__hardeningUnhandled'
/** …and every element that appeared with an event-handler attribute or a `javascript:` URL: markup a value slipped in. */
export const INJECTED = '__hardeningInjected'

/**
 * Attach before page.goto(): every dialog (the Big List's XSS entries call alert()) is recorded
 * and dismissed, and every `unhandledrejection` in the page is recorded. The record lives in a
 * non-enumerable global, so it does not count among the page's own globals.
 */
export function watchPage(page: Page): {
  dialogs: string[]
  unhandled: () => Promise<string[]>
  injected: () => Promise<string[]>
} {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss().catch(() => {})
  })
  void page.addInitScript(
    ([unhandledName, injectedName]) => {
      const seen: string[] = []
      Object.defineProperty(window, unhandledName, { value: seen, enumerable: false })
      window.addEventListener('unhandledrejection', (event) => {
        const reason = event.reason as { reason?: string; message?: string } | undefined
        seen.push(String((reason && (reason.reason || reason.message)) || reason))
      })
      // Seen when it is parsed, before any handler could run: no waiting for an <img src=x> to fail.
      const injected: string[] = []
      Object.defineProperty(window, injectedName, { value: injected, enumerable: false })
      // An event handler, or a javascript: URL where a browser follows one (data-* values are only data).
      const suspicious = (element: Element) =>
        Array.from(element.attributes).some(
          (attribute) =>
            /^on/i.test(attribute.name) ||
            (/^(href|src|action|formaction|xlink:href)$/i.test(attribute.name) &&
              /^\s*javascript:/i.test(attribute.value)),
        )
      new MutationObserver((records) => {
        for (const record of records)
          for (const node of Array.from(record.addedNodes))
            if (node instanceof Element)
              for (const element of [node, ...Array.from(node.querySelectorAll('*'))])
                if (suspicious(element)) injected.push(element.outerHTML.slice(0, 200))
      }).observe(document, { childList: true, subtree: true })
    },
    [UNHANDLED, INJECTED],
  )
  const read = (name: string) =>
    page.evaluate((key) => (window as unknown as Record<string, string[]>)[key] || [], name)
  return { dialogs, unhandled: () => read(UNHANDLED), injected: () => read(INJECTED) }
}
