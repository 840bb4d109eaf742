import { runQuickOnWasm } from './quick-run.testutil.js';
import { describe, expect, it } from 'vitest';
import { collectEnvironment } from '../environment.js';
import { assertValidResults } from '../results/schema.js';
import type { RunResult } from '../results/types.js';
import { findCifar10 } from '../training/data.js';
import { pietrolajSmokeConfig, runPietrolaj } from './pietrolaj.js';
import type { RoleRange } from './pietrolaj/report.js';

const ROLES = ['weights', 'activations', 'errors', 'weightGradients'] as const;

describe('pietrolaj', () => {
  it('trains every model and variant of the --quick matrix and reports deltas against float32', { timeout: 300_000 }, async () => {
    const outcome = await runQuickOnWasm(runPietrolaj, { seed: 1 });

    const expectedNames = pietrolajSmokeConfig.models.flatMap((model) => model.variants.map((variant) => `${model.model}/${variant}`));
    expect(outcome.runs.map((run) => run.name)).toEqual(expectedNames);
    const byName = new Map<string, RunResult>(outcome.runs.map((run) => [run.name, run]));
    for (const run of outcome.runs) {
      expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(run.testAccuracy).toBeLessThanOrEqual(1);
      expect(run.formats.master).toBe('float32');
      expect(typeof run.statistics.skippedSteps).toBe('number');
      const baseline = byName.get(`${run.statistics.model as string}/float32`)!;
      expect(run.statistics.deltaVsFloat32PercentagePoints).toBeCloseTo(100 * (run.testAccuracy - baseline.testAccuracy), 10);
      const float32 = run.name.endsWith('/float32');
      for (const role of ROLES) expect(run.formats[role] === 'float32').toBe(float32);
      if (float32) continue;
      // Every role of an 8-bit variant was rounded, and its overflow/flush counts were summed.
      const range = run.statistics.rangeByRole as Record<string, RoleRange>;
      for (const role of ROLES) expect(range[role].elements, `${run.name} ${role}`).toBeGreaterThan(0);
    }

    // Exact format names by role.
    expect(byName.get('lenet5/e5m2')!.formats.weights).toBe('float8_e5m2_saturate');
    expect(byName.get('lenet5/e3m4')!.formats.errors).toBe('float8_e3m4_saturate');
    expect(byName.get('lenet5/e4m3-offset-flush')!.formats.activations).toBe('e4m3_nosub_saturate');
    expect(byName.get('lenet5/e4m3-offset-tight-infinity')!.formats.weightGradients).toBe('float8_e4m3');
    expect(byName.get('resnet18/e4m3-offset')!.formats.scaling).toBe('dynamic-offset(every 1, margin 1)');

    // The asymmetric exponent: every role's bias sits above E4M3's default 7 (the range moved toward small magnitudes).
    const staticBias = byName.get('lenet5/e4m3-static-bias')!;
    const biases = staticBias.statistics.staticBias as Record<string, { bias: number; format: string; calibratedMaxAbs: number }>;
    for (const role of ROLES) {
      expect(biases[role].bias, role).toBeGreaterThan(7);
      expect(staticBias.formats[role]).toBe(biases[role].format);
    }

    // The dynamic offset moves each point's range: histograms carry the format range shifted by the offset.
    const offsetHistograms = byName.get('lenet5/e4m3-offset')!.histograms ?? [];
    expect(offsetHistograms.length).toBeGreaterThan(0);
    expect(offsetHistograms.every((histogram) => histogram.range !== null)).toBe(true);
    expect(new Set(offsetHistograms.map((histogram) => histogram.range!.maxExponent)).size).toBeGreaterThan(1);

    // Without headroom the offset lets values overflow: saturated, or Inf that stops steps.
    const overflowed = (name: string) => ROLES.reduce((sum, role) => sum + (byName.get(name)!.statistics.rangeByRole as Record<string, RoleRange>)[role].overflowed, 0);
    expect(overflowed('lenet5/e4m3-offset-tight-saturate')).toBeGreaterThan(0);
    expect(byName.get('lenet5/e4m3-offset-tight-saturate')!.statistics.skippedSteps).toBe(0);

    // One table per model, a row per variant, deltas in percentage points.
    for (const model of pietrolajSmokeConfig.models) {
      for (const variant of model.variants) expect(outcome.table).toMatch(new RegExp(`^${variant.replace(/[-]/g, '\\-')}\\s`, 'm'));
    }
    expect(outcome.table).toContain('LeNet-5 on MNIST');
    expect(outcome.table).toMatch(/[+-]\d+\.\d\d pp/);
    expect(outcome.config.models).toEqual(pietrolajSmokeConfig.models.map((model) => ({ ...model, epochs: 1 })));

    if (findCifar10() === undefined) {
      const label = 'Fashion-MNIST padded to 3x32x32 (CIFAR-10 substitute)';
      expect(outcome.table).toContain(`AlexNet (CIFAR-10 variant) on ${label}`);
      expect(outcome.table).toContain(`ResNet-18 (CIFAR-10 variant, CIFAR stem) on ${label}`);
      expect(outcome.notes!.filter((note) => note.includes('CIFAR-10 not found')).length).toBe(2);
    }
    expect(outcome.notes!.join('\n')).toMatch(/float32 master copy/);

    assertValidResults({ experiment: 'pietrolaj', config: outcome.config, environment: collectEnvironment({ threads: 2, backend: 'wasm' }), runs: outcome.runs, notes: outcome.notes, wallSeconds: 1 });
  });
});
