import { runQuickOnWasm } from './quick-run.testutil.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectEnvironment } from '../environment.js';
import { assertValidResults } from '../results/schema.js';
import type { RunResult } from '../results/types.js';
import type { ExperimentOutcome } from './types.js';
import { invLearningRate, ortizConfig, ortizSmokeConfig, runOrtiz } from './ortiz.js';
import type { OrtizMeasurements } from './ortiz/report.js';
import { PUBLISHED_MLP_ACCURACY } from './ortiz/variants.js';

const MLP_VARIANTS = ortizSmokeConfig.models.mlp.variants;
const CIFAR_VARIANTS = ortizSmokeConfig.models['cifar10-quick'].variants;
/** Variants whose weights live only in their format (every one except float32 and the power-of-two ones). */
const STORED = (name: string) => name !== 'float32' && !name.startsWith('pow2');

describe('ortiz at --quick size', () => {
  let outcome: ExperimentOutcome;

  beforeAll(async () => {
    outcome = await runQuickOnWasm(runOrtiz, { seed: 5 });
  }, 300_000);

  const run = (name: string): RunResult => {
    const found = outcome.runs.find((candidate) => candidate.name === name);
    if (found === undefined) throw new Error(`no run ${name}; runs: ${outcome.runs.map((r) => r.name).join(', ')}`);
    return found;
  };

  it('trains every variant of both models, in order, with test accuracies in [0, 1]', () => {
    expect(outcome.runs.map((r) => r.name)).toEqual([...MLP_VARIANTS.map((v) => `mlp/${v}`), ...CIFAR_VARIANTS.map((v) => `cifar10-quick/${v}`)]);
    expect(MLP_VARIANTS).toEqual(expect.arrayContaining(['float32', 'fixed12-sr', 'e6m5-sr', 'e5m6-nearest', 'fixed12-sr-scaled', 'e5m6-sr-scaled', 'pow2-7bit-nearest', 'fixed16-2.14-sr', 'fp16-sr', 'e2m5-sr', 'fixed16-8.8-nearest', 'fixed16-8.8-sr']));
    for (const result of outcome.runs) {
      expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(result.testAccuracy).toBeLessThanOrEqual(1);
      expect(result.statistics.skippedSteps).toBeTypeOf('number');
    }
  });

  it.each([
    { name: 'mlp/float32', formats: { weights: 'float32', activations: 'float32', errors: 'float32', weightGradients: 'float32' } },
    { name: 'mlp/fixed12-sr', formats: { weights: 'fixed_w12_f10 SR', activations: 'fixed_w12_f6 SR', errors: 'fixed_w12_f16 SR', weightGradients: 'float32', master: 'none (weights stored in place)' } },
    { name: 'cifar10-quick/fixed12-sr', formats: { weights: 'fixed_w12_f10 SR', activations: 'fixed_w12_f3 SR', errors: 'fixed_w12_f16 SR' } },
    { name: 'mlp/e5m6-nearest', formats: { weights: 'e5m6 RN', activations: 'e5m6 RN', errors: 'e5m6 RN' } },
    { name: 'mlp/e6m5-sr-scaled', formats: { weights: 'e6m5+tensor-scale SR', activations: 'e6m5+tensor-scale SR', errors: 'e6m5+tensor-scale SR' } },
    { name: 'cifar10-quick/pow2-7bit-sr', formats: { weights: 'float32', activations: 'e6m0_finite SR', errors: 'e6m0_finite SR', weightGradients: 'e6m0_finite SR' } },
    { name: 'mlp/e2m5-sr', formats: { weights: 'e2m5_b2_finite SR' } },
    { name: 'mlp/fixed16-8.8-nearest', formats: { weights: 'fixed_w16_f8 RN', errors: 'fixed_w16_f8 RN' } },
  ])('$name records its formats by role', ({ name, formats }) => {
    expect(run(name).formats).toMatchObject(formats);
  });

  it('measures overflow and flush per rounded role and the weight updates the stored format lost', () => {
    for (const result of outcome.runs) {
      const variant = String(result.statistics.variant);
      const roles = result.statistics.quantizedRoles as OrtizMeasurements['roles'];
      const updates = result.statistics.weightUpdates as OrtizMeasurements['weightUpdates'];
      expect(Object.keys(roles).sort()).toEqual(variant === 'float32' ? [] : variant.startsWith('pow2') ? ['errors', 'outputs', 'weightGradients'] : ['errors', 'outputs']);
      for (const counts of Object.values(roles)) {
        expect(counts.elements).toBeGreaterThan(0);
        expect(counts.overflowFraction).toBeGreaterThanOrEqual(0);
        expect(counts.flushFraction).toBeLessThanOrEqual(1);
      }
      expect(updates.lostFraction).toBeGreaterThanOrEqual(0);
      expect(updates.lostFraction).toBeLessThanOrEqual(1);
      // float32 weights lose only the updates float32 addition itself swamps.
      if (!STORED(variant)) expect(updates.lostFraction).toBeLessThan(0.01);
    }
    // Round to nearest into <8,8> (step 2^-8) drops nearly every first-step update of N(0, 0.01) weights.
    expect((run('mlp/fixed16-8.8-nearest').statistics.weightUpdates as OrtizMeasurements['weightUpdates']).lostFraction).toBeGreaterThan(0.5);
  });

  it('labels published values as literature values, on the MLP configurations that papers.md reports only', () => {
    for (const result of outcome.runs) {
      const variant = String(result.statistics.variant);
      const published = result.name.startsWith('mlp/') ? PUBLISHED_MLP_ACCURACY[variant] : undefined;
      expect(result.statistics.publishedTestAccuracy).toBe(published);
      if (published !== undefined) expect(result.statistics.publishedSource).toMatch(/papers\.md.*not measured/);
    }
    expect(Object.keys(PUBLISHED_MLP_ACCURACY).sort()).toEqual(['e2m5-sr', 'fixed16-2.14-sr', 'fixed16-8.8-nearest', 'fixed16-8.8-sr', 'float32', 'fp16-sr']);
    expect(outcome.notes!.join('\n')).toMatch(/literature values from papers\.md/);
  });

  it('prints one table per model with every variant, the published column on the MLP only, and the CIFAR label', () => {
    const [mlpTable, cifarTable] = outcome.table.split('\n\n');
    expect(mlpTable).toMatch(/^784-1000-1000-10 MLP on MNIST/);
    expect(mlpTable).toContain('published (papers.md)');
    expect(mlpTable).toMatch(/fixed16-8\.8-nearest .*94\.97 %/);
    expect(mlpTable).toMatch(/float32 .*98\.64 %/);
    expect(cifarTable).not.toContain('published');
    for (const name of MLP_VARIANTS) expect(mlpTable).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}\\s`, 'm'));
    for (const name of CIFAR_VARIANTS) expect(cifarTable).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}\\s`, 'm'));
    const dataset = String(run('cifar10-quick/float32').statistics.dataset);
    expect(cifarTable).toContain(dataset);
    if (dataset !== 'CIFAR-10') {
      expect(dataset).toContain('CIFAR-10 substitute');
      expect(outcome.notes!.some((note) => note.includes(dataset) && note.includes('LOWBIT_CIFAR10_DIR'))).toBe(true);
    }
    expect(outcome.notes![0]).toMatch(/--quick smoke size/);
  });

  it('writes a schema-valid results document', () => {
    assertValidResults({ experiment: 'ortiz', config: outcome.config, environment: collectEnvironment({ threads: 2, backend: 'wasm' }), runs: outcome.runs, notes: outcome.notes, wallSeconds: 1 });
  });
});

describe('ortiz config', () => {
  it('runs float32 first on both models (the deltas refer to it) and the published configurations on the MLP only', () => {
    for (const config of [ortizConfig, ortizSmokeConfig]) {
      expect(config.models.mlp.variants[0]).toBe('float32');
      expect(config.models['cifar10-quick'].variants[0]).toBe('float32');
      expect(config.models['cifar10-quick'].variants).not.toContain('fp16-sr');
      expect(config.models.mlp.variants).toEqual(expect.arrayContaining(Object.keys(PUBLISHED_MLP_ACCURACY)));
    }
  });

  it.each([
    { step: 0, expected: 0.1 },
    { step: 1000, expected: 0.1 * Math.pow(1.1, -0.75) },
    { step: 18_000, expected: 0.1 * Math.pow(2.8, -0.75) },
  ])("Caffe's inv policy at step $step", ({ step, expected }) => {
    expect(invLearningRate(ortizConfig.models.mlp)(step)).toBeCloseTo(expected, 12);
    expect(invLearningRate(ortizConfig.models['cifar10-quick'])(step)).toBe(0.001);
  });
});
