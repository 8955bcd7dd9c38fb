// The Vue example of docs/frameworks.md, verbatim, in an app that installed the package:
// test/frameworks.test.tsx compares it with the doc and runs its copy in test/frameworks/vue.ts.
import { defineComponent, h, ref, watchPostEffect } from 'vue'
import { mount } from 'moonclerk-checkout'

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
