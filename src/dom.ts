// The page's document, read so that its own markup cannot get in the way. An element with a name
// (`<img name="head">`, `<form name="querySelectorAll">`) shadows the member of that name on
// `document` itself, and an id or name does the same on `window` for what Window does not define
// itself: a CMS page could otherwise stop every checkout. So the library takes the document's
// members from Document's prototype, and EventTarget's methods from EventTarget's.
import { page } from './page.js'

/**
 * `node.parentNode` by Node's own getter: a form's control named parentNode
 * (`<form><object name="parentNode">`) would otherwise lead a walk up the tree in a circle.
 */
export const parentOf = (node: Node): Node | null => Reflect.get(Node.prototype, 'parentNode', node)

/** `document[name]` as Document defines it, whatever elements the page names so. */
export const fromDocument = <K extends keyof Document>(name: K): Document[K] =>
  Reflect.get(Document.prototype, name, document)

/** `document.createElement(tag)`, unshadowed. */
export const createElement = <K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K] =>
  fromDocument('createElement').call(document, tag) as HTMLElementTagNameMap[K]

/**
 * Adds a stylesheet to the page, once: a constructed one is CSSOM, not inline style, so pages with
 * a strict CSP allow it. Where the browser has none, nothing.
 */
export function adoptSheet(css: string): void {
  if (page.sheets.has(css) || !('adoptedStyleSheets' in Document.prototype)) return
  page.sheets.add(css)
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(css)
  Reflect.set(Document.prototype, 'adoptedStyleSheets', [...fromDocument('adoptedStyleSheets'), sheet], document)
}

/** Adds `element` to the document's head (a preconnect hint, embed.js). */
export const appendToHead = (element: Element): void => void fromDocument('head').appendChild(element)

/** `target.addEventListener(…)`, also where an element named `addEventListener` shadows it (`document`, `window`). */
export const listenOn = (
  target: EventTarget,
  type: string,
  listener: EventListener,
  options?: AddEventListenerOptions,
): void => EventTarget.prototype.addEventListener.call(target, type, listener, options)

export const stopListening = (target: EventTarget, type: string, listener: EventListener): void =>
  EventTarget.prototype.removeEventListener.call(target, type, listener)

/**
 * `element.getAttribute(name)` as Element defines it: on an element the library did not create, a
 * form's control named `getAttribute` (`<form><input name="getAttribute">`) shadows the method.
 */
export const attributeOf = (element: Element, name: string): string | null =>
  Element.prototype.getAttribute.call(element, name)

/** `element.setAttribute(name, value)`, unshadowed, for the same reason. */
export const setAttributeOn = (element: Element, name: string, value: string): void =>
  Element.prototype.setAttribute.call(element, name, value)

/**
 * `root.querySelectorAll(selector)` as its interface defines it: `document` shadowed by
 * `<img name="querySelectorAll">`, or a form by its control of that name, still answers.
 */
export function queryAll(root: ParentNode, selector: string): Element[] {
  const own =
    root instanceof Document
      ? Document.prototype
      : root instanceof DocumentFragment
        ? DocumentFragment.prototype
        : Element.prototype
  return [...own.querySelectorAll.call(root, selector)]
}

/** `element.matches(selector)`, unshadowed. */
export const matchesSelector = (element: Element, selector: string): boolean =>
  Element.prototype.matches.call(element, selector)

/**
 * Whether a value read from `window` by name is a plain object (or array) a page script put there:
 * an element (`<img name=…>`) or a frame's window (`<iframe name=…>`) shows through `window` under
 * any name too, and a cross-origin window throws on every property but not on `instanceof`.
 */
export const isPlainObject = (value: unknown): value is object =>
  value instanceof Object && (Array.isArray(value) || Object.getPrototypeOf(value) == Object.prototype)

/** `element.removeAttribute(name)`, unshadowed. */
export const removeAttributeOf = (element: Element, name: string): void =>
  Element.prototype.removeAttribute.call(element, name)
