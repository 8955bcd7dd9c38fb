import { MoonClerkCheckout } from 'moonclerk-checkout/react'
import { embedSrc, payUrl, TOKEN } from './moonclerk'

/** The same form on each route, with the route's cid: the React component, from a server component. */
export function ComponentCheckout({ route }: { route: string }) {
  return (
    <main>
      <h1>Component, {route}</h1>
      <MoonClerkCheckout
        className="checkout"
        token={TOKEN}
        cid={`component-${route}`}
        embedSrc={embedSrc}
        payUrl={payUrl}
      />
    </main>
  )
}
