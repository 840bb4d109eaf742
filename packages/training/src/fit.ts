/**
 * fit: epochs of batches through a model, a loss and an optimizer, with callbacks, metrics,
 * checkpoints, a non-finite policy and an optional precision controller.
 *
 * Determinism: nothing here draws random numbers. The data order and augmentation are pure
 * functions of (seed, epoch, sample index) (@lowbit/datasets), layers and optimizers draw
 * stochastic rounding from their own counter streams (decision 0006), and the kernels give the
 * same bits for any thread count (decision 0007). So the same code and seed give bit-identical
 * weights, and a run resumed from a checkpoint continues exactly as if never interrupted.
 */
import type { Optimizer } from '@lowbit/optim';
import type { TrainingContext } from './callbacks.js';
import { EpochPlan, yieldToEventLoop } from './data.js';
import { CheckpointError } from './errors.js';
import { evaluate, resolveBackend } from './evaluate.js';
import { modelBackends } from './allocations.js';
import { resolveFitOptions, runConfig, type FitOptions, type ResolvedFit } from './fit-options.js';
import { newAccumulator, optimizerTotals, quantizationTotals, type EpochAccumulator } from './metrics.js';
import { curvesOf, type EpochRecord, type FitResult, type SkippedStep } from './result.js';
import { trainStep } from './step.js';
import { CHECKPOINT_KIND, checkRun, checkTrainingCheckpoint, loadTrainingCheckpoint, type TrainingCheckpoint, type TrainingPosition } from './training-state.js';
import { saveCheckpoint } from './checkpoint/file.js';

interface RunState {
  position: TrainingPosition;
  epochs: EpochRecord[];
  accumulator: EpochAccumulator;
  skippedSteps: SkippedStep[];
  /** Seconds spent in the current epoch before this process (resumed runs). */
  epochSeconds: number;
  stopReason: string | undefined;
}

function runIdentity(run: ResolvedFit): TrainingCheckpoint['run'] {
  return {
    seed: run.seed,
    batchSize: run.batchSize,
    shuffle: run.shuffle,
    dropLast: run.dropLast,
    trainData: { name: run.trainData.name, split: run.trainData.split, length: run.trainData.length },
    optimizerKind: run.optimizer.kind,
    precision: run.precision?.kind ?? null,
  };
}

function capture(run: ResolvedFit, optimizer: Optimizer, state: RunState, epochStart: number): TrainingCheckpoint {
  const seconds = state.position.epochDone ? 0 : (performance.now() - epochStart) / 1000;
  const callbacks: Record<string, unknown> = {};
  run.callbacks.forEach((callback, i) => {
    if (callback.state !== undefined) callbacks[callback.name ?? String(i)] = callback.state();
  });
  return {
    kind: CHECKPOINT_KIND,
    run: runIdentity(run),
    position: { ...state.position },
    model: run.model.stateDict(),
    optimizer: optimizer.state(),
    precision: run.precision?.state() ?? null,
    callbacks,
    progress: { epochs: structuredClone(state.epochs), accumulator: structuredClone(state.accumulator), skippedSteps: structuredClone(state.skippedSteps), epochSeconds: seconds },
  };
}

function restore(run: ResolvedFit, optimizer: Optimizer, state: RunState): void {
  const source = run.resumeFrom!;
  const path = typeof source === 'string' ? source : '';
  const checkpoint = typeof source === 'string' ? loadTrainingCheckpoint(source) : checkTrainingCheckpoint(source);
  checkRun(path, checkpoint.run, runIdentity(run));
  const wrap = (section: string, load: () => void) => {
    try {
      load();
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(path, 'mismatch', `the ${section} state does not fit: ${(error as Error).message}`, 'Resume into a model, optimizer and controller built by the same code as the run that wrote it');
    }
  };
  // The controller first: it sets the storage formats the model's state dict is checked against.
  if (run.precision !== undefined) wrap('precision controller', () => run.precision!.loadState(checkpoint.precision, run.model));
  wrap('model', () => run.model.loadStateDict(checkpoint.model));
  wrap('optimizer', () => optimizer.loadState(checkpoint.optimizer));
  run.callbacks.forEach((callback, i) => {
    const saved = checkpoint.callbacks[callback.name ?? String(i)];
    if (saved !== undefined && callback.loadState !== undefined) wrap(`callback ${callback.name ?? i}`, () => callback.loadState!(saved));
  });
  state.position = { ...checkpoint.position };
  state.epochs = structuredClone(checkpoint.progress.epochs);
  state.accumulator = structuredClone(checkpoint.progress.accumulator);
  state.skippedSteps = structuredClone(checkpoint.progress.skippedSteps);
  state.epochSeconds = checkpoint.progress.epochSeconds;
}

