// One ESLint config for the whole repository: typescript-eslint everywhere,
// Lit and web-component rules for the element.
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.wrangler/',
      'test-results/',
      'bench-results/',
      'worker/worker-configuration.d.ts',
      // Generated from sandbox/kaleyra-sdk/browser/ by sandbox/kaleyra-sdk/build.mjs.
      'sandbox/kaleyra-sdk/bandyer-sdk.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs,ts,mts}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'component/**/*.ts',
      'test/component/**/*.ts',
      'test/sandbox/browser/**/*.ts',
      'demo/**/*.{js,mjs,ts}',
      'sandbox/**/*.{js,mjs,ts}',
    ],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['component/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['component/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['component/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // Chai's property assertions (`expect(x).to.exist`) are expressions.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
);
