import { describe, expect, it } from 'vitest';
import { wasmBackend } from '@lowbit/backend-wasm';
import { getBackend, setBackend } from '@lowbit/tensor';
import { createProgress } from '../progress.js';
import { assertValidResults } from '../results/schema.js';
import { collectEnvironment } from '../environment.js';
import { microSmokeConfig, runMicro } from './micro.js';

describe('micro', () => {
  it('measures every benchmark on the wasm and the reference backend, with ratios against wasm', { timeout: 60_000 }, async () => {
    const previous = getBackend();
    const backend = wasmBackend({ threads: 1 });
    setBackend(backend);
    try {
      const outcome = await runMicro({ quick: true, seed: 3, progress: createProgress({ mode: 'silent' }), backend: { name: 'wasm', threads: 1 } }, { ...microSmokeConfig, minimumSeconds: 0.01 });
      const systems = [...new Set(outcome.benchmarks!.map((b) => b.system))];
      expect(systems).toEqual(['lowbit-wasm (1 threads)', 'lowbit-reference (JavaScript)']);
      for (const b of outcome.benchmarks!) {
        expect(b.value).toBeGreaterThan(0);
        if (b.system.startsWith('lowbit-wasm')) expect(b.ratio).toBe(1);
      }
      expect(outcome.benchmarks!.map((b) => b.name)).toContain('lenet5 training step fp8 e4m3/e5m2 batch 8');
      const document = { experiment: 'micro', config: outcome.config, environment: collectEnvironment({ threads: 1, backend: 'wasm' }), runs: outcome.runs, benchmarks: outcome.benchmarks, wallSeconds: 1 };
      assertValidResults(document);
    } finally {
      setBackend(previous);
      await backend.shutdown();
    }
  });
});
