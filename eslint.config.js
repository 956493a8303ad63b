import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // Money code paths; benchmarks may print timings with toFixed.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='parseFloat']", message: 'Money never passes through floating point.' },
        { selector: "CallExpression[callee.property.name='toFixed']", message: 'Money never passes through floating point.' },
      ],
      // The sandboxes stand in for outside systems; production code never leans on them.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sandboxes/**'], message: 'src/ imports nothing from sandboxes/.' }] }],
    },
  },
);
