import { lowbitEslintConfig } from '@lowbit/config/eslint';

// assembly/ is AssemblyScript (decorators on functions, v128 types): its compiler checks it.
// The build script and the worker are plain JavaScript (the worker also runs as a browser Web Worker).
export default lowbitEslintConfig(
  { ignores: ['assembly/**'] },
  {
    files: ['scripts/**/*.mjs', 'wasm/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly', WebAssembly: 'readonly', Atomics: 'readonly', SharedArrayBuffer: 'readonly', self: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
