// The Vue example of docs/frameworks.md, verbatim but for the package specifier.
// test/frameworks.test.tsx checks that it still matches the doc (and test/vue/Checkout.ts, the same in a Vue app that
// installed the package, type-checked by `npm run test:vue`).
import { defineComponent, h, ref, watchPostEffect } from 'vue'
import { mount } from '../../src/index'

export const Checkout = defineComponent({
  props: { token: String, cid: String },
  setup(props) {
    const el = ref()
    watchPostEffect((onCleanup) => {
      const handle = mount(el.value, { token: props.token, cid: props.cid })
      onCleanup(() => handle.destroy())
    })
    return () => h('div', { ref: el })
  },
})
