/**
 * `ortiz`: Ortiz, Cristal, Ayguadé, Casas, "Low-Precision Floating-Point Schemes for Neural Network
 * Training" (papers.md section 2). The 784-1000-1000-10 MLP on MNIST and Caffe's cifar10_quick on
 * CIFAR-10 (or its padded substitute), trained in float32, 12-bit fixed point with stochastic
 * rounding, 12-bit floats (E6M5, E5M6; nearest and stochastic), both with local scaling, and a 7-bit
 * power of two for outputs and gradients; on the MLP also the configurations of the group's
 * published MNIST numbers, printed next to those literature values. Weights are rounded in place
 * (no master copy), outputs and errors are rounded, as in the group's earlier code
 * (./ortiz/variants.ts has every format and why).
 */
import { channelStatistics } from '@lowbit/datasets';
import { cifar10Quick, mlp } from '@lowbit/models';
import type { Module } from '@lowbit/nn';
import { sgd } from '@lowbit/optim';
import { storeWeights } from '@lowbit/training';
import { loadImageData, describeData, type ImageData } from '../training/data.js';
import { trainRun } from '../training/train-run.js';
import type { RunResult } from '../results/types.js';
import { sizedConfig, type Experiment, type ExperimentContext, type ExperimentOutcome } from './types.js';
import { measurementRecorder, ortizTable, type TableRow } from './ortiz/report.js';
import { E2M5_FORMAT, PUBLISHED_MLP_ACCURACY, fixedNotation, selectVariants, storageFormat, variantFormats, variantPlan, type FixedSplits, type OrtizVariant } from './ortiz/variants.js';

export type OrtizModelName = 'mlp' | 'cifar10-quick';

export interface OrtizModelConfig {
  trainSamples: number;
  testSamples: number;
  epochs: number;
  batchSize: number;
  /** Caffe's "inv" policy: lr = baseLearningRate (1 + gamma step)^-power (power 0 keeps it fixed). */
  baseLearningRate: number;
  gamma: number;
  power: number;
  momentum: number;
  weightDecay: number;
  /** 12-bit fixed point format per role (fixed-point names of @lowbit/formats). */
  fixed12: FixedSplits;
  /** Names from ./ortiz/variants.ts ortizVariants, run in this order (the deltas refer to float32). */
  variants: string[];
}

export interface OrtizConfig {
  models: Record<OrtizModelName, OrtizModelConfig>;
}

const COMMON_VARIANTS = ['float32', 'fixed12-sr', 'e6m5-nearest', 'e6m5-sr', 'e5m6-nearest', 'e5m6-sr', 'fixed12-sr-scaled', 'e6m5-sr-scaled', 'e5m6-sr-scaled', 'pow2-7bit-nearest', 'pow2-7bit-sr'];
const PUBLISHED_VARIANTS = ['fixed16-2.14-sr', 'fp16-sr', 'e2m5-sr', 'fixed16-8.8-nearest', 'fixed16-8.8-sr'];

/**
 * The default run: reduced so that all 27 trainings fit in about an hour on two cores.
 * Hyperparameters are the group's and Caffe's: MLP base_lr 0.1, momentum 0.9, "inv" policy
 * (gamma 1e-4, power 0.75), batch 100, inputs scaled by 1/256 (decaffeinato models/mnist SOLVER);
 * cifar10_quick base_lr 0.001, momentum 0.9, weight decay 0.004, batch 100, mean-subtracted
 * 0..255 inputs (Caffe examples/cifar10).
 *
 * Fixed point splits: the largest |x| of each role over all layers in a float32 run of this size
 * (seed 1) fits. MLP: outputs reach 17 (logits), errors 0.01 (the 1/batch of the mean loss), so
 * outputs <12,6> (range +-32) and errors <12,16> (+-1/32). cifar10_quick on 0..255 inputs: conv1
 * outputs reach 140, so outputs <12,3> (+-256), errors <12,16>; conv1's errors (1e-7..7e-5) then
 * sit at or below one step, which no single split avoids: what local scaling is for.
 */
export const ortizConfig: OrtizConfig = {
  models: {
    mlp: {
      trainSamples: 10_000, testSamples: 2_000, epochs: 2, batchSize: 100, baseLearningRate: 0.1, gamma: 1e-4, power: 0.75, momentum: 0.9, weightDecay: 0,
      fixed12: { weights: 'fixed_w12_f10', outputs: 'fixed_w12_f6', errors: 'fixed_w12_f16' },
      variants: [...COMMON_VARIANTS, ...PUBLISHED_VARIANTS],
    },
    'cifar10-quick': {
      trainSamples: 5_000, testSamples: 1_000, epochs: 2, batchSize: 100, baseLearningRate: 0.001, gamma: 0, power: 0, momentum: 0.9, weightDecay: 0.004,
      fixed12: { weights: 'fixed_w12_f10', outputs: 'fixed_w12_f3', errors: 'fixed_w12_f16' },
      variants: [...COMMON_VARIANTS],
    },
  },
};

