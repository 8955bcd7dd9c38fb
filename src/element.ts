import { mount, type CheckoutHandle, type CheckoutOptions, type MoonclerkOpts } from './index.js'

// The element's attributes: the placeholder's data-moonclerk-* names, without the prefix.
const ATTRIBUTES = ['token', 'cid', 'width', 'name', 'email', 'amount-cents', 'load', 'label', 'frame-title']
const camel = (name: string) => name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())

// On a server there is no HTMLElement; importing this module there must still work.
const Base = (typeof HTMLElement == 'undefined' ? class {} : HTMLElement) as typeof HTMLElement

/**
 * `<moonclerk-checkout token="8h7frjfytj" cid="234">`: MoonClerk's checkout, mounted while the
 * element is in the document. Light DOM only: MoonClerk's embed finds its container by id, which
 * a shadow root would hide. Register it with `moonclerk-checkout/define`.
 */
export class MoonClerkCheckoutElement extends Base {
  static observedAttributes = ATTRIBUTES

  declare token: string | null
  declare cid: string | null
  declare width: string | null
  declare name: string | null
  declare email: string | null
  declare amountCents: string | null
  declare load: string | null
  declare label: string | null
  declare frameTitle: string | null

  private handle?: CheckoutHandle

  /** Resolves once the current checkout is displayed (see `mount()`); `undefined` while disconnected. */
  get displayed(): Promise<void> | undefined {
    return this.handle && this.handle.displayed
  }

  /** The opts given to MoonClerk, once built. */
  get opts(): MoonclerkOpts | null {
    return (this.handle && this.handle.opts) || null
  }

  connectedCallback(): void {
    // A framework may have set properties before the element was defined: they belong to the attributes.
    for (const name of ATTRIBUTES) {
      const property = camel(name) as 'cid'
      if (Object.prototype.hasOwnProperty.call(this, property)) {
        const value = this[property]
        delete (this as Partial<this>)[property]
        this[property] = value
      }
    }
    this.render()
  }

  disconnectedCallback(): void {
    if (this.handle) this.handle.destroy()
    this.handle = undefined
  }

  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    // A write of the same value changes nothing; before connecting, connectedCallback mounts.
    if (before !== after && this.handle) this.render()
  }

  private render(): void {
    this.disconnectedCallback()
    const options: Record<string, string> = {}
    for (const name of ATTRIBUTES) {
      const value = this.getAttribute(name)
      if (value != null) options[camel(name)] = value
    }
    this.handle = mount(this, options as CheckoutOptions)
  }
}

// Properties reflect attributes: `el.cid = "234"` is `el.setAttribute("cid", "234")`.
for (const name of ATTRIBUTES)
  Object.defineProperty(MoonClerkCheckoutElement.prototype, camel(name), {
    get(this: Element) {
      return this.getAttribute(name)
    },
    set(this: Element, value: unknown) {
      if (value == null) this.removeAttribute(name)
      else this.setAttribute(name, String(value))
    },
  })

/** Attributes of `<moonclerk-checkout>` for JSX (React, Preact, Solid): see the README. */
export interface MoonClerkCheckoutAttributes {
  token: string
  cid?: string | number
  width?: string
  name?: string
  email?: string
  'amount-cents'?: string | number
  load?: 'eager' | 'visible' | 'click'
  label?: string
  'frame-title'?: string
  id?: string
  class?: string
  className?: string
  children?: unknown
}
