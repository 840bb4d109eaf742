/**
 * `pietrolaj`: Pietrołaj & Blok, "Resource constrained neural network training" (papers.md section
 * 1). LeNet-5 on MNIST, AlexNet and ResNet-18 (CIFAR-10 variants) trained in float32 and with
 * 8-bit floats on every tensor role (weights, layer inputs, errors, weight gradients; float32
 * master weights), one technique changed per variant: the exponent/mantissa split, the
 * asymmetric (static, shifted) exponent bias, the dynamic exponent offset per quantization point,
 * saturation vs Inf on overflow, subnormals vs flush to zero, nearest-even vs stochastic rounding.
 * Output: an accuracy delta table per model against its float32 run, with skipped non-finite
 * steps, overflow and flush fractions by role, and wall time.
 */
import type { QuantizationPlan } from '@lowbit/nn';
import { alexnet, lenet5, resnet18 } from '@lowbit/models';
import { sgd } from '@lowbit/optim';
import type { RunResult } from '../results/types.js';
import { describeData, loadImageData, type ImageData } from '../training/data.js';
import { trainRun } from '../training/train-run.js';
import { calibrateRoleMaxima } from './pietrolaj/calibration.js';
import { checkConfig, modelEpochs, pietrolajConfig, pietrolajSmokeConfig, type PietrolajConfig, type PietrolajModelConfig, type PietrolajModelName } from './pietrolaj/config.js';
import { deltaPercentagePoints, deltaTable, roleRangeTotals, type DeltaRow } from './pietrolaj/report.js';
import { FLOAT32_VARIANT, FP8_VARIANTS, findVariant, roleFormats, TENSOR_ROLES, variantSetup, type TensorRole } from './pietrolaj/variants.js';
import { sizedConfig, type Experiment, type ExperimentContext, type ExperimentOutcome } from './types.js';

export { pietrolajConfig, pietrolajPaperConfig, pietrolajSmokeConfig, type PietrolajConfig } from './pietrolaj/config.js';

const MODEL_TITLES: Record<PietrolajModelName, string> = { lenet5: 'LeNet-5', alexnet: 'AlexNet (CIFAR-10 variant)', resnet18: 'ResNet-18 (CIFAR-10 variant, CIFAR stem)' };

function buildModel(name: PietrolajModelName, seed: number, quantization: QuantizationPlan | undefined) {
  if (name === 'lenet5') return lenet5({ seed, quantization });
  if (name === 'alexnet') return alexnet({ seed, quantization });
  return resnet18({ seed, quantization });
}

async function loadModelData(model: PietrolajModelConfig, context: ExperimentContext): Promise<ImageData> {
  const common = { trainSamples: model.trainSamples, testSamples: model.testSamples, seed: context.seed };
  if (model.dataset === 'mnist') return loadImageData({ dataset: 'mnist', ...common });
  return loadImageData({ dataset: 'cifar10', ...common, cifar10Directory: context.cifar10Directory, fallback: 'fashion-mnist', padTo32: true });
}

interface ModelOutcome {
  runs: RunResult[];
  table: string;
  notes: string[];
}

async function runModel(model: PietrolajModelConfig, config: PietrolajConfig, context: ExperimentContext): Promise<ModelOutcome> {
  const epochs = modelEpochs(model, config, context.epochs);
  const data = await loadModelData(model, context);
  const notes: string[] = [];
  if (data.substitute !== undefined) notes.push(`${MODEL_TITLES[model.model]}: ${data.substitute}`);
  // One calibration per model, shared by its static-bias variants (same seed: the same initial weights).
  let calibration: Record<TensorRole, number> | undefined;
  if (model.variants.some((name) => name !== FLOAT32_VARIANT && findVariant(name).range === 'static-bias')) {
    calibration = await calibrateRoleMaxima({ build: (plan) => buildModel(model.model, context.seed, plan), data, batchSize: model.batchSize, batches: model.calibrationBatches, seed: context.seed });
    notes.push(`${MODEL_TITLES[model.model]}: static-bias calibration over ${model.calibrationBatches} float32 batch(es) of the untrained model, max |x| by role: ${TENSOR_ROLES.map((role) => `${role} ${calibration![role].toPrecision(3)}`).join(', ')}`);
  }
  const runs: RunResult[] = [];
  const rows: DeltaRow[] = [];
  // One run after the other: the runs share the cores, and their wall times are compared.
  for (const name of model.variants) {
    const setup = variantSetup(name, { margin: config.margin, offsetEvery: model.offsetEvery, histograms: model.histograms, seed: context.seed, calibration });
    const { run, fit } = await trainRun({
      name: `${model.model}/${name}`,
      description: setup.description,
      formats: setup.formats,
      // Same model seed for every variant: the runs differ only in their formats.
      model: buildModel(model.model, context.seed, setup.plan),
      optimizer: sgd({ learningRate: model.learningRate, momentum: model.momentum }),
      data,
      epochs,
      batchSize: model.batchSize,
      seed: context.seed,
      progress: context.progress,
    });
    const range = setup.plan === undefined ? undefined : roleRangeTotals(fit.epochs);
    const staticBias = name !== FLOAT32_VARIANT && findVariant(name).range === 'static-bias' ? staticBiasStatistics(name, config.margin, calibration!) : undefined;
    run.statistics = { ...run.statistics, model: model.model, variant: name, ...(range === undefined ? {} : { rangeByRole: range }), ...(staticBias === undefined ? {} : { staticBias }) };
    runs.push(run);
    rows.push({ variant: name, formats: setup.formats, testAccuracy: run.testAccuracy, skippedSteps: fit.skippedSteps.length, range, wallSeconds: run.wallSeconds });
  }
  // The delta per run as data too (the report's per-model chart), against this model's float32 run.
  const baseline = runs.find((run) => run.statistics.variant === FLOAT32_VARIANT)!;
  for (const run of runs) run.statistics.deltaVsFloat32PercentagePoints = deltaPercentagePoints(run.testAccuracy, baseline.testAccuracy);
  const heading = `${MODEL_TITLES[model.model]} on ${describeData(data)}, ${epochs} epoch(s), batch ${model.batchSize}, SGD lr ${model.learningRate} momentum ${model.momentum}`;
  notes.unshift(heading);
  return { runs, notes, table: `${heading}\n${deltaTable(rows)}` };
}

