import { lowbitTsupConfig } from '@lowbit/config/tsup';

// The .wasm and the worker script are not bundled: they ship in wasm/ next to dist/ and are found
// relative to the module at run time (src/module.ts). `pnpm build` compiles the .wasm first.
export default lowbitTsupConfig({ entry: ['src/index.ts'] });
