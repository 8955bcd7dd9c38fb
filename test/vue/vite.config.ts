// vite.config.ts
// docs/frameworks.md's, verbatim: test/frameworks.test.tsx compares them. Type-checked
// by `npm run test:vue`, so that its isCustomElement setting is one @vitejs/plugin-vue takes.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag == 'moonclerk-checkout' } } })],
})
