import Link from 'next/link'
import type { ReactNode } from 'react'
import { DefineElement } from './define-element'

export const metadata = { title: 'moonclerk-checkout in Next.js' }

export default function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <Link href="/element-one">Element, one</Link> <Link href="/element-two">Element, two</Link>{' '}
          <Link href="/component-one">Component, one</Link> <Link href="/component-two">Component, two</Link>
        </nav>
        <DefineElement />
        {children}
      </body>
    </html>
  )
}
