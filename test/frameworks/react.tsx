// The README's React example, verbatim but for the package specifier. test/frameworks.test.tsx
// checks that it still matches the README. The README's example is JSX, not TSX: under this
// repository's strict TypeScript its untyped props and `useRef(null)` are errors, expected below.
import { useEffect, useRef } from 'react'
import { mount } from '../../src/index'

// @ts-expect-error README code is untyped JSX: token and cid are implicitly any
export function Checkout({ token, cid }) {
  const ref = useRef(null)
  useEffect(() => {
    // @ts-expect-error README code is untyped JSX: useRef(null) is a RefObject<null>
    const handle = mount(ref.current, { token, cid })
    return () => handle.destroy()
  }, [token, cid])
  return <div ref={ref} />
}
