// Shared eslint flat config: typescript-eslint's recommended rules, no type information needed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export function lowbitEslintConfig(...overrides) {
  return tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
      rules: {
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        'no-constant-condition': ['error', { checkLoops: false }],
      },
    },
    ...overrides,
  );
}
