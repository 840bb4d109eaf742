/**
 * One training run of an experiment, through @lowbit/training's `fit` (the same loop users get):
 * progress with ETA, a loss curve with a few points per epoch and the test accuracy after each
 * epoch, the measured memory (stored bits of every tensor, against float32 and QAT) and the
 * GEMM/movement energy model, turned into the RunResult of the results file.
 */
import type { Module } from '@lowbit/nn';
import type { OptimizerDefinition } from '@lowbit/optim';
import type { Augmentation } from '@lowbit/datasets';
import { energyReport, fit, memoryReport, type Callback, type EnergyReport, type FitResult, type MemoryReport, type PrecisionController, type RctReport } from '@lowbit/training';
import { pointHistograms } from '../measurements.js';
import { relieveMemoryPressure } from '../memory-pressure.js';
import type { Progress } from '../progress.js';
import type { CurvePoint, RunResult } from '../results/types.js';
import type { ImageData } from './data.js';

export interface TrainRunOptions {
  name: string;
  description: string;
  /** Format names by role, recorded in the results ('weights', 'activations', 'errors', 'weightGradients', 'master', 'momentum', ...). */
  formats: Record<string, string>;
  model: Module;
  optimizer: OptimizerDefinition;
  data: ImageData;
  epochs: number;
  batchSize: number;
  seed: number;
  progress: Progress;
  precision?: PrecisionController;
  augmentation?: Augmentation;
  /** Extra callbacks (e.g. a per-step metric recorder). */
  callbacks?: readonly Callback[];
  /** Loss points per epoch in the curve. Default 10. */
  lossPointsPerEpoch?: number;
  /** What a non-finite loss does. Default 'skip' (counted in statistics): a diverging format is a result, not a crash. */
  nonFinite?: 'stop' | 'skip';
}

export interface TrainRunOutcome {
  run: RunResult;
  fit: FitResult;
  /** The full reports behind run.statistics.memory and .energy (per layer and parameter rows included). */
  memory: MemoryReport;
  energy: EnergyReport;
}

/** A callback that drives a progress bar and samples the loss curve. */
function curveRecorder(options: { label: string; progress: Progress; totalSteps: number; stepsPerEpoch: number; pointsPerEpoch: number }): Callback & { curve: CurvePoint[] } {
  const curve: CurvePoint[] = [];
  const task = options.progress.start(options.label, options.totalSteps);
  let sum = 0;
  let count = 0;
  let done = 0;
  return {
    name: 'bench-curve',
    curve,
    async onBatchEnd(_context, batch) {
      done++;
      if (Number.isFinite(batch.loss)) {
        sum += batch.loss;
        count++;
      }
      const index = batch.batch + 1;
      const slice = (i: number) => Math.floor((i * options.pointsPerEpoch) / options.stepsPerEpoch);
      if (slice(index) !== slice(index - 1) || index === options.stepsPerEpoch) {
        curve.push({ epoch: batch.epoch + index / options.stepsPerEpoch, step: done, trainLoss: count > 0 ? sum / count : null, testAccuracy: null });
        sum = 0;
        count = 0;
      }
      task.update(done, `loss ${batch.loss.toFixed(3)}`);
      await relieveMemoryPressure();
    },
    onEpochEnd(_context, record) {
      const last = curve.at(-1);
      if (last !== undefined && record.testAccuracy !== undefined) last.testAccuracy = record.testAccuracy;
    },
    onTrainEnd() {
      task.stop();
    },
  };
}

export async function trainRun(options: TrainRunOptions): Promise<TrainRunOutcome> {
  const { model, optimizer, data, batchSize, epochs, seed } = options;
  const stepsPerEpoch = Math.ceil(data.train.length / batchSize);
  const recorder = curveRecorder({ label: options.name, progress: options.progress, totalSteps: epochs * stepsPerEpoch, stepsPerEpoch, pointsPerEpoch: Math.max(1, Math.min(stepsPerEpoch, options.lossPointsPerEpoch ?? 10)) });
  const result = await fit({
    model,
    trainData: data.train,
    testData: data.test,
    optimizer,
    epochs,
    batchSize,
    seed,
    normalization: data.normalization,
    augmentation: options.augmentation,
    precision: options.precision,
    nonFinite: options.nonFinite ?? 'skip',
    callbacks: [recorder, ...(options.callbacks ?? [])],
  });
  const rct = result.precision as RctReport | undefined;
  const meanBits = rct === undefined ? undefined : Object.fromEntries(rct.layers.map((layer) => [layer.parameter, layer.meanBits]));
  const memory = memoryReport(model, optimizer, { batchSize, inputShape: data.inputShape });
  const energy = energyReport(model, { batchSize, inputShape: data.inputShape, steps: result.steps, optimizer, weightBits: meanBits });
  const run: RunResult = {
    name: options.name,
    formats: options.formats,
    seed,
    testAccuracy: result.curves.testAccuracy.at(-1) ?? NaN,
    epochs,
    wallSeconds: result.seconds,
    memoryBytes: memory.totals.total,
    curves: { steps: recorder.curve },
    statistics: {
      description: options.description,
      dataset: data.label,
      trainSamples: data.train.length,
      testSamples: data.test.length,
      steps: result.steps,
      skippedSteps: result.skippedSteps.length,
      finalTrainLoss: result.epochs.at(-1)?.trainLoss ?? NaN,
      epochs: result.epochs.map(({ quantization: _quantization, ...record }) => record),
      memory: { totals: memory.totals, float32: memory.float32, qat: memory.qat, savings: memory.savings },
      energy: { run: energy.run, float32: energy.float32, qat: energy.qat, savings: energy.savings },
      ...(rct === undefined ? {} : { precision: rct }),
    },
    histograms: pointHistograms(model, options.formats),
  };
  return { run, fit: result, memory, energy };
}
