import { checkoutOptions, type CidSource, type CidValue } from './config.js'
import { checkoutError, reportError, type CheckoutError } from './events.js'
import { checkoutValues, withParams, type CheckoutValues } from './opts.js'
import { recordCid } from './return.js'

export async function resolveCid(cid: CidSource | undefined): Promise<CidValue | undefined> {
  if (typeof cid != 'function') return cid
  let value: CidValue
  try {
    value = await cid()
  } catch (error) {
    throw checkoutError('cid-unavailable', 'the cid function failed: ' + error)
  }
  // Going on without the id would lose the very payment it is meant to track.
  if (value == null || !String(value).trim()) throw checkoutError('cid-unavailable', 'the cid function returned ' + JSON.stringify(value))
  return value
}

/**
 * Puts the values on a link to the hosted checkout (keeping its other parameters) and remembers
 * the cid, so that a return can be checked against the ids this tab sent out.
 */
export function decorate(link: HTMLAnchorElement, values: CheckoutValues): void {
  link.href = withParams(link.href, values)
  if (values.cid) recordCid(values.cid)
}

const decorated = new WeakSet<Element>()

/**
 * MoonClerk's "linked checkout": every `<a data-moonclerk-link>` under `root` not seen yet gets the
 * page-wide cid and prefill values (its own `data-moonclerk-*` attributes win).
 */
export function decorateLinks(root?: ParentNode): void {
  if (typeof document == 'undefined') return
  for (const link of Array.from((root || document).querySelectorAll<HTMLAnchorElement>('a[data-moonclerk-link]'))) {
    if (decorated.has(link)) continue
    decorated.add(link)
    const options = checkoutOptions(link)
    resolveCid(options.cid)
      .then((cid) => decorate(link, checkoutValues({ ...options, cid })))
      // The link still works without the values; the page hears why they are missing.
      .catch((error: CheckoutError) => reportError(link, link.pathname.split('/').pop()!, error))
  }
}
