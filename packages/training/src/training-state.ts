/**
 * The whole state of a training run, as one plain-data object for a checkpoint file:
 *
 * - the model's state dict: parameters with their storage formats and stochastic stream
 *   positions, buffers (batch-norm statistics), quantization point states (steps, stream
 *   positions, dynamic offsets), module extra state (dropout streams);
 * - the optimizer's `state()`: buffers as stored bytes, stream positions and the step count
 *   (schedules are evaluated at the step count, so they resume with it);
 * - the precision controller's state (RCT: bits, scales, Gavg windows, histories);
 * - callback states (early stopping), the position (epoch, next batch, step), the epoch's running
 *   sums and the records so far.
 *
 * The data order needs no state: batch b of epoch e is a pure function of (seed, e, b)
 * (data.ts). Seeds are not saved (decision 0009): resume into a model, optimizer and controller
 * built by the same code; the run options that decide the data order are checked.
 */
import type { StateDict } from '@lowbit/nn';
import type { OptimizerCheckpoint } from '@lowbit/optim';
import { CheckpointError, listForMessage } from './errors.js';
import { loadCheckpoint } from './checkpoint/file.js';
import type { EpochAccumulator } from './metrics.js';
import type { EpochRecord, SkippedStep } from './result.js';

export const CHECKPOINT_KIND = 'lowbit-training-checkpoint';

export interface TrainingPosition {
  epoch: number;
  /** Next batch to run in `epoch`. */
  batch: number;
  /** Optimizer steps taken. */
  step: number;
  /** True when the epoch's end (evaluation, record, callbacks) is done: resume at epoch + 1. */
  epochDone: boolean;
}

export interface TrainingCheckpoint {
  kind: typeof CHECKPOINT_KIND;
  /** What decides the data order and the meaning of the state; checked on resume. */
  run: { seed: number; batchSize: number; shuffle: boolean; dropLast: boolean; trainData: { name: string; split: string; length: number }; optimizerKind: string; precision: string | null };
  position: TrainingPosition;
  model: StateDict;
  optimizer: OptimizerCheckpoint;
  precision: unknown;
  callbacks: Record<string, unknown>;
  progress: { epochs: EpochRecord[]; accumulator: EpochAccumulator; skippedSteps: SkippedStep[]; epochSeconds: number };
}

/** Reads a checkpoint file written by fit (or saveCheckpoint with a training state) and checks its kind. */
export function loadTrainingCheckpoint(path: string): TrainingCheckpoint {
  return checkTrainingCheckpoint(loadCheckpoint(path), path);
}

export function checkTrainingCheckpoint(state: unknown, path = ''): TrainingCheckpoint {
  const candidate = state as TrainingCheckpoint;
  if (candidate === null || typeof candidate !== 'object' || candidate.kind !== CHECKPOINT_KIND) {
    throw new CheckpointError(path, 'mismatch', `it holds ${candidate === null || typeof candidate !== 'object' ? typeof candidate : `kind ${JSON.stringify(candidate.kind)}`}, not a training state`, 'Resume from a file written by fit({ checkpoint }) or context.saveCheckpoint');
  }
  for (const field of ['run', 'position', 'model', 'optimizer', 'callbacks', 'progress'] as const) {
    if (candidate[field] === null || typeof candidate[field] !== 'object') throw new CheckpointError(path, 'corrupted', `the training state has no ${field} section`);
  }
  return candidate;
}

/** Differences between a checkpoint's run and this one that would make the resumed run differ. */
export function runDifferences(saved: TrainingCheckpoint['run'], current: TrainingCheckpoint['run']): string[] {
  const differences: string[] = [];
  const compare = (field: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${field}: ${JSON.stringify(a)} in the checkpoint, ${JSON.stringify(b)} now`);
  };
  compare('seed', saved.seed, current.seed);
  compare('batchSize', saved.batchSize, current.batchSize);
  compare('shuffle', saved.shuffle, current.shuffle);
  compare('dropLast', saved.dropLast, current.dropLast);
  compare('trainData', saved.trainData, current.trainData);
  compare('optimizer', saved.optimizerKind, current.optimizerKind);
  compare('precision controller', saved.precision, current.precision);
  return differences;
}

export function checkRun(path: string, saved: TrainingCheckpoint['run'], current: TrainingCheckpoint['run']): void {
  const differences = runDifferences(saved, current);
  if (differences.length > 0) {
    throw new CheckpointError(path, 'mismatch', listForMessage(differences), 'Resume with the options of the run that wrote the checkpoint (epochs may grow)');
  }
}
