import { checkoutOptions, isOwnScript, type ResolvedOptions } from './config.js'
import { attributeOf, createElement, fromDocument, matchesSelector, queryAll } from './dom.js'
import { checkoutError, dispatch, LOG_PREFIX, reportError, warnAbout } from './events.js'
import { decorateAndRemember } from './links.js'
import { loadEmbedScript } from './loader.js'
import { loadSettings, resolveCid, secureUrl, type LoadSettings } from './opts.js'
import { page } from './page.js'
import { preconnect } from './preconnect.js'
import { claimContainer, fallbackLink, hideFallback, type OnAbort } from './placeholder.js'
import { DEFAULTS, PLACEHOLDER_SELECTOR } from './schema.js'
import { checkToken, planValues, type ValuePlan } from './values.js'
import type {
  CheckoutError,
  CheckoutHandle,
  CheckoutOptions,
  CidValue,
  MoonclerkEmbedConstructor,
  MoonclerkOpts,
} from './types.js'

const STATE_ATTRIBUTE = 'data-moonclerk-state'

const noop = () => {}
const never = new Promise<never>(noop)

/** One checkout, from mount() to destroy(): one abort undoes everything it did, in reverse order. */
interface Checkout {
  placeholder: Element
  /** Where the checkout lives: the placeholder, or for a `<script>` placeholder the element added after it. */
  element: HTMLElement
  options: ResolvedOptions
  token: string
  signal: AbortSignal
  onAbort: OnAbort
  opts: MoonclerkOpts | null
  /** Gives the form's place away until the checkout is rendered again (and `other`, if given, is not). */
  park: (other?: Element) => void
  /** Whether an earlier stay was parked: this one came back. */
  resumed: boolean
  /** The cid, resolved once for all stays: a cid function runs once per mount(). */
  cid: () => Promise<CidValue | undefined>
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
  if (placeholder instanceof HTMLFormElement) throw new TypeError(`${LOG_PREFIX}${FORM_REFUSED}`)
  const known = page.handles.get(placeholder)
  // Start-up may have mounted a placeholder before the page's own script ran (while the page
  // parses): that script's options win.
  if (known && options && page.mountedAtStart.delete(placeholder)) known.destroy()
  else if (known) return known
  return begin(placeholder, options)
}

function begin(placeholder: Element, options?: CheckoutOptions): CheckoutHandle {
  const { onAbort, abort } = lifetime()
  // The one-tag replacement: a <script> cannot hold a checkout, so the checkout goes right after it.
  const element =
    placeholder instanceof HTMLScriptElement
      ? (placeholder.insertAdjacentElement('afterend', createElement('div')) as HTMLElement)
      : (placeholder as HTMLElement)
  if (element != placeholder) onAbort(() => element.remove())
  const resolved = checkoutOptions(placeholder, options)
  let cid: Promise<CidValue | undefined> | undefined, settle: Settle
  const displayed = new Promise<void>((...both) => (settle = both))
  // The error event and the console already report it; an unawaited handle must not add an unhandled rejection.
  displayed.catch(noop)
  const token = String(resolved.token || '')
  const cidOnce = () => (cid = cid || resolveCid(resolved.cid))
  const current = stays({ placeholder, element, options: resolved, token, cid: cidOnce }, onAbort, settle!)
  const handle: CheckoutHandle = {
    element,
    get opts() {
      return current().opts
    },
    displayed,
    destroy: abort,
  }
  page.handles.set(placeholder, handle)
  onAbort(() => page.handles.delete(placeholder))
  return handle
}

type Settle = [() => void, (error: unknown) => void]

/**
 * A checkout's stays on the page: one from mount(), and one more each time it comes back after
 * parking. Parking gives the form's place to a checkout of the same form where the payer is, while
 * this one is not rendered (a route that a framework keeps hidden, a closed tab panel); it comes
 * back when rendered again, and the other, hidden then, gives way in turn. The first stay that
 * shows or fails settles `displayed`; later stays only announce. Returns the current stay.
 */
