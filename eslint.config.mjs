// `npm run lint` (part of `npm test`): the structure rules the project holds its sources to.
// Formatting and style are not linted; `tsc --strict` covers correctness.
import typescriptParser from '@typescript-eslint/parser'

export default [
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: { parser: typescriptParser },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A function that does one thing fits on a screen; longer ones hide steps that want names.
      'max-lines-per-function': ['error', { max: 40, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
]
