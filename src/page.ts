// What this copy of the library remembers about the page, in one place: each module reads and
// writes its part here rather than in module variables of its own. Tests start every case from a
// fresh page (`resetPage()`), instead of working around state left by the one before.
import type {
  CheckoutHandle,
  CheckoutOptions,
  GlobalConfig,
  MoonclerkEmbedConstructor,
  ErrorDetail,
  PaidDetail,
  ReturnDetail,
  UnconfirmedDetail,
} from './types.js'

export type ScriptUrlPolicy = { createScriptURL(url: string): string }

/**
 * Shared by every copy of the library on the page (`Symbol.for` is global, and a symbol cannot be
 * shadowed by a named element), so that a second copy starts nothing.
 */
export const STARTED = Symbol.for('moonclerk-checkout.started')

const freshPage = () => ({
  /** Our own `<script>` tag, once start-up has found it: the only one that configures the page. */
  ownScript: null as HTMLScriptElement | null,
  /**
   * What our script tag sets page-wide, read afresh each time; asked about an element, only when
   * it is the tag itself. Nothing until start-up finds the tag, so that an app that imports only
   * mount() carries no code to read one.
   */
  scriptOptions: (_element?: Element): CheckoutOptions & GlobalConfig => ({}),
  /** Page-wide settings given to `define(options)`. */
  configured: {} as GlobalConfig,
  /** The checkout of each mounted placeholder. */
  handles: new WeakMap<Element, CheckoutHandle>(),
  /** The checkout holding each form's place on the page (its container), by token: one not rendered gives way. */
  holders: new Map<string, { element: Element; park(): void }>(),
  /** Placeholders start-up mounted: a page's own mount() with options takes them over. */
  mountedAtStart: new WeakSet<Element>(),
  /** One embed.js load per absolute src, however many checkouts ask for it. */
  loads: new Map<string, Promise<MoonclerkEmbedConstructor>>(),
  /** The embed.js URLs the loader checked and is about to load: all its Trusted Types policy passes. */
  approvedScripts: new Set<string>(),
  scriptPolicy: undefined as ScriptUrlPolicy | undefined,
  /** Origins that have a preconnect hint. */
  hinted: new Set<string>(),
  /** The constructed stylesheets added to the page, by their text: each once. */
  sheets: new Set<string>(),
  /** Checkout links already decorated; elements refused as placeholders (forms, foreign `<script>`s) warned about. */
  seenLinks: new WeakSet<Element>(),
  warned: new WeakSet<Element>(),
  /** The return reported on this page, for onReturn() listeners added after it. */
  announced: null as ReturnDetail | null,
  /** This copy's tag lacks the page's nonce: it neither starts nor sets up the global API (start.ts). */
  refused: false,
  /** The latest errors dispatched, for onError() listeners added after them. */
  errors: [] as ErrorDetail[],
  /** The success page's confirmation and its end without one, for listeners added after them. */
  paid: null as PaidDetail | null,
  unconfirmed: null as UnconfirmedDetail | null,
  /** Stops the success page's asking and clears its state, so that a later handleReturn() starts afresh. */
  stopConfirming: () => {},
  /** The cids the tab's memory held before this page sent any (memory.ts). */
  cidsBefore: null as string[] | null,
})

export type Page = ReturnType<typeof freshPage>

/** This copy's page state. */
export let page: Page = freshPage()

/** Tests only: forget everything this copy of the library remembered, as on a new page load. */
export function resetPage(): void {
  page.stopConfirming()
  page = freshPage()
  if (typeof window == 'object') delete (window as unknown as Record<symbol, unknown>)[STARTED]
}