/** The paper's size: full MNIST for 30 epochs (max_iter 18000 at batch 100), full CIFAR-10 for 10 epochs (cifar10_quick's 5000 iterations). */
export const ortizPaperConfig: OrtizConfig = {
  models: {
    mlp: { ...ortizConfig.models.mlp, trainSamples: 60_000, testSamples: 10_000, epochs: 30 },
    'cifar10-quick': { ...ortizConfig.models['cifar10-quick'], trainSamples: 50_000, testSamples: 10_000, epochs: 10 },
  },
};

/** --quick: a CI smoke size (every variant, a couple of steps each; accuracies mean nothing). */
export const ortizSmokeConfig: OrtizConfig = {
  models: {
    mlp: { ...ortizConfig.models.mlp, trainSamples: 32, testSamples: 16, epochs: 1, batchSize: 32 },
    'cifar10-quick': { ...ortizConfig.models['cifar10-quick'], trainSamples: 32, testSamples: 16, epochs: 1, batchSize: 32 },
  },
};

/** Caffe's "inv" learning-rate policy. */
export function invLearningRate(config: Pick<OrtizModelConfig, 'baseLearningRate' | 'gamma' | 'power'>): (step: number) => number {
  return (step) => config.baseLearningRate * Math.pow(1 + config.gamma * step, -config.power);
}

/** The data of one model with Caffe's input scaling in place of the bench's unit-variance normalization. */
async function modelData(model: OrtizModelName, config: OrtizModelConfig, context: ExperimentContext): Promise<ImageData> {
  if (model === 'mlp') {
    const data = await loadImageData({ dataset: 'mnist', trainSamples: config.trainSamples, testSamples: config.testSamples, seed: context.seed });
    return { ...data, normalization: { scale: 0.00390625 } };
  }
  const data = await loadImageData({ dataset: 'cifar10', trainSamples: config.trainSamples, testSamples: config.testSamples, seed: context.seed, cifar10Directory: context.cifar10Directory, fallback: 'fashion-mnist', padTo32: true });
  // Caffe's cifar10 example subtracts the mean image from 0..255 pixels; the per-channel mean is the closest the loader offers.
  const { mean } = channelStatistics(data.train, { scale: 1 });
  return { ...data, normalization: { scale: 1, mean: Array.from(mean) } };
}

function buildModel(model: OrtizModelName, variant: OrtizVariant, seed: number): Module {
  const quantization = variantPlan(variant);
  // Same seed for every variant: the runs differ only in their formats.
  const built = model === 'mlp' ? mlp({ seed, quantization }) : cifar10Quick({ seed, quantization });
  if (variant.weights !== undefined) storeWeights(built, { format: storageFormat(variant.weights), rounding: variant.weights.rounding, seed });
  return built;
}

async function runModel(model: OrtizModelName, config: OrtizModelConfig, context: ExperimentContext): Promise<{ rows: TableRow[]; data: ImageData }> {
  const data = await modelData(model, config, context);
  const rows: TableRow[] = [];
  for (const variant of selectVariants(config.variants, config.fixed12)) {
    const recorder = measurementRecorder();
    const published = model === 'mlp' ? PUBLISHED_MLP_ACCURACY[variant.name] : undefined;
    const { run } = await trainRun({
      name: `${model}/${variant.name}`,
      description: variant.description,
      formats: variantFormats(variant),
      model: buildModel(model, variant, context.seed),
      optimizer: sgd({ learningRate: invLearningRate(config), momentum: config.momentum, weightDecay: config.weightDecay }),
      data,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: context.seed,
      progress: context.progress,
      callbacks: [recorder],
    });
    const measured = recorder.measurements();
    run.statistics = {
      ...run.statistics,
      model,
      variant: variant.name,
      quantizedRoles: measured.roles,
      weightUpdates: measured.weightUpdates,
      ...(published === undefined ? {} : { publishedTestAccuracy: published, publishedSource: 'papers.md section 2 (literature value: full MNIST, the group\'s training length; not measured here)' }),
    };
    rows.push({ variant: variant.name, run, ...(published === undefined ? {} : { published }) });
  }
  return { rows, data };
}

