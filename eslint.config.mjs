// Lint for the whole tree (`npm run lint`, run by CI): typescript-eslint's type-aware rules, with
// the promise rules as errors — a promise nobody awaits or catches is how a process dies of an
// unhandled rejection (docs/architecture.md, "Conventions"). Formatting is Prettier's
// (eslint-config-prettier turns off the rules that would disagree with it).
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.run/**', 'coverage/**', 'apps/audit-dashboard/dist/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Promises: every one awaited, returned, voided on purpose or caught.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      // Unused code is tsc's (noUnusedLocals, noUnusedParameters), with its `_` convention.
      '@typescript-eslint/no-unused-vars': 'off',
      // JSON from the wire is `unknown` or typed at the edge; inside tests `any` bodies are read on purpose.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Nest's decorators and handlers are async by contract even when a body has no await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // String() of JSON values that validation already made strings (userName, ids) is the norm here.
      '@typescript-eslint/no-base-to-string': 'off',
      // NUL (\x00) is matched on purpose: it is refused at the edge and replaced in audit records (docs/security.md).
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read untyped JSON bodies into messages and URLs.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/restrict-template-expressions': 'off' },
  },
  {
    // The launcher scripts and configuration in plain JavaScript (CommonJS on Node, no type information).
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node, sourceType: 'commonjs' },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    // The audit dashboard runs in the browser.
    files: ['apps/audit-dashboard/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  prettier,
);