function stays(
  base: Pick<Checkout, 'placeholder' | 'element' | 'options' | 'token' | 'cid'>,
  onAbort: OnAbort,
  settle: Settle,
) {
  let checkout: Checkout | undefined
  // What undoes the current stay or parking: one slot, however often the checkout parks and comes back.
  let leave = noop
  onAbort(() => leave())
  const next = () => {
    const life = lifetime()
    leave()
    leave = life.abort
    return life
  }
  const stay = () => {
    const { signal, onAbort } = next()
    checkout = { ...base, signal, onAbort, opts: null, park, resumed: !!checkout }
    setState(checkout, 'loading')
    onAbort(() => setState(checkout!))
    // The executor runs setUp() now, synchronously, and turns its throw into a rejection.
    announce(checkout, new Promise<void>((resolve) => resolve(show(checkout!, setUp(checkout!))))).then(...settle)
  }
  function park(other?: Element) {
    const { onAbort } = next()
    setState(checkout!, 'waiting')
    onAbort(() => setState(checkout!))
    whenRendered(base.element, other, onAbort, stay)
  }
  stay()
  return () => checkout!
}

/** An undo stack and the abort that empties it, in reverse order. */
function lifetime() {
  const controller = new AbortController()
  const undo: Array<() => void> = []
  const { signal } = controller
  signal.addEventListener('abort', () => {
    while (undo.length) undo.pop()!()
  })
  return { signal, onAbort: ((fn) => undo.push(fn)) as OnAbort, abort: () => controller.abort() }
}

/**
 * Calls `then` once `element` is rendered again (and `other`, if given, is not), which changes its
 * size from none to some, or its parent's: an inline element (`<moonclerk-checkout>` by default)
 * has no size to observe.
 */
function whenRendered(element: Element, other: Element | undefined, onAbort: OnAbort, then: () => void) {
  if (typeof ResizeObserver == 'undefined') return
  const observer = new ResizeObserver(
    () => rendered(element) && !(other && rendered(other)) && (observer.disconnect(), then()),
  )
  for (const watched of [element, other]) {
    if (watched) observer.observe(watched)
    if (watched && watched.parentElement) observer.observe(watched.parentElement)
  }
  onAbort(() => observer.disconnect())
}

/** Whether the browser draws `element`: under `display: none` (a hidden route, a closed panel) it has no box. */
const rendered = (element: Element) => element.getClientRects().length > 0

/** `data-moonclerk-state`, for CSS: on the placeholder and the element that holds the checkout; none removes it. */
const setState = ({ placeholder, element }: Checkout, state?: string) =>
  [placeholder, element].forEach((el) =>
    state ? el.setAttribute(STATE_ATTRIBUTE, state) : el.removeAttribute(STATE_ATTRIBUTE),
  )

/** What a checkout's set-up leaves for show() and display(). */
interface SetUp {
  /** The link to the hosted checkout, the payer's way out whatever happens next. */
  link: HTMLAnchorElement
  /** The claim on the form's container (see claimContainer()). */
  seat: Seat
  /** MoonClerk's opts; none yet while a cid function has to run first. */
  opts?: MoonclerkOpts
  /** The opts with a cid function's value, the link decorated with it; throws what the plan refuses. */
  optsWithCid: (cid: CidValue | undefined) => MoonclerkOpts
  /** embed.js, requested or waiting for the payer; never, for a checkout whose form's place is taken. */
  embed: Promise<MoonclerkEmbedConstructor>
  requestEmbed: () => Promise<MoonclerkEmbedConstructor>
}

type Seat = ReturnType<typeof claimContainer>

/**
 * Synchronous, so that a second mount of the same form sees this one's container: the fallback
 * link, every option checked, the container claimed, the values planned (values.ts) unless a cid
 * function must run first, and embed.js requested, before the link is decorated. Nothing is
 * requested before the checks have passed.
 */
function setUp(checkout: Checkout): SetUp {
  const { options: o, element, onAbort } = checkout
  // Progressive enhancement: a real link to the hosted checkout exists before anything else can fail.
  const payUrl = secureUrl('payUrl', o.payUrl + checkToken(o.token))
  const link = fallbackLink(element, payUrl.href, o.label || DEFAULTS.label, onAbort)
  const settings = loadSettings(o)
  const seat = claim(checkout)
  const warn = (message: string) => warnAbout(element, checkout.token, message)
  const first = planValues({ ...o, cid: typeof o.cid == 'function' ? undefined : o.cid })
  first.warnings.forEach(warn)
  // Every failure from here on leaves a link that carries the payer's cid and prefill values,
  // also those that MoonClerk's embed.js could not be given safely.
  const follow = ({ link: values, fields, error, opts }: ValuePlan) => {
    decorateAndRemember(link, values, fields)
    if (error) throw error
    return opts!
  }
  if (first.error) follow(first)
  // Requested once the checks have passed, before the link gets the values: the tab's memory
  // (sessionStorage) can take milliseconds to open, and embed.js is on the critical path, as in
  // the stock snippet. A second checkout of a form loads nothing: it only puts the values on its link.
  const requestEmbed = () => loadWhenWanted(checkout, settings, link)
  const embed = seat.taken ? never : requestEmbed()
  const opts = follow(first)
  const optsWithCid = (cid: CidValue | undefined) => {
    const plan = planValues({ ...o, cid })
    // The other values' warnings were given already.
    plan.warnings.filter((message) => !first.warnings.includes(message)).forEach(warn)
    return follow(plan)
  }
  return { link, seat, opts: typeof o.cid == 'function' ? undefined : opts, optsWithCid, embed, requestEmbed }
}

