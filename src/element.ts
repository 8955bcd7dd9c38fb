import { mount, type CheckoutHandle, type CheckoutOptions, type MoonclerkOpts } from './index.js'
import { awaitingHydration } from './hydration.js'
import { kebab, keysOn, type PlaceholderKey } from './schema.js'

// The element's properties: the placeholder's options (src/schema.ts). Its attributes are their
// names in kebab case, as the data-moonclerk-* ones after the prefix (but `token`).
const PROPERTIES = keysOn('p') as PlaceholderKey[]

// On a server there is no HTMLElement; importing this module there must still work.
const Base = (typeof HTMLElement == 'undefined' ? class {} : HTMLElement) as typeof HTMLElement

/**
 * How many frames (about 5 s) an element waits for React to hydrate it before it mounts anyway:
 * markup React never reaches must still get its checkout.
 */
const HYDRATION_FRAMES = 300

/**
 * `<moonclerk-checkout token="8h7frjfytj" cid="234">`: MoonClerk's checkout, mounted while the
 * element is in the document. Light DOM only: MoonClerk's embed finds its container by id, which
 * a shadow root would hide. Register it with `moonclerk-checkout/define`.
 */
// Each option's property, reflecting its attribute (defined below the class).
export interface MoonClerkCheckoutElement extends Record<PlaceholderKey, string | null> {}

export class MoonClerkCheckoutElement extends Base {
  static observedAttributes = PROPERTIES.map(kebab)

  private handle?: CheckoutHandle
  private nextFrame?: number

  /** Resolves once the current checkout is displayed (see `mount()`); `undefined` while disconnected. */
  get displayed(): Promise<void> | undefined {
    return this.handle && this.handle.displayed
  }

  /** The opts given to MoonClerk, once built. */
  get opts(): MoonclerkOpts | null {
    return this.handle ? this.handle.opts : null
  }

  connectedCallback(): void {
    // Mounts afresh.
    this.disconnectedCallback()
    // Server-rendered markup that React has yet to hydrate stays as the server wrote it (see hydration.ts).
    if (awaitingHydration(this)) this.afterHydration(HYDRATION_FRAMES)
    else this.mountNow()
  }

  private mountNow(): void {
    const options: Record<string, string> = {}
    for (const property of PROPERTIES) {
      // A framework may have set properties before the element was defined: they belong to the attributes.
      if (this.hasOwnProperty(property)) {
        const value = this[property]
        delete (this as Partial<this>)[property]
        this[property] = value
      }
      // From here on, the property reads its attribute.
      const value = this[property]
      if (value != null) options[property] = value
    }
    this.handle = mount(this, options as CheckoutOptions)
  }

  disconnectedCallback(): void {
    if (this.nextFrame) cancelAnimationFrame(this.nextFrame)
    if (this.handle) this.handle.destroy()
    this.handle = this.nextFrame = undefined
  }

  private afterHydration(frames: number): void {
    this.nextFrame = requestAnimationFrame(() => {
      this.nextFrame = undefined
      // Out of frames: markup React never reaches (a tag manager's, a widget's) gets its checkout anyway.
      if (frames && awaitingHydration(this)) this.afterHydration(frames - 1)
      else this.mountNow()
    })
  }

  attributeChangedCallback(_name: string, before: string | null, after: string | null): void {
    // A write of the same value changes nothing; before connecting, connectedCallback mounts.
    if (before !== after && this.handle) this.connectedCallback()
  }
}

// Properties reflect attributes: `el.cid = "234"` is `el.setAttribute("cid", "234")`.
for (const property of PROPERTIES) {
  const name = kebab(property)
  Object.defineProperty(MoonClerkCheckoutElement.prototype, property, {
    get(this: Element) {
      return this.getAttribute(name)
    },
    set(this: Element, value: unknown) {
      if (value == null) this.removeAttribute(name)
      else this.setAttribute(name, String(value))
    },
  })
}

/** Attributes of `<moonclerk-checkout>` for JSX (React, Preact, Solid): see docs/frameworks.md. */
export interface MoonClerkCheckoutAttributes {
  token: string
  cid?: string | number
  width?: string | number
  height?: string | number
  name?: string
  email?: string
  'amount-cents'?: string | number
  /** Custom-field seeds in the query form: `hat_size=L&address[line1]=123 Main St&interests[]=sports`. */
  fields?: string
  load?: 'eager' | 'visible' | 'click'
  label?: string
  'frame-title'?: string
  id?: string
  class?: string
  className?: string
  children?: unknown
}
