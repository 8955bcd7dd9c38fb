'use client'
// app/define-element.tsx, rendered once by app/layout.tsx: <DefineElement />
// The recipe of docs/frameworks.md: the element registers once React has started hydrating, in an effect.
import { useEffect } from 'react'
import { define } from 'moonclerk-checkout/element'
import { embedSrc, payUrl } from './moonclerk' // your settings, if not MoonClerk's defaults

export function DefineElement() {
  useEffect(() => define({ embedSrc, payUrl }), [])
  return null
}
