// env.d.ts, or any .d.ts your tsconfig includes
// The README's line (section Frameworks): the element in Vue's GlobalComponents, for vue-tsc.
/// <reference types="moonclerk-checkout/vue" />
