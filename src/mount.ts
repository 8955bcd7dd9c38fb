import { checkoutOptions, isOwnScript, PLACEHOLDER_SELECTOR } from './config.js'
import { createElement, fromDocument } from './dom.js'
import { checkoutError, dispatch, LOG_PREFIX, reportError } from './events.js'
import { preconnect, whenWanted, type Cleanup } from './intent.js'
import { decorate } from './links.js'
import { loadEmbedScript } from './loader.js'
import { buildOpts, checkoutValues, checkToken, invalid, positiveInteger, resolveCid, secureUrl } from './opts.js'
import type { CheckoutError, CheckoutHandle, CheckoutOptions, MoonclerkOpts } from './types.js'


export const STATE_ATTRIBUTE = 'data-moonclerk-state'
const DEFAULT_LABEL = 'Pay with MoonClerk'
const DEFAULT_FRAME_TITLE = 'MoonClerk checkout'
const LOAD_MODE = /^(eager|visible|click)$/

const handles = new WeakMap<Element, CheckoutHandle>()
const noop = () => {}
const never = new Promise<never>(noop)

/** The placeholder's link to the hosted checkout: the author's own (restored on destroy), or one added. */
function fallbackLink(element: HTMLElement, base: string, label: string, cleanup: Cleanup): HTMLAnchorElement {
  const authorLink = [...element.querySelectorAll<HTMLAnchorElement>('a[href]')].find((a) => a.href.split(/[?#]/)[0] == base)
  if (authorLink) {
    const authorHref = authorLink.getAttribute('href')!
    cleanup(() => authorLink.setAttribute('href', authorHref))
    return authorLink
  }
  const link = element.appendChild(createElement('a'))
  link.href = base
  link.textContent = label
  cleanup(() => link.remove())
  return link
}

/**
 * Takes the fallback (everything in the placeholder but the container) out while the checkout
 * shows. Returns what puts it back and empties the container; calling it twice is harmless.
 */
function stepAside(element: HTMLElement, container: HTMLElement): () => void {
  const fallback = [...element.childNodes].filter((node) => node != container)
  fallback.forEach((node) => node.remove())
  let aside = true
  return () => {
    if (!aside) return
    aside = false
    container.textContent = ''
    element.prepend(...fallback)
  }
}

/**
 * Shows MoonClerk's checkout in `target`, configured from its data attributes, the page's defaults
 * and `options` (highest precedence). Mounting an element twice returns the first handle.
 */
export function mount(target: Element | string, options?: CheckoutOptions): CheckoutHandle {
  // Server rendering: nothing to show, nothing to undo.
  if (typeof document == 'undefined') return { element: null, opts: null, displayed: never, destroy: noop }
  const placeholder = typeof target == 'string' ? fromDocument('documentElement').querySelector(target) : target
  if (!placeholder) throw new TypeError(`${LOG_PREFIX}no element matches ${JSON.stringify(target)}`)
  const known = handles.get(placeholder)
  if (known) return known

  const undo: Array<() => void> = []
  const cleanup: Cleanup = (fn) => undo.push(fn)
  let destroyed = false
  // The one-tag replacement: a <script> cannot hold a checkout, so the checkout goes right after it.
  const element =
    placeholder instanceof HTMLScriptElement
      ? (placeholder.insertAdjacentElement('afterend', createElement('div')) as HTMLElement)
      : (placeholder as HTMLElement)
  if (element != placeholder) cleanup(() => element.remove())
  const setState = (state: string) => [placeholder, element].forEach((el) => el.setAttribute(STATE_ATTRIBUTE, state))
  setState('loading')
  cleanup(() => [placeholder, element].forEach((el) => el.removeAttribute(STATE_ATTRIBUTE)))

  const o = checkoutOptions(placeholder, options)
  const token = String(o.token || '')
  const handle = {
    element,
    opts: null as MoonclerkOpts | null,
    displayed: never as Promise<void>,
    destroy() {
      if (destroyed) return
      destroyed = true
      handles.delete(placeholder)
      while (undo.length) undo.pop()!()
    },
  }
  handles.set(placeholder, handle)

  // Runs synchronously up to its first await, so a second mount of the same form sees this container.
  const show = async () => {
    checkToken(o.token)
    const id = 'mc' + token

    // Progressive enhancement: a real link to the hosted checkout exists before anything can fail.
    const payUrl = secureUrl('payUrl', o.payUrl + token)
    const link = fallbackLink(element, payUrl.href, o.label || DEFAULT_LABEL, cleanup)
    // Every URL and number is checked before anything is requested.
    const embedUrl = secureUrl('embedSrc', o.embedSrc)
    if (!positiveInteger(o.timeoutMs)) invalid('timeoutMs', o.timeoutMs, 'a positive integer')

    // MoonClerk's embed finds its container by id; an author's `id="mc<token>"` is that container already.
    // Claimed now, synchronously, so a second checkout of the same form sees it is taken.
    const taken = fromDocument('getElementById').call(document, id)
    const duplicate = taken && taken != element
    // For a duplicate this is the other checkout's container, never touched: this one stops below.
    const container = taken || element.appendChild(createElement('div'))
    if (!taken) {
      container.id = id
      cleanup(() => container.remove())
    }

    const mode = o.load || 'eager'
    if (!LOAD_MODE.test(mode)) invalid('load', mode, 'eager, visible or click')
    const warm = () => {
      preconnect(embedUrl)
      preconnect(payUrl)
    }
    // loadEmbedScript() takes embedSrc, timeoutMs and nonce from these.
    const load = () => loadEmbedScript({ ...o, timeoutMs: positiveInteger(o.timeoutMs) })
    // Lazy modes fetch nothing of MoonClerk's before the payer shows intent. Eager asks for
    // embed.js first: it is on the critical path, the hints are not.
    const embed = mode == 'eager' ? load() : whenWanted(mode, element, link, cleanup, warm).then(load)
    if (mode == 'eager') warm()
    // Awaited below, after the cid; until then a failed load must not count as unhandled.
    embed.catch(noop)
    const input = { ...o, cid: await resolveCid(o.cid) }
    if (destroyed) return
    // Every failure from here on leaves a link that still carries the payer's cid and prefill
    // values, also those that MoonClerk's embed.js could not be given safely.
    decorate(link, checkoutValues(input))
    const opts = (handle.opts = buildOpts(input))
    if (duplicate) throw checkoutError('duplicate-token', `id ${id} is taken: one checkout per form and page`)
    const MoonclerkEmbed = await embed
    if (destroyed) return

    // The fallback comes back if display() fails, and on destroy.
    const restore = stepAside(element, container)
    cleanup(restore)
    try {
      const instance = new MoonclerkEmbed(opts)
      // The stock snippet keeps the instance in `window.mc<token>`; MoonClerk's code may rely on it.
      const globals = window as unknown as Record<string, unknown>
      globals[id] = instance
      // A stock snippet's `var mc<token>` cannot be deleted; emptying it is the next best thing.
      cleanup(() => globals[id] == instance && !Reflect.deleteProperty(globals, id) && (globals[id] = undefined))
      instance.display()
      // MoonClerk's iframe comes without a title; screen readers announce it by this one.
      container.querySelectorAll('iframe').forEach((frame) => frame.title || (frame.title = o.frameTitle || DEFAULT_FRAME_TITLE))
    } catch (error) {
      restore()
      throw checkoutError('embed-threw', `MoonClerk's embed threw: ${error}`)
    }
  }

  handle.displayed = show().then(
    () => {
      if (destroyed) return never
      setState('displayed')
      dispatch(element, 'moonclerk:display', { token, opts: handle.opts! })
    },
    (error: CheckoutError) => {
      if (destroyed) return never
      setState('error')
      throw reportError(element, token, error)
    },
  )
  // The error event and the console already report it; an unawaited handle must not add an unhandled rejection.
  handle.displayed.catch(noop)
  return handle
}

const warned = new WeakSet<Element>()

/**
 * A `<script>` placeholder that is not our own script tag: injected markup, say. Skipped, with one
 * warning. (An explicit `mount(script)` is the site's own call: that script only reads placeholder attributes.)
 */
function ignoredScript(element: Element): boolean {
  if (!(element instanceof HTMLScriptElement) || isOwnScript(element)) return false
  if (!warned.has(element) && warned.add(element)) console.warn(LOG_PREFIX + 'ignored a <script> placeholder that is not ours')
  return true
}

/** Mounts every placeholder under `root` not mounted yet, and returns the handles of all of them. */
export function mountAll(root?: ParentNode): CheckoutHandle[] {
  if (typeof document == 'undefined') return []
  const scope = root || fromDocument('documentElement')
  const found = [...scope.querySelectorAll(PLACEHOLDER_SELECTOR)]
  if (scope instanceof Element && scope.matches(PLACEHOLDER_SELECTOR)) found.unshift(scope)
  // A placeholder marked with a state but unknown here belongs to another copy of this library.
  return found.filter((el) => handles.has(el) || (!el.hasAttribute(STATE_ATTRIBUTE) && !ignoredScript(el))).map((el) => mount(el))
}
