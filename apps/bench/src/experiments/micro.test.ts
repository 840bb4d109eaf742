import { describe, expect, it } from 'vitest';
import { wasmBackend } from '@lowbit/backend-wasm';
import { getBackend, setBackend } from '@lowbit/tensor';
import { createProgress } from '../progress.js';
import { PYTORCH_SKIP_REASON } from '../peers/pytorch.js';
import { assertValidResults } from '../results/schema.js';
import { collectEnvironment } from '../environment.js';
import { microConfig, microSmokeConfig, microWorkloads, runMicro } from './micro.js';

describe('micro', () => {
  it('names every workload once, with the same shapes for every system', () => {
    for (const config of [microConfig, microSmokeConfig]) {
      const names = microWorkloads(config).map((w) => w.name);
      expect(new Set(names).size).toBe(names.length);
    }
    expect(microWorkloads(microConfig).map((w) => w.name)).toContain('resnet18-cifar training step float32 batch 32');
  });

  it('--quick measures lowbit wasm, the reference backend and TF.js side by side, with ratios against wasm (PyTorch absent)', { timeout: 120_000 }, async () => {
    const previous = getBackend();
    const backend = wasmBackend({ threads: 1 });
    setBackend(backend);
    try {
      // interleave: the full size's order (one workload on every system, then the next).
      const config = { ...microSmokeConfig, interleave: true, timing: { minimumSeconds: 0.01, minimumRepetitions: 1 } };
      // Tests never run PyTorch: a python that does not exist makes the peer skip.
      const outcome = await runMicro({ quick: true, seed: 3, progress: createProgress({ mode: 'silent' }), backend: { name: 'wasm', threads: 1 } }, config, { pythons: ['/nonexistent/python3'] });
      const benchmarks = outcome.benchmarks!;
      const systems = [...new Set(benchmarks.map((b) => b.system))];
      expect(systems).toEqual(['lowbit-wasm (1 threads)', 'lowbit-reference (JavaScript)', 'tfjs-wasm 4.22.0 (1 thread)']);
      for (const b of benchmarks) {
        expect(b.value).toBeGreaterThan(0);
        if (b.system.startsWith('lowbit-wasm')) expect(b.ratio).toBe(1);
        else expect(b.ratio).toBeCloseTo(b.value / benchmarks.find((w) => w.name === b.name && w.system.startsWith('lowbit-wasm'))!.value, 12);
      }
      const wasmNames = benchmarks.filter((b) => b.system.startsWith('lowbit-wasm')).map((b) => b.name);
      expect(wasmNames).toEqual(microWorkloads(microSmokeConfig).map((w) => w.name));
      expect(wasmNames).toContain('lenet5 training step fp8 e4m3/e5m2 batch 8');
      expect(benchmarks.filter((b) => b.system.startsWith('tfjs')).map((b) => b.name)).toEqual([
        'gemm 64x64x64',
        'conv2d lenet5.conv2 6->16 5x5 @14 batch 4',
        'conv2d resnet18 layer1 3x3 64->64 @32 batch 1',
        'lenet5 training step float32 batch 8',
      ]);
      expect(outcome.notes).toContain(PYTORCH_SKIP_REASON);
      expect(outcome.notes!.some((n) => n.includes('no Conv2DBackpropFilter kernel'))).toBe(true);
      expect(outcome.table).toMatch(/benchmark +system +value +unit +ratio/);
      expect(outcome.table).toContain('bnn larq-mnist training step (bop+adam) batch 8');
      const document = { experiment: 'micro', config: outcome.config, environment: collectEnvironment({ threads: 1, backend: 'wasm' }), runs: outcome.runs, benchmarks, notes: outcome.notes, wallSeconds: 1 };
      assertValidResults(document);
    } finally {
      setBackend(previous);
      await backend.shutdown();
    }
  });
});