/** claimContainer(), and the claim made known to a later checkout of the same form, which may ask this one to park. */
function claim(checkout: Checkout) {
  const { element, token, onAbort } = checkout
  const claimed = claimContainer(element, token, onAbort)
  if (!claimed.taken) {
    page.holders.set(token, checkout)
    onAbort(() => page.holders.get(token) == checkout && page.holders.delete(token))
  }
  return claimed
}

/** Loads MoonClerk (at once, or when the payer wants it) and displays the checkout. */
async function show(checkout: Checkout, setUp: SetUp): Promise<void> {
  const { signal } = checkout
  let { embed, seat } = setUp
  // Awaited below, after the cid; until then a failed load must not count as unhandled.
  embed.catch(noop)
  let opts = setUp.opts
  if (!opts) {
    const cid = await checkout.cid()
    if (signal.aborted) return
    opts = setUp.optsWithCid(cid)
  }
  checkout.opts = opts
  if (seat.taken) {
    // A framework that shows one route and hides another does both in one go: decide once it is done.
    await null
    const holder = page.holders.get(checkout.token)
    if (signal.aborted) return
    // The one where the payer is shows; a hidden one waits until it is rendered (a closed tab
    // panel). One that comes back while the other still shows (an exit animation) waits for the
    // other to go; only a first mount next to a rendered one is a duplicate.
    if (!rendered(checkout.element)) return checkout.park()
    if (holder && !rendered(holder.element)) holder.park()
    else if (holder && checkout.resumed) return checkout.park(holder.element)
    seat = claim(checkout)
    if (seat.taken)
      throw checkoutError('duplicate-token', `id mc${checkout.token} is taken: one checkout per form and page`)
    embed = setUp.requestEmbed()
    embed.catch(noop)
  }
  const MoonclerkEmbed = await embed
  if (!signal.aborted) display(checkout, seat, MoonclerkEmbed, opts)
}

/** Lazy modes fetch nothing of MoonClerk's before the payer shows intent. */
function loadWhenWanted(
  checkout: Checkout,
  { embedUrl, timeoutMs, load }: LoadSettings,
  link: HTMLAnchorElement,
): Promise<MoonclerkEmbedConstructor> {
  // A hint of intent opens embed.js's connection before the click asks for the file. The checkout's
  // host gets no hint: its frame is cross-site, and Chromium keys connections by the top-level site
  // and the frame's, so a connection the page opens is never the frame's (BENCHMARKS.md, issue 24).
  const warm = () => preconnect(embedUrl)
  const loadEmbed = () => loadEmbedScript({ embedSrc: embedUrl.href, timeoutMs, nonce: checkout.options.nonce })
  const { signal } = checkout
  if (load != 'eager') {
    // Waiting for the payer is not loading: CSS can tell them apart (no spinner before the click).
    setState(checkout, 'waiting')
    // A module of its own: apps that never use a lazy mode never fetch its code. A checkout
    // destroyed while it arrives waits for nothing.
    return import('./intent.js')
      .then(({ whenWanted }) => (signal.aborted ? never : whenWanted(load, checkout.element, link, checkout, warm)))
      .then(() => {
        // Unless the checkout has failed meanwhile (its cid function, say).
        if (!signal.aborted && checkout.element.getAttribute(STATE_ATTRIBUTE) == 'waiting')
          setState(checkout, 'loading')
        return loadEmbed()
      })
  }
  // Eager asks for embed.js at once: that request opens its connection, a hint would only follow it.
  return loadEmbed()
}

