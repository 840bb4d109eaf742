/** A small hand-made results document for unit tests of the writer, schema and report (not a measurement). */
import type { ResultsDocument } from './types.js';

export function sampleDocument(): ResultsDocument {
  return {
    experiment: 'quick',
    config: { epochs: 1 },
    environment: {
      node: process.version,
      packages: { '@lowbit/bench': '0.0.0' },
      commit: null,
      machine: { cpuModel: 'test cpu', cores: 2, memoryBytes: 2 ** 30, platform: 'linux', arch: 'x64' },
      threads: 2,
      backend: 'reference',
      startedAt: '2025-01-01T00:00:00.000Z',
    },
    runs: [
      { name: 'float32', formats: { weights: 'float32' }, seed: 1, testAccuracy: 0.5, epochs: 1, wallSeconds: 1.5, memoryBytes: 1000, curves: { steps: [{ epoch: 1, step: 10, trainLoss: 1.2, testAccuracy: 0.5 }] }, statistics: {} },
      { name: 'fp8, "odd"', formats: { weights: 'float8_e4m3fn', errors: 'float8_e5m2' }, seed: 1, testAccuracy: 0.25, epochs: 1, wallSeconds: 2, memoryBytes: 500, curves: { steps: [] }, statistics: {}, series: [{ chart: 'bit width per layer', label: 'fc.weight', xLabel: 'step', yLabel: 'bits', points: [[0, 8], [20, 9], [40, 9]] }], histograms: [{ name: 'fc.weights.forward', format: 'float8_e4m3fn', bins: { '-3': 4 }, range: { minExponent: -9, maxExponent: 8.8 } }] },
    ],
    benchmarks: [{ name: 'gemm 512', system: 'lowbit', value: 50, unit: 'GFLOP/s', ratio: 1 }],
    wallSeconds: 3.5,
  };
}
