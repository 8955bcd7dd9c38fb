// The React example of docs/frameworks.md, verbatim but for the package specifier.
// test/frameworks.test.tsx checks that it still matches the doc. The doc's example is JSX, not TSX: under this
// repository's strict TypeScript its untyped props are errors, expected below.
import { MoonClerkCheckout } from '../../src/react'

// @ts-expect-error the doc's code is untyped JSX: token and cid are implicitly any
export function Checkout({ token, cid }) {
  return <MoonClerkCheckout token={token} cid={cid} onError={(detail) => console.warn(detail.reason)} />
}
