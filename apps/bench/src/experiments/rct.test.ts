import { runQuickOnWasm } from './quick-run.testutil.js';
import { describe, expect, it } from 'vitest';
import { assertValidResults } from '../results/schema.js';
import { collectEnvironment } from '../environment.js';
import { rctConfig, rctSmokeConfig, rctVariants } from './rct/config.js';
import { statisticsOf } from './rct/tables.js';
import { runRct } from './rct.js';

describe('rctVariants', () => {
  it.each([
    { stochasticVariant: true, names: ['lenet5/float32', 'lenet5/qat', 'lenet5/rct', 'lenet5/rct-stochastic'] },
    { stochasticVariant: false, names: ['lenet5/float32', 'lenet5/qat', 'lenet5/rct'] },
  ])('stochasticVariant $stochasticVariant gives $names', ({ stochasticVariant, names }) => {
    const variants = rctVariants(rctConfig, { network: 'lenet5', stochasticVariant }, 1);
    expect(variants.map((variant) => variant.name)).toEqual(names);
  });

  it('keeps a float32 master only for QAT, and controls weights only in the RCT runs', () => {
    const variants = rctVariants(rctConfig, { network: 'cifar10Quick', stochasticVariant: true }, 7);
    expect(variants.map((variant) => variant.formats.master)).toEqual(['float32', 'float32', 'none', 'none']);
    expect(variants.map((variant) => variant.controller?.rounding)).toEqual([undefined, undefined, 'nearest-even', 'stochastic']);
    expect(variants[2].controller).toMatchObject({ interval: 20, lowerThreshold: 0.5, upperThreshold: 2, minBits: 4, maxBits: 16, initialBits: 8, seed: 7 });
    // QAT rounds weights forward; RCT has no weights role (the parameter itself is fixed point).
    expect(variants[1].plan?.layers).toHaveProperty('weights');
    expect(variants[2].plan?.layers).not.toHaveProperty('weights');
  });
});

describe('rct --quick', () => {
  it('trains float32, QAT and RCT on both networks and reports bits, energy, memory and claims', { timeout: 90_000 }, async () => {
    const outcome = await runQuickOnWasm((context) => runRct(context, rctSmokeConfig), { seed: 2, threads: 1 });
    expect(outcome.runs.map((run) => run.name)).toEqual(['lenet5/float32', 'lenet5/qat', 'lenet5/rct', 'lenet5/rct-stochastic', 'cifar10Quick/float32', 'cifar10Quick/qat', 'cifar10Quick/rct']);
    for (const run of outcome.runs) {
      expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(run.testAccuracy).toBeLessThanOrEqual(1);
      const statistics = statisticsOf(run);
      const gemm = statistics.gemm.run;
      expect(gemm.forward).toBeGreaterThan(0);
      expect(gemm.total).toBeCloseTo(gemm.forward + gemm.backwardData + gemm.backwardWeight, 0);
    }
    const [float32, qat, rct] = outcome.runs;
    expect(qat.formats).toMatchObject({ master: 'float32' });
    expect(rct.formats).toMatchObject({ master: 'none' });
    // Energy: int8 GEMMs cost less than float32 ones; QAT's master copy costs memory.
    expect(statisticsOf(qat).gemm.run.total).toBeLessThan(statisticsOf(float32).gemm.run.total);
    expect(statisticsOf(qat).memory.totals.parameters).toBeGreaterThan(statisticsOf(float32).memory.totals.parameters);
    const rctStatistics = statisticsOf(rct);
    const precision = rct.statistics.precision as { config: Record<string, unknown>; layers: { parameter: string; bitsHistory: { step: number; bits: number }[] }[] };
    expect(precision.config).toMatchObject({ interval: 4, lowerThreshold: 0.5, upperThreshold: 2, minBits: 4, maxBits: 16, initialBits: 8 });
    expect(precision.layers.map((layer) => layer.parameter)).toEqual(['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc2.weight', 'fc3.weight']);
    for (const layer of precision.layers) expect(layer.bitsHistory[0]).toEqual({ step: 0, bits: 8 });
    expect(rctStatistics.bits!.map((row) => row.parameter)).toEqual(precision.layers.map((layer) => layer.parameter));
    for (const row of rctStatistics.bits!) {
      expect(row.minBits).toBeGreaterThanOrEqual(4);
      expect(row.maxBits).toBeLessThanOrEqual(16);
    }
    // No master copy: RCT's parameters take less memory than QAT's float32 + int8 and float32's.
    expect(rctStatistics.measuredSavings!.parameterMemoryVsQatRun).toBeGreaterThan(0);
    expect(rctStatistics.measuredSavings!.parameterMemoryVsFloat32Run).toBeGreaterThan(0);
    expect(rctStatistics.claims!.map((claim) => claim.quantity)).toEqual(['GEMM energy saved vs QAT', 'parameter memory saved vs QAT', 'parameter-movement energy saved vs QAT']);
    expect(statisticsOf(float32).measuredSavings).toBeUndefined();
    for (const name of ['lenet5/rct-stochastic', 'cifar10Quick/rct', 'GEMM energy saved vs QAT', 'conv3.weight', 'Claims vs measured']) expect(outcome.table).toContain(name);
    // Without a CIFAR-10 folder the CIFAR network trains on a labelled substitute.
    if (process.env.LOWBIT_CIFAR10_DIR === undefined) {
      expect(outcome.notes!.some((note) => note.includes('CIFAR-10 substitute'))).toBe(true);
      expect(statisticsOf(outcome.runs[4]).dataset).toContain('CIFAR-10 substitute');
    }
    assertValidResults({ experiment: 'rct', config: outcome.config, environment: collectEnvironment({ threads: 1, backend: 'wasm' }), runs: outcome.runs, notes: outcome.notes, wallSeconds: 1 });
  });
});
