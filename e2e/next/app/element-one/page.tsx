import { ElementCheckout } from '../element-checkout'

export default function Page() {
  return <ElementCheckout route="one" />
}
