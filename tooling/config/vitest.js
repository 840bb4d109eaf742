// Shared vitest preset. Tests resolve sibling workspace packages to their TypeScript sources
// through the "@lowbit/source" export condition, so `pnpm test` never waits for a build.
import { defineConfig } from 'vitest/config';

/** @param {import('vitest/config').UserConfig['test']} [test] */
export function lowbitVitestConfig(test = {}) {
  return defineConfig({
    resolve: { conditions: ['@lowbit/source', 'import', 'module', 'default'] },
    ssr: { resolve: { conditions: ['@lowbit/source', 'import', 'module', 'default'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      benchmark: { include: ['src/**/*.bench.ts', 'bench/**/*.bench.ts'] },
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // The JSON report feeds the repository-wide summary line (tooling/scripts/test-summary.mjs).
      reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
      ...test,
    },
  });
}
