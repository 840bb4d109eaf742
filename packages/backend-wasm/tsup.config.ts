import { lowbitTsupConfig } from '@lowbit/config/tsup';

// The .wasm and the worker script are not bundled: they ship in wasm/ next to dist/ and are found
// relative to the module at run time (src/host-node.ts, src/host-browser.ts). `pnpm build`
// compiles the .wasm first. `#host` stays an import, resolved by the consumer's runtime or bundler
// through package.json "imports" (node or browser host), so each host is its own entry.
export default lowbitTsupConfig({ entry: ['src/index.ts', 'src/host-node.ts', 'src/host-browser.ts'], external: ['#host'] });