function sizeNote(context: ExperimentContext, config: OrtizConfig): string {
  const { mlp: m, 'cifar10-quick': c } = config.models;
  const size = `MLP ${m.trainSamples} training / ${m.testSamples} test images for ${m.epochs} epoch(s); cifar10_quick ${c.trainSamples} / ${c.testSamples} for ${c.epochs} epoch(s)`;
  if (context.quick) return `--quick smoke size (${size}): accuracies are not meaningful.`;
  const paper = ortizPaperConfig.models;
  const reduced = m.trainSamples < paper.mlp.trainSamples || m.epochs < paper.mlp.epochs || c.trainSamples < paper['cifar10-quick'].trainSamples || c.epochs < paper['cifar10-quick'].epochs;
  if (!reduced) return `Paper-size run (${size}).`;
  return `Reduced-size run (${size}), so that every variant trains within about an hour on two cores. The paper size is full MNIST for 30 epochs and full CIFAR-10 for 10 epochs (ortizPaperConfig in apps/bench/src/experiments/ortiz.ts, runOrtiz(context, ortizPaperConfig)); --epochs N sets the epochs of both models.`;
}

export async function runOrtiz(context: ExperimentContext, given?: OrtizConfig): Promise<ExperimentOutcome> {
  const base = given ?? (context.quick ? ortizSmokeConfig : ortizConfig);
  const config: OrtizConfig = { models: { mlp: sizedConfig(context, base.models.mlp), 'cifar10-quick': sizedConfig(context, base.models['cifar10-quick']) } };
  const runs: RunResult[] = [];
  const tables: string[] = [];
  const notes: string[] = [sizeNote(context, config)];
  for (const model of ['mlp', 'cifar10-quick'] as const) {
    if (config.models[model].variants.length === 0) continue;
    const { rows, data } = await runModel(model, config.models[model], context);
    runs.push(...rows.map((row) => row.run));
    const title = `${model === 'mlp' ? '784-1000-1000-10 MLP' : 'cifar10_quick'} on ${describeData(data)}, ${config.models[model].epochs} epoch(s): test accuracy measured in this run${model === 'mlp' ? '; published = literature value (papers.md), not measured' : ''}`;
    tables.push(`${title}\n${ortizTable(rows, { published: model === 'mlp' })}`);
    if (data.substitute !== undefined) notes.push(`cifar10_quick: ${data.substitute}`);
  }
  notes.push(
    'Published column: literature values from papers.md section 2 (the group\'s MNIST MLP numbers, full MNIST and their training length), labelled "published"; every other figure is measured in this run.',
    'Roles as in the group\'s code: weights rounded in place after every update (no float32 master copy; biases stay float32), layer outputs rounded forward and errors backward, float32 accumulation; the 7-bit power-of-two variants round outputs, errors and weight gradients and keep float32 weights. "updates lost": weight values with a non-zero update whose stored value did not change, summed over the steps (for float32 weights only what float32 addition swamps).',
    `12-bit fixed point splits (reconstruction, chosen so that the largest |x| of each role in float32 fits): ${(['mlp', 'cifar10-quick'] as const).map((model) => `${model} weights ${fixedNotation(config.models[model].fixed12.weights)}, outputs ${fixedNotation(config.models[model].fixed12.outputs)}, errors ${fixedNotation(config.models[model].fixed12.errors)}`).join('; ')}. Local scaling: one power-of-two scale per tensor from its max |x|, every step (weights at every write). A power-of-two scale changes a float format's rounding only where values reach the ends of its range, which E6M5 (2^-30..2^32) hardly ever does: for it local scaling has little to change.`,
    'Inputs as in Caffe: MNIST pixels times 1/256; cifar10_quick 0..255 pixels minus the per-channel mean of the training subset (Caffe subtracts the mean image). Initialization: the prototxts\' gaussian fillers (@lowbit/models \'caffe\'), the same seed for every variant.',
    'Fixed point <I,F> here has I + F bits with the sign among the I bits (papers.md: "16-bit fixed <2,14>"); the group\'s code clamps to [-2^I, 2^I - 2^-F], one bit more of range.',
    `8-bit float E2M5 is a reconstruction: ${E2M5_FORMAT.name} (bias 2, no Inf/NaN, saturating at 3.94 as their code did, subnormals below 0.5).`,
  );
  return { config: { ...config }, runs, notes, table: tables.join('\n\n') };
}

export const ortizExperiment: Experiment = {
  name: 'ortiz',
  description: 'Ortiz et al.: 12-bit fixed point SR vs 12-bit float vs local scaling vs 7-bit power of two (MLP, cifar10-quick)',
  run: (context) => runOrtiz(context),
};
