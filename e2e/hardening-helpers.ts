// Shared by the hardening-*.spec.ts files: the script build's API as the page sees it, and a
// watch on what must never happen in a page (dialogs, unhandled promise rejections).
import type { Page } from '@playwright/test'
import type * as Lib from '../src/index'
import type { MoonClerkCheckoutElement } from '../src/element'

/** `window.MoonClerkCheckout` of the script build: the ES exports plus the element class. */
export type Api = typeof Lib & { MoonClerkCheckoutElement: typeof MoonClerkCheckoutElement }

/** What the watch records in the page: the reason of every unhandled promise rejection. */
export const UNHANDLED = '__hardeningUnhandled'

/**
 * Attach before page.goto(): every dialog (the Big List's XSS entries call alert()) is recorded
 * and dismissed, and every `unhandledrejection` in the page is recorded. The record lives in a
 * non-enumerable global, so it does not count among the page's own globals.
 */
export function watchPage(page: Page): { dialogs: string[]; unhandled: () => Promise<string[]> } {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss().catch(() => {})
  })
  void page.addInitScript((name) => {
    const seen: string[] = []
    Object.defineProperty(window, name, { value: seen, enumerable: false })
    window.addEventListener('unhandledrejection', (event) => {
      const reason = event.reason as { reason?: string; message?: string } | undefined
      seen.push(String((reason && (reason.reason || reason.message)) || reason))
    })
  }, UNHANDLED)
  return {
    dialogs,
    unhandled: () => page.evaluate((name) => (window as unknown as Record<string, string[]>)[name] || [], UNHANDLED),
  }
}
