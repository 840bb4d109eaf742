import { lowbitEslintConfig } from '@lowbit/config/eslint';

// bin/ is plain Node JavaScript; results/ holds generated output.
export default lowbitEslintConfig(
  { ignores: ['results/**', '.reports/**'] },
  { files: ['bin/**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly' } } },
);
