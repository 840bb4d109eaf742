/**
 * `quick`, the README's main job: LeNet-5 on the embedded MNIST in float32, in OCP FP8 (E4M3
 * weights and activations forward, E5M2 errors and weight gradients backward, float32 master
 * weights) and in a custom 8-bit float whose exponent offset follows the data (Pietrołaj & Blok's
 * exponent offset, papers.md R: offset = emax - floor(log2 max|x|) - margin, recomputed every N
 * steps, saturating). Prints accuracy, modelled training memory and time side by side.
 */
import { floatFormat, parseFormat } from '@lowbit/formats';
import type { LayerQuantization, QuantizationPlan } from '@lowbit/nn';
import { lenet5 } from '@lowbit/models';
import { sgd } from '@lowbit/optim';
import { formatBytes, formatPercent, formatTable } from '../table.js';
import { loadImageData, describeData } from '../training/data.js';
import { trainRun } from '../training/train-run.js';
import type { RunResult } from '../results/types.js';
import { sizedConfig, type Experiment, type ExperimentContext, type ExperimentOutcome } from './types.js';

export interface QuickConfig {
  model: 'lenet5';
  dataset: 'mnist';
  trainSamples: number;
  testSamples: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  /** Steps between recomputations of the dynamic exponent offset. */
  offsetEvery: number;
  /** Binades of headroom left above the running max |x| when the offset is chosen. */
  offsetMargin: number;
}

export const quickConfig: QuickConfig = {
  model: 'lenet5',
  dataset: 'mnist',
  trainSamples: 60_000,
  testSamples: 10_000,
  epochs: 1,
  batchSize: 64,
  learningRate: 0.05,
  momentum: 0.9,
  offsetEvery: 10,
  offsetMargin: 1,
};

/** --quick: a CI smoke size (seconds, not minutes). */
export const quickSmokeConfig: QuickConfig = { ...quickConfig, trainSamples: 512, testSamples: 256, epochs: 1, batchSize: 32 };

/** The custom 8-bit float: E4M3 without NaN/Inf codes (all 256 codes are numbers), saturating; its range moves with the offset. */
export const customOffsetFormat = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'finite', overflow: 'saturate' });

export interface QuickVariant {
  name: string;
  description: string;
  /** Format names by role, recorded in the results. */
  formats: Record<string, string>;
  plan: QuantizationPlan | undefined;
}

export function quickVariants(config: QuickConfig): QuickVariant[] {
  const e4m3 = parseFormat('float8_e4m3fn');
  const e5m2 = parseFormat('float8_e5m2');
  const histogram = { histogram: true } as const;
  const ocp: LayerQuantization = {
    weights: { format: e4m3, statistics: histogram },
    inputs: { format: e4m3, statistics: histogram },
    errors: { format: e5m2, statistics: histogram },
    weightGradients: { format: e5m2, statistics: histogram },
  } as LayerQuantization;
  const scaling = { kind: 'dynamic-offset', every: config.offsetEvery, margin: config.offsetMargin } as const;
  const custom: LayerQuantization = {
    weights: { format: customOffsetFormat, scaling, statistics: histogram },
    inputs: { format: customOffsetFormat, scaling, statistics: histogram },
    errors: { format: customOffsetFormat, scaling, statistics: histogram },
    weightGradients: { format: customOffsetFormat, scaling, statistics: histogram },
  } as LayerQuantization;
  const offsetLabel = `${customOffsetFormat.name}+dynamic-offset(every ${config.offsetEvery}, margin ${config.offsetMargin})`;
  return [
    { name: 'float32', description: 'float32 everywhere (baseline)', formats: { weights: 'float32', activations: 'float32', errors: 'float32', weightGradients: 'float32', master: 'float32' }, plan: undefined },
    {
      name: 'ocp-fp8',
      description: 'OCP FP8: E4M3 weights and layer inputs forward, E5M2 errors and weight gradients backward, float32 master weights, no scaling',
      formats: { weights: e4m3.name, activations: e4m3.name, errors: e5m2.name, weightGradients: e5m2.name, master: 'float32' },
      plan: { layers: ocp } as QuantizationPlan,
    },
    {
      name: 'custom-fp8-offset',
      description: 'custom 8-bit float E4M3 (finite, saturating) on every role with a per-point dynamic exponent offset, float32 master weights',
      formats: { weights: offsetLabel, activations: offsetLabel, errors: offsetLabel, weightGradients: offsetLabel, master: 'float32' },
      plan: { layers: custom } as QuantizationPlan,
    },
  ];
}

export async function runQuick(context: ExperimentContext, given?: QuickConfig): Promise<ExperimentOutcome> {
  const config = sizedConfig(context, given ?? (context.quick ? quickSmokeConfig : quickConfig));
  const data = await loadImageData({ dataset: 'mnist', trainSamples: config.trainSamples, testSamples: config.testSamples, seed: context.seed });
  const runs: RunResult[] = [];
  // One after the other: the runs share the cores, and their wall times are compared.
  for (const variant of quickVariants(config)) {
    const { run } = await trainRun({
      ...variant,
      // Same model seed for every variant: the runs differ only in their formats.
      model: lenet5({ seed: context.seed, quantization: variant.plan }),
      optimizer: sgd({ learningRate: config.learningRate, momentum: config.momentum }),
      data,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: context.seed,
      progress: context.progress,
    });
    runs.push(run);
  }
  const baseline = runs[0].testAccuracy;
  const table = formatTable(
    ['run', 'test accuracy', 'vs float32', 'training memory', 'wall time'],
    runs.map((run) => [run.name, formatPercent(run.testAccuracy), `${run === runs[0] ? '' : (100 * (run.testAccuracy - baseline)).toFixed(2) + ' pp'}`, formatBytes(run.memoryBytes), `${run.wallSeconds.toFixed(1)} s`]),
  );
  const notes = [`LeNet-5 on ${describeData(data)}, ${config.epochs} epoch(s)${context.quick ? ' (--quick smoke size: accuracies are not meaningful)' : ''}`];
  return { config: { ...config }, runs, notes, table };
}

export const quickExperiment: Experiment = {
  name: 'quick',
  description: 'LeNet-5 on MNIST: float32 vs OCP FP8 (E4M3 fwd / E5M2 bwd) vs a custom 8-bit float with a dynamic exponent offset',
  run: (context) => runQuick(context),
};
