// env.d.ts, or any .d.ts your tsconfig includes
// The line of docs/frameworks.md: the element in Vue's GlobalComponents, for vue-tsc.
/// <reference types="moonclerk-checkout/vue" />
