/**
 * The bench's training loop: seeded shuffled batches, forward, cross-entropy, backward, optimizer
 * step, test accuracy after every epoch. Kept small and local because @lowbit/training's fit() was
 * still being written when the bench started; the loop follows the same order of operations.
 */
import { noGrad } from '@lowbit/autograd';
import { batchCount, batches, type Dataset, type Normalization } from '@lowbit/datasets';
import { crossEntropy, type Module } from '@lowbit/nn';
import type { OptimizerDefinition } from '@lowbit/optim';
import { argmax } from '@lowbit/tensor';
import { relieveMemoryPressure } from './memory-pressure.js';
import type { Progress } from './progress.js';
import type { CurvePoint } from './results/types.js';

export interface TrainOptions {
  label: string;
  model: Module;
  optimizer: OptimizerDefinition;
  train: Dataset;
  test: Dataset;
  epochs: number;
  batchSize: number;
  seed: number;
  normalization?: Normalization;
  progress: Progress;
  /** Loss points per epoch in the curve (the mean loss of each slice of steps). Default 10. */
  lossPointsPerEpoch?: number;
}

export interface TrainOutcome {
  testAccuracy: number;
  curve: CurvePoint[];
  wallSeconds: number;
  steps: number;
  optimizerStateBytes: number;
  finalTrainLoss: number;
  nonFiniteLosses: number;
}

export async function evaluateAccuracy(options: { model: Module; dataset: Dataset; batchSize: number; normalization?: Normalization }): Promise<number> {
  const { model, dataset } = options;
  model.eval();
  let correct = 0;
  for (const { images, labels } of batches(dataset, { batchSize: options.batchSize, normalization: options.normalization })) {
    const predictions = noGrad(() => argmax(model.forward(images).value, { axis: 1 }).toArray());
    const truth = labels.toArray();
    for (let i = 0; i < truth.length; i++) if (predictions[i] === truth[i]) correct++;
    await relieveMemoryPressure();
  }
  model.train();
  return correct / dataset.length;
}

export async function trainClassifier(options: TrainOptions): Promise<TrainOutcome> {
  const { model, train, test, epochs, batchSize, seed, normalization, progress } = options;
  const optimizer = options.optimizer.create(model.namedParameters());
  const stepsPerEpoch = batchCount(train, { batchSize });
  const lossPoints = Math.max(1, Math.min(stepsPerEpoch, options.lossPointsPerEpoch ?? 10));
  const curve: CurvePoint[] = [];
  const started = performance.now();
  const task = progress.start(options.label, epochs * stepsPerEpoch);
  let step = 0;
  let nonFiniteLosses = 0;
  let finalTrainLoss = NaN;
  model.train();
  for (let epoch = 0; epoch < epochs; epoch++) {
    let sliceLoss = 0;
    let sliceCount = 0;
    let indexInEpoch = 0;
    for (const { images, labels } of batches(train, { batchSize, shuffle: true, seed, epoch, normalization })) {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(images), labels);
      loss.backward();
      optimizer.step();
      const value = loss.item();
      if (!Number.isFinite(value)) nonFiniteLosses++;
      sliceLoss += value;
      sliceCount++;
      step++;
      indexInEpoch++;
      const sliceEnds = Math.floor((indexInEpoch * lossPoints) / stepsPerEpoch) !== Math.floor(((indexInEpoch - 1) * lossPoints) / stepsPerEpoch);
      if (sliceEnds || indexInEpoch === stepsPerEpoch) {
        finalTrainLoss = sliceLoss / sliceCount;
        curve.push({ epoch: epoch + indexInEpoch / stepsPerEpoch, step, trainLoss: finalTrainLoss, testAccuracy: null });
        sliceLoss = 0;
        sliceCount = 0;
      }
      task.update(step, `loss ${value.toFixed(3)}`);
      await relieveMemoryPressure();
    }
    // Test accuracy after every epoch goes on the epoch's last curve point.
    curve[curve.length - 1].testAccuracy = await evaluateAccuracy({ model, dataset: test, batchSize: Math.max(batchSize, 256), normalization });
  }
  task.stop();
  const testAccuracy = curve[curve.length - 1]?.testAccuracy ?? (await evaluateAccuracy({ model, dataset: test, batchSize, normalization }));
  return {
    testAccuracy,
    curve,
    wallSeconds: (performance.now() - started) / 1000,
    steps: step,
    optimizerStateBytes: optimizer.stateBytes(),
    finalTrainLoss,
    nonFiniteLosses,
  };
}
