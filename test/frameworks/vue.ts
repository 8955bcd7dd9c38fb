// The README's Vue example, verbatim but for the package specifier. test/frameworks.test.tsx
// checks that it still matches the README. The README's example is JavaScript: under this
// repository's strict TypeScript its untyped `handle` and `ref(null)` are errors, expected below.
import { defineComponent, h, onBeforeUnmount, onMounted, ref, watch } from 'vue'
import { mount } from '../../src/index'

export const Checkout = defineComponent({
  props: { token: String, cid: String },
  setup(props) {
    const el = ref(null)
    // @ts-expect-error README code is JavaScript: handle is implicitly any
    let handle
    const show = () => {
      // @ts-expect-error README code is JavaScript: handle is implicitly any
      if (handle) handle.destroy()
      // @ts-expect-error README code is JavaScript: ref(null) is a Ref<null>
      handle = mount(el.value, { token: props.token, cid: props.cid })
    }
    onMounted(show)
    watch(() => [props.token, props.cid], show)
    // @ts-expect-error README code is JavaScript: handle is implicitly any
    onBeforeUnmount(() => handle.destroy())
    return () => h('div', { ref: el })
  },
})
