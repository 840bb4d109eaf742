// Shared tsup preset: ESM + declaration files, one entry per public subpath.
import { defineConfig } from 'tsup';

/** @param {{ entry?: string[] } & import('tsup').Options} [options] */
export function lowbitTsupConfig(options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    ...options,
  });
}
