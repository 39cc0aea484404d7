// Lint is part of `npm test`. The money rule below is the lint-shaped half of DESIGN §2:
// amounts are bigint micro-units, so float parsing has no business in src/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'web/dist', 'bench/results', 'test-results', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Money is bigint micro-units: never parse floats.' }],
      'no-restricted-properties': ['error', { object: 'Number', property: 'parseFloat', message: 'Money is bigint micro-units: never parse floats.' }],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['src/money/**/*.ts', 'src/ledger/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='Number']", message: 'No Number() in money code: amounts are bigint.' }],
    },
  },
);
