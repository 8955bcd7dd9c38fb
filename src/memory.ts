// The tab's memory (sessionStorage): the cids this tab sent into checkouts, and the returns it has
// reported, so that a return can say whether its cid is one of ours and whether it is repeated.
import { page } from './page.js'
import type { ReturnDetail, ReturnValues } from './types.js'

const STORAGE_PREFIX = 'moonclerk-checkout:'

function remembered(list: string): string[] {
  // Storage can throw (privacy modes, sandboxed frames) or hold junk: both mean "nothing remembered".
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_PREFIX + list)!)
    return Array.isArray(value) ? value : []
  } catch {
    return []
  }
}

function remember(list: string, value: string): void {
  const values = remembered(list)
  // What the tab had sent before this page sent anything: a success page that also shows a
  // checkout must not take its own cid for the one that came back.
  if (list == 'cids') page.cidsBefore = page.cidsBefore || values
  // Ten checkouts with one cid write once, not ten times.
  if (values[values.length - 1] == value) return
  try {
    // The latest 20 are plenty for one tab, and keep the entry small however often a SPA remounts.
    sessionStorage.setItem(
      STORAGE_PREFIX + list,
      JSON.stringify([...values.filter((v) => v != value), value].slice(-20)),
    )
  } catch {
    // Full or forbidden: cidMatches falls back to null, never to an error.
  }
}

/** Writes down a cid this tab sends into a checkout. */
export const rememberSentCid = (cid: string): void => remember('cids', cid)

/** The cid this tab last sent into a checkout before this page, if any. */
export const lastSentCid = (): string | null => (page.cidsBefore || remembered('cids')).slice(-1)[0] ?? null

/**
 * Writes down a return, and says whether its cid is one this tab sent (`null`: nothing to compare)
 * and whether this tab has reported it before (a reload, a back-navigation).
 */
export function rememberReturn(values: ReturnValues, source: ReturnDetail['source'] = 'url'): ReturnDetail {
  const sent = remembered('cids')
  const key = values.checkoutToken || JSON.stringify(values)
  const repeated = remembered('returns').includes(key)
  remember('returns', key)
  return {
    ...values,
    cidMatches: sent.length && values.customId ? sent.includes(values.customId) : null,
    repeated,
    source,
  }
}
