'use client'
// The README's recipe: the element registers once React has hydrated, in an effect.
import { useEffect } from 'react'
import { define } from 'moonclerk-checkout/element'
import { embedSrc, payUrl } from './moonclerk'

export function DefineElement() {
  useEffect(() => define({ embedSrc, payUrl }), [])
  return null
}
