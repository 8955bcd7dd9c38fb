import { payUrl, TOKEN } from './moonclerk'

/** The same form on each route, with the route's cid: the element, server-rendered with its link. */
export function ElementCheckout({ route }: { route: string }) {
  return (
    <main>
      <h1>Element, {route}</h1>
      <moonclerk-checkout token={TOKEN} cid={`element-${route}`}>
        <a href={payUrl + TOKEN}>Pay with MoonClerk</a>
      </moonclerk-checkout>
    </main>
  )
}