export async function fit(options: FitOptions): Promise<FitResult> {
  const started = performance.now();
  const run = resolveFitOptions(options);
  const { model } = run;
  run.precision?.attach(model);
  const optimizer = run.optimizer.create(model.namedParameters());
  const config = runConfig(run);
  const state: RunState = { position: { epoch: 0, batch: 0, step: 0, epochDone: false }, epochs: [], accumulator: newAccumulator(), skippedSteps: [], epochSeconds: 0, stopReason: undefined };
  if (run.resumeFrom !== undefined) restore(run, optimizer, state);
  if (state.position.epochDone) state.position = { epoch: state.position.epoch + 1, batch: 0, step: state.position.step, epochDone: false };

  /** The record of an epoch cut short: in the result, not in checkpoints (the epoch is not done). */
  let partialRecord: EpochRecord | undefined;
  let epochStart = performance.now() - state.epochSeconds * 1000;
  const context: TrainingContext = {
    model,
    optimizer,
    epochs: run.epochs,
    get epoch() {
      return state.position.epoch;
    },
    get batch() {
      return state.position.batch;
    },
    get batchesPerEpoch() {
      return run.dropLast ? Math.floor(run.trainData.length / run.batchSize) : Math.ceil(run.trainData.length / run.batchSize);
    },
    get step() {
      return state.position.step;
    },
    get history() {
      return state.epochs;
    },
    stop(reason) {
      state.stopReason = String(reason);
    },
    saveCheckpoint(path) {
      saveCheckpoint(path, capture(run, optimizer, state, epochStart));
    },
  };
  function planOptions(epoch: number) {
    return { batchSize: run.batchSize, shuffle: run.shuffle, seed: run.seed, epoch, dropLast: run.dropLast, normalization: run.normalization, augmentation: run.augmentation, backend: run.backend };
  }
  const call = async (hook: 'onTrainStart' | 'onEpochStart' | 'onBatchStart' | 'onTrainEnd') => {
    for (const callback of run.callbacks) await callback[hook]?.(context);
  };

  const finishEpoch = async (partial: boolean) => {
    const accumulator = state.accumulator;
    const record: EpochRecord = {
      epoch: state.position.epoch,
      steps: accumulator.steps,
      skippedSteps: accumulator.skipped,
      trainLoss: accumulator.samples === 0 ? NaN : accumulator.lossSum / accumulator.samples,
      trainAccuracy: accumulator.samples === 0 ? NaN : accumulator.correct / accumulator.samples,
      seconds: 0,
    };
    if (run.testData !== undefined) {
      const test = evaluate({ model, data: run.testData, loss: run.loss, batchSize: run.evaluationBatchSize, normalization: run.normalization, backend: run.backend });
      record.testLoss = test.loss;
      record.testAccuracy = test.accuracy;
    }
    if (run.metrics.quantization) record.quantization = quantizationTotals(accumulator);
    if (run.metrics.optimizer) record.optimizer = optimizerTotals(accumulator);
    if (run.precision !== undefined) record.bits = run.precision.bits();
    record.seconds = (performance.now() - epochStart) / 1000;
    if (partial) {
      record.partial = true;
      partialRecord = record;
    } else {
      state.epochs.push(record);
      state.position.epochDone = true;
    }
    for (const callback of run.callbacks) await callback.onEpochEnd?.(context, record);
  };

  const backends = modelBackends(model, resolveBackend(run.backend));
  await call('onTrainStart');
  model.train();
  while (state.position.epoch < run.epochs && state.stopReason === undefined) {
    const plan = new EpochPlan(run.trainData, planOptions(state.position.epoch));
    if (state.position.batch === 0) {
      state.accumulator = newAccumulator();
      epochStart = performance.now();
      await call('onEpochStart');
    }
    while (state.position.batch < plan.batchCount && state.stopReason === undefined) {
      await yieldToEventLoop();
      await call('onBatchStart');
      const outcome = trainStep(run, optimizer, plan, state.position, state.accumulator, state.skippedSteps, backends);
      state.position.batch++;
      if (!outcome.skipped) state.position.step++;
      const end = { epoch: state.position.epoch, batch: state.position.batch - 1, step: state.position.step, loss: outcome.loss, correct: outcome.correct, size: outcome.size, skipped: outcome.skipped };
      for (const callback of run.callbacks) await callback.onBatchEnd?.(context, end);
      if (run.checkpoint !== undefined && run.checkpoint.everySteps > 0 && !outcome.skipped && state.position.step % run.checkpoint.everySteps === 0) context.saveCheckpoint(run.checkpoint.path);
      if (state.position.step >= run.maxSteps && state.stopReason === undefined) state.stopReason = `maxSteps (${run.maxSteps}) reached`;
    }
    const partial = state.position.batch < plan.batchCount;
    await finishEpoch(partial);
    if (!partial && run.checkpoint !== undefined && run.checkpoint.everyEpochs > 0 && (state.position.epoch + 1) % run.checkpoint.everyEpochs === 0) context.saveCheckpoint(run.checkpoint.path);
    if (!partial) state.position = { epoch: state.position.epoch + 1, batch: 0, step: state.position.step, epochDone: false };
  }
  await call('onTrainEnd');
  const epochs = partialRecord === undefined ? state.epochs : [...state.epochs, partialRecord];
  return {
    epochs,
    curves: curvesOf(epochs),
    steps: state.position.step,
    skippedSteps: state.skippedSteps,
    stopped: state.stopReason,
    precision: run.precision?.report(),
    seconds: (performance.now() - started) / 1000,
    config,
  };
}
