import { ComponentCheckout } from '../component-checkout'

export default function Page() {
  return <ComponentCheckout route="one" />
}
