import { checkoutOptions } from './config.js'
import { fromDocument, queryAll } from './dom.js'
import { LOG_PREFIX, reportError, warnAbout } from './events.js'
import { rememberSentCid } from './memory.js'
import { resolveCid, secureUrl, withParams } from './opts.js'
import { planValues } from './values.js'
import { page } from './page.js'
import type { CheckoutError, CheckoutValues } from './types.js'

/**
 * Puts the values on a link to the hosted checkout (keeping its other parameters) and remembers
 * the cid, so that a return can be checked against the ids this tab sent out.
 */
export function decorateAndRemember(
  link: HTMLAnchorElement,
  values: CheckoutValues,
  fields?: Array<[string, string]>,
): void {
  // A click on a link with `ping` also posts to the ping URLs, which could name any site: the
  // payer's cid, name and email never ride on such a link.
  if (link.hasAttribute('ping')) return console.warn(`${LOG_PREFIX}${link.href}: a link with ping gets no values`)
  link.href = withParams(link.href, values, fields)
  if (values.cid) rememberSentCid(values.cid)
}

/** Whether the link goes to the hosted checkout: the pay URL's origin, under its path. */
function underPayUrl(link: HTMLAnchorElement, payUrl: string): boolean {
  try {
    const base = secureUrl('payUrl', payUrl)
    return link.origin == base.origin && link.pathname.startsWith(base.pathname)
  } catch {
    return false
  }
}

/**
 * MoonClerk's "linked checkout": every `<a data-moonclerk-link>` under `root` not seen yet gets the
 * page-wide cid and prefill values (its own `data-moonclerk-*` attributes win).
 */
export function decorateLinks(root?: ParentNode): void {
  if (typeof document == 'undefined') return
  for (const link of queryAll(
    root || fromDocument('documentElement'),
    'a[data-moonclerk-link]',
  ) as HTMLAnchorElement[]) {
    const seen = page.seenLinks
    // Only HTML links: an SVG <a> has an SVGAnimatedString for an href.
    if (seen.has(link) || !(link instanceof HTMLAnchorElement)) continue
    seen.add(link)
    const options = checkoutOptions(link)
    // The payer's values go only to MoonClerk: a link elsewhere (injected, or a typo) gets none.
    if (!underPayUrl(link, options.payUrl)) {
      console.warn(`${LOG_PREFIX}${link.href} is not under ${options.payUrl}: left alone`)
      continue
    }
    const token = link.pathname.split('/').pop()!
    resolveCid(options.cid)
      .then((cid) => {
        const plan = planValues({ ...options, cid }, { embed: false })
        plan.warnings.forEach((message) => warnAbout(link, token, message))
        decorateAndRemember(link, plan.link, plan.fields)
      })
      // The link still works without the values; the page hears why they are missing.
      .catch((error: CheckoutError) => reportError(link, token, error))
  }
}
