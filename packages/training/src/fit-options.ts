/** The options of `fit`, checked at the boundary: every mistake fails before the first batch. */
import { ArgumentError, type CreationOptions } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import type { OptimizerDefinition } from '@lowbit/optim';
import type { Augmentation, Dataset, Normalization } from '@lowbit/datasets';
import type { Callback } from './callbacks.js';
import { checkDatasetLike, checkLoss, checkModel, checkPositiveInteger, type LossFunction } from './evaluate.js';
import { isPrecisionController, type PrecisionController } from './precision/controller.js';
import type { TrainingCheckpoint } from './training-state.js';

export interface CheckpointOptions {
  /** The checkpoint file (replaced atomically at each save). */
  path: string;
  /** Save after every n epochs. Default 1 (when everySteps is not given). */
  everyEpochs?: number;
  /** Save after every n optimizer steps. */
  everySteps?: number;
}

export interface MetricsOptions {
  /** Per-quantization-point statistics summed per epoch. Default true. */
  quantization?: boolean;
  /** Optimizer statistics summed per epoch (lost updates, Gavg, flips). Default true. */
  optimizer?: boolean;
}

export interface FitOptions {
  model: Module;
  trainData: Dataset;
  /** Evaluated after every epoch (loss, top-1 accuracy), in evaluation mode. */
  testData?: Dataset;
  /** loss(output, labels) -> mean over the batch. Default crossEntropy. */
  loss?: LossFunction;
  /** An optimizer definition (sgd, adam, bop, routeBy(...)): fit binds it to model.namedParameters(). */
  optimizer: OptimizerDefinition;
  epochs: number;
  batchSize: number;
  /** Seeds the shuffle and the augmentation (per epoch, per sample). Default 0. */
  seed?: number;
  /** Default true. */
  shuffle?: boolean;
  /** Leave out a smaller last batch. Default false. */
  dropLast?: boolean;
  /** Default: bytes scaled to [0, 1]; applied to testData too. */
  normalization?: Normalization;
  /** Training data only. */
  augmentation?: Augmentation;
  /** Batch size of the test evaluation. Default 256. */
  evaluationBatchSize?: number;
  callbacks?: readonly Callback[];
  /** What a non-finite loss or gradient does: 'stop' (default) throws a NonFiniteError; 'skip' skips the step and counts it. */
  nonFinite?: 'stop' | 'skip';
  metrics?: MetricsOptions;
  /** A precision controller (rctController) that owns some parameters' formats. */
  precision?: PrecisionController;
  checkpoint?: CheckpointOptions;
  /** Continue from a checkpoint file or its loaded state, into a model and options built the same way. */
  resumeFrom?: string | TrainingCheckpoint;
  /** End the run after this many optimizer steps in total (quick runs, tests). */
  maxSteps?: number;
  /** Where batches go. Default: the current backend. */
  backend?: CreationOptions['backend'];
}

export interface ResolvedFit {
  model: Module;
  trainData: Dataset;
  testData: Dataset | undefined;
  loss: LossFunction;
  optimizer: OptimizerDefinition;
  epochs: number;
  batchSize: number;
  seed: number;
  shuffle: boolean;
  dropLast: boolean;
  normalization: Normalization | undefined;
  augmentation: Augmentation | undefined;
  evaluationBatchSize: number;
  callbacks: readonly Callback[];
  nonFinite: 'stop' | 'skip';
  metrics: Required<MetricsOptions>;
  precision: PrecisionController | undefined;
  checkpoint: { path: string; everyEpochs: number; everySteps: number } | undefined;
  resumeFrom: string | TrainingCheckpoint | undefined;
  maxSteps: number;
  backend: CreationOptions['backend'];
}

const OP = 'fit';

function checkBoolean(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(OP, field, value, 'true or false');
  return value;
}