function display(
  { element, onAbort, options }: Checkout,
  { container, lend }: Seat,
  MoonclerkEmbed: MoonclerkEmbedConstructor,
  opts: MoonclerkOpts,
): void {
  // The fallback comes back if display() fails, and on destroy.
  const restore = hideFallback(element, container)
  onAbort(restore)
  // The id (and the merchant's CSS on it) moves to our container only now: embed.js looks for it next.
  const giveBack = lend()
  const id = container.id
  // embed.js finds its elements by id, and a stray one earlier in the page (a sanitizer keeps plain
  // ids) comes first: it would get what is meant for this checkout while this one reported it shown.
  const strayFirst = (strayId: string, what: string) => {
    const found = fromDocument('getElementById').call(document, strayId)
    if (!found || container.contains(found)) return
    giveBack()
    restore()
    throw checkoutError(
      'duplicate-token',
      `another element with id ${strayId}, earlier in the page, would receive MoonClerk's ${what}`,
    )
  }
  strayFirst(id, 'checkout')
  try {
    const instance = new MoonclerkEmbed(opts)
    // The stock snippet keeps the instance in `window.mc<token>`; MoonClerk's code may rely on it.
    const globals = window as unknown as Record<string, unknown>
    globals[id] = instance
    // A stock snippet's `var mc<token>` cannot be deleted; emptying it is the next best thing.
    onAbort(() => globals[id] == instance && !Reflect.deleteProperty(globals, id) && (globals[id] = undefined))
    instance.display()
    // MoonClerk's iframe comes without a title; screen readers announce it by this one.
    container
      .querySelectorAll('iframe')
      .forEach((frame) => frame.title || (frame.title = options.frameTitle || DEFAULTS.frameTitle))
  } catch (error) {
    giveBack()
    restore()
    throw checkoutError('embed-threw', `MoonClerk's embed threw: ${error}`)
  }
  // The published embed.js names its frame frame-mc<token> and resizes the first element with
  // that id: a stray one would keep this checkout 0 px tall.
  strayFirst('frame-' + id, 'resizing')
}

/** The state attribute and the events once the checkout shows or fails; nothing after destroy(). */
function announce(checkout: Checkout, shown: Promise<void>): Promise<void> {
  const { element, token, signal } = checkout
  const displayed = shown.then(
    () => {
      if (signal.aborted) return never
      setState(checkout, 'displayed')
      dispatch(element, 'moonclerk:display', { token, opts: checkout.opts! })
    },
    (error: CheckoutError) => {
      if (signal.aborted) return never
      setState(checkout, 'error')
      throw reportError(element, token, error)
    },
  )
  // The error event and the console already report it; an unawaited handle must not add an unhandled rejection.
  displayed.catch(noop)
  return displayed
}

// A form's controls shadow its members by their names (`<input name="setAttribute">`): the
// library would read the page's controls instead of the form's methods.
const FORM_REFUSED = 'a <form> cannot hold a checkout: put the placeholder inside it, or around it'

/**
 * A `<form>` (see FORM_REFUSED), or a `<script>` placeholder that is not our own script tag: injected
 * markup, say. Skipped, with one
 * warning. (An explicit `mount(script)` is the site's own call: that script only reads placeholder attributes.)
 */
function refusedPlaceholder(element: Element): boolean {
  const why =
    element instanceof HTMLFormElement
      ? FORM_REFUSED
      : element instanceof HTMLScriptElement && !isOwnScript(element)
        ? 'ignored a <script> placeholder that is not ours'
        : ''
  const warned = page.warned
  if (why && !warned.has(element) && warned.add(element)) console.warn(LOG_PREFIX + why)
  return !!why
}

/** The placeholders under `root` (itself included) that this copy of the library mounts or has mounted. */
export function placeholders(root?: ParentNode): Element[] {
  const scope = root || fromDocument('documentElement')
  const found = queryAll(scope, PLACEHOLDER_SELECTOR)
  if (scope instanceof Element && matchesSelector(scope, PLACEHOLDER_SELECTOR)) found.unshift(scope)
  // A placeholder marked with a state but unknown here belongs to another copy of this library.
  return found.filter(
    (el) => page.handles.has(el) || (!refusedPlaceholder(el) && attributeOf(el, STATE_ATTRIBUTE) == null),
  )
}

/** mount(), but a placeholder that cannot be mounted is reported and skipped: it never stops the others. */
export function mountOrReport(placeholder: Element): CheckoutHandle | null {
  try {
    return mount(placeholder)
  } catch (error) {
    console.error(LOG_PREFIX + 'a placeholder could not be mounted: ' + error)
    return null
  }
}

/**
 * Mounts every placeholder under `root` not mounted yet, and returns the handles of all of them.
 * One that cannot be mounted is reported and skipped: it never stops the others.
 */
export const mountAll = (root?: ParentNode): CheckoutHandle[] =>
  typeof document == 'undefined' ? [] : placeholders(root).flatMap((el) => mountOrReport(el) || [])
