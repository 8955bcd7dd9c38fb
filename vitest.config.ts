import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    environment: 'happy-dom',
    // A real-looking page URL: relative pay and embed URLs resolve against it.
    environmentOptions: { happyDOM: { url: 'https://shop.example/checkout/' } },
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    restoreMocks: true,
  },
})