export function resolveFitOptions(options: FitOptions): ResolvedFit {
  if (options === null || typeof options !== 'object') throw new ArgumentError(OP, 'options', options, '{ model, trainData, optimizer, epochs, batchSize, ... }');
  const model = checkModel(OP, options.model);
  const trainData = checkDatasetLike(OP, 'trainData', options.trainData);
  const testData = options.testData === undefined ? undefined : checkDatasetLike(OP, 'testData', options.testData);
  const optimizer = options.optimizer;
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.create !== 'function') {
    throw new ArgumentError(OP, 'optimizer', optimizer, 'an optimizer definition of @lowbit/optim (sgd({...}), adam({...}), routeBy({...}))', 'pass the definition, not a created optimizer: fit binds it to the model parameters');
  }
  const epochs = checkPositiveInteger(OP, 'epochs', options.epochs);
  const batchSize = checkPositiveInteger(OP, 'batchSize', options.batchSize);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(OP, 'seed', seed, 'a non-negative safe integer');
  const dropLast = checkBoolean('dropLast', options.dropLast, false);
  if (dropLast && trainData.length < batchSize) throw new ArgumentError(OP, 'batchSize', batchSize, `at most ${trainData.length} (the training set) with dropLast`, 'with dropLast no batch would remain');
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks) || callbacks.some((callback) => callback === null || typeof callback !== 'object')) throw new ArgumentError(OP, 'callbacks', callbacks, 'an array of callback objects ({ onEpochEnd?, onBatchEnd?, ... })');
  const names = callbacks.map((callback, i) => callback.name ?? String(i));
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new ArgumentError(OP, 'callbacks', repeated, 'callbacks with distinct names', 'callback states are saved by name in checkpoints');
  const nonFinite = options.nonFinite ?? 'stop';
  if (nonFinite !== 'stop' && nonFinite !== 'skip') throw new ArgumentError(OP, 'nonFinite', nonFinite, "'stop' or 'skip'");
  const metrics = options.metrics ?? {};
  if (metrics === null || typeof metrics !== 'object') throw new ArgumentError(OP, 'metrics', metrics, '{ quantization?, optimizer? }');
  if (options.precision !== undefined && !isPrecisionController(options.precision)) throw new ArgumentError(OP, 'precision', options.precision, 'a precision controller (rctController({...}))');
  let checkpoint: ResolvedFit['checkpoint'];
  if (options.checkpoint !== undefined) {
    const given = options.checkpoint;
    if (given === null || typeof given !== 'object' || typeof given.path !== 'string' || given.path === '') throw new ArgumentError(OP, 'checkpoint', given, '{ path, everyEpochs?, everySteps? }');
    const everySteps = given.everySteps === undefined ? 0 : checkPositiveInteger(OP, 'checkpoint.everySteps', given.everySteps);
    const everyEpochs = given.everyEpochs === undefined ? (everySteps > 0 ? 0 : 1) : checkPositiveInteger(OP, 'checkpoint.everyEpochs', given.everyEpochs);
    checkpoint = { path: given.path, everyEpochs, everySteps };
  }
  const resumeFrom = options.resumeFrom;
  if (resumeFrom !== undefined && typeof resumeFrom !== 'string' && (resumeFrom === null || typeof resumeFrom !== 'object')) {
    throw new ArgumentError(OP, 'resumeFrom', resumeFrom, 'a checkpoint path or what loadTrainingCheckpoint returned');
  }
  return {
    model,
    trainData,
    testData,
    loss: checkLoss(OP, options.loss),
    optimizer,
    epochs,
    batchSize,
    seed,
    shuffle: checkBoolean('shuffle', options.shuffle, true),
    dropLast,
    normalization: options.normalization,
    augmentation: options.augmentation,
    evaluationBatchSize: checkPositiveInteger(OP, 'evaluationBatchSize', options.evaluationBatchSize ?? 256),
    callbacks,
    nonFinite,
    metrics: { quantization: checkBoolean('metrics.quantization', metrics.quantization, true), optimizer: checkBoolean('metrics.optimizer', metrics.optimizer, true) },
    precision: options.precision,
    checkpoint,
    resumeFrom,
    maxSteps: options.maxSteps === undefined ? Infinity : checkPositiveInteger(OP, 'maxSteps', options.maxSteps),
    backend: options.backend,
  };
}

/** The run's configuration as plain data, for results and for checking a resume. */
export function runConfig(run: ResolvedFit): Record<string, unknown> {
  const describe = (data: Dataset | undefined) => (data === undefined ? undefined : { name: data.name, split: data.split, length: data.length, sampleShape: [...data.sampleShape] });
  return {
    optimizer: run.optimizer.config,
    optimizerKind: run.optimizer.kind,
    epochs: run.epochs,
    batchSize: run.batchSize,
    seed: run.seed,
    shuffle: run.shuffle,
    dropLast: run.dropLast,
    normalization: run.normalization ?? null,
    augmentation: run.augmentation ?? null,
    nonFinite: run.nonFinite,
    precision: run.precision?.config ?? null,
    trainData: describe(run.trainData),
    testData: describe(run.testData) ?? null,
    parameters: run.model.namedParameters().map(([name, parameter]) => ({ name, shape: [...parameter.shape], format: parameter.format?.name ?? 'float32' })),
  };
}