/** The calibrated max |x| and fitted bias per role, recorded with a static-bias run. */
function staticBiasStatistics(name: string, margin: number, calibration: Record<TensorRole, number>) {
  const formats = roleFormats(findVariant(name), margin, calibration);
  return Object.fromEntries(TENSOR_ROLES.map((role) => [role, { calibratedMaxAbs: calibration[role], bias: formats[role].spec.kind === 'float' ? formats[role].spec.bias : null, format: formats[role].name }]));
}

export async function runPietrolaj(context: ExperimentContext, given?: PietrolajConfig): Promise<ExperimentOutcome> {
  const config = sizedConfig(context, given ?? (context.quick ? pietrolajSmokeConfig : pietrolajConfig));
  checkConfig(config);
  const runs: RunResult[] = [];
  const tables: string[] = [];
  const notes: string[] = [];
  for (const model of config.models) {
    const outcome = await runModel(model, config, context);
    runs.push(...outcome.runs);
    tables.push(outcome.table);
    notes.push(...outcome.notes);
  }
  notes.push(
    'Every 8-bit variant rounds all four tensor roles (weights W, layer inputs A, errors E, weight gradients G) of every convolution and dense layer, the first and last included; weights keep a float32 master copy that the optimizer updates. Batch norm, pooling, ReLU, the residual additions and the loss run in float32 between the rounded GEMM operands.',
    'Format names are @lowbit/formats names: float8_e5m2 / float8_e4m3 / float8_e3m4 are the IEEE-style 8-bit floats with Inf/NaN codes (ml_dtypes), "_saturate" clamps overflow to the largest finite value, "_b<N>" is a shifted bias (asymmetric exponent), "_nosub" flushes subnormals. With a dynamic offset the name is the format at offset 0; the point multiplies by 2^offset before rounding.',
    `Variant matrix: ${config.models.map((model) => `${MODEL_TITLES[model.model]}: ${model.variants.join(', ')}`).join('; ')}.`,
    context.quick
      ? '--quick smoke size: a few hundred images, accuracies are not meaningful.'
      : `Reduced-size run so that it fits about an hour on two shared cores: ${config.models.map((model) => `${MODEL_TITLES[model.model]} ${model.trainSamples} training images x ${modelEpochs(model, config, context.epochs)} epoch(s)`).join(', ')}. These are early-training accuracies, not the paper's converged ones, and differences of about a point are within seed noise at this size. Longer: --epochs N (every model). The paper size (full training sets, every variant on every model, 20 epochs) is pietrolajPaperConfig in apps/bench/src/experiments/pietrolaj/config.ts, days of CPU time with the wasm backend.`,
  );
  const usedVariants = new Set(config.models.flatMap((model) => model.variants));
  return {
    config: {
      ...config,
      models: config.models.map((model) => ({ ...model, epochs: modelEpochs(model, config, context.epochs) })),
      variantDefinitions: FP8_VARIANTS.filter((variant) => usedVariants.has(variant.name)),
      masterWeights: 'float32',
      backend: context.backend,
    },
    runs,
    notes,
    table: tables.join('\n\n'),
  };
}

export const pietrolajExperiment: Experiment = {
  name: 'pietrolaj',
  description: 'Pietrołaj & Blok: LeNet-5, AlexNet, ResNet-18 in float32 vs 8-bit float variants (splits, offsets, rounding, overflow)',
  run: (context) => runPietrolaj(context),
};
