/**
 * Callbacks: code that runs at the start and end of epochs and batches, for progress, logging,
 * early stopping or custom checkpoints. Callbacks observe; they change the run only through
 * `context.stop()` (the run ends after the current batch or epoch) and
 * `context.saveCheckpoint(path)`. A callback with state (early stopping's best value and
 * patience counter) returns it from `state()` and takes it back in `loadState()`, so a resumed
 * run stops exactly where the uninterrupted run would.
 */
import { ArgumentError } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import type { Optimizer } from '@lowbit/optim';
import type { EpochRecord } from './result.js';

export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** Epoch of the current or last batch (0-based). */
  readonly epoch: number;
  readonly epochs: number;
  /** Batch index within the epoch. */
  readonly batch: number;
  readonly batchesPerEpoch: number;
  /** Optimizer steps taken (skipped steps not included). */
  readonly step: number;
  /** Epoch records so far. */
  readonly history: readonly EpochRecord[];
  /** Ends the run after the current batch (from onBatch*) or epoch (from onEpoch*). */
  stop(reason: string): void;
  /** Writes a checkpoint of the whole training state at this point (atomic). */
  saveCheckpoint(path: string): void;
}

export interface BatchEnd {
  epoch: number;
  batch: number;
  /** Steps taken after this batch. */
  step: number;
  /** Mean loss of the batch (NaN/Inf for a skipped batch). */
  loss: number;
  correct: number;
  size: number;
  /** True when the step was skipped by `nonFinite: 'skip'`. */
  skipped: boolean;
}

export interface Callback {
  /** Shown in checkpoints (callback states are matched by name). Default: its index. */
  readonly name?: string;
  onTrainStart?(context: TrainingContext): void | Promise<void>;
  onEpochStart?(context: TrainingContext): void | Promise<void>;
  onBatchStart?(context: TrainingContext): void | Promise<void>;
  onBatchEnd?(context: TrainingContext, batch: BatchEnd): void | Promise<void>;
  onEpochEnd?(context: TrainingContext, record: EpochRecord): void | Promise<void>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
  /** JSON-safe state for checkpoints. */
  state?(): unknown;
  loadState?(state: unknown): void;
}

export type MonitoredMetric = 'trainLoss' | 'trainAccuracy' | 'testLoss' | 'testAccuracy';
const METRICS: readonly MonitoredMetric[] = ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy'];

export interface EarlyStoppingOptions {
  /** Default 'testLoss' (needs testData; use 'trainLoss' without it). */
  monitor?: MonitoredMetric;
  /** Epochs without improvement before stopping (Keras: 0 stops at the first epoch that does not improve). */
  patience: number;
  /** An improvement must beat the best value by more than this. Default 0. */
  minDelta?: number;
  /** Default: 'min' for losses, 'max' for accuracies. */
  mode?: 'min' | 'max';
}

export interface EarlyStopping extends Callback {
  readonly bestEpoch: number | undefined;
  readonly best: number | undefined;
}

/** Stops when `monitor` has not improved for `patience` epochs (Keras' EarlyStopping). */
export function earlyStopping(options: EarlyStoppingOptions): EarlyStopping {
  const op = 'earlyStopping';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ monitor?, patience, minDelta?, mode? }');
  const monitor = options.monitor ?? 'testLoss';
  if (!METRICS.includes(monitor)) throw new ArgumentError(op, 'monitor', monitor, METRICS.join(', '));
  const patience = options.patience;
  if (!Number.isSafeInteger(patience) || patience < 0) throw new ArgumentError(op, 'patience', patience, 'an integer >= 0 (epochs without improvement)');
  const minDelta = options.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new ArgumentError(op, 'minDelta', minDelta, 'a number >= 0');
  const mode = options.mode ?? (monitor.endsWith('Loss') ? 'min' : 'max');
  if (mode !== 'min' && mode !== 'max') throw new ArgumentError(op, 'mode', mode, "'min' or 'max'");
  let best: number | undefined;
  let bestEpoch: number | undefined;
  let wait = 0;
  return {
    name: 'earlyStopping',
    get best() {
      return best;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    onEpochEnd(context, record) {
      const value = record[monitor];
      if (value === undefined) {
        throw new ArgumentError(op, 'monitor', monitor, METRICS.filter((metric) => record[metric] !== undefined).join(', '), 'testLoss and testAccuracy need fit({ testData })');
      }
      const improved = best === undefined || (mode === 'min' ? value < best - minDelta : value > best + minDelta);
      if (improved) {
        best = value;
        bestEpoch = record.epoch;
        wait = 0;
        return;
      }
      wait++;
      if (wait >= patience) context.stop(`early stopping: ${monitor} did not improve for ${wait} epochs (best ${best} at epoch ${bestEpoch})`);
    },
    state: () => ({ best: best ?? null, bestEpoch: bestEpoch ?? null, wait }),
    loadState(state) {
      const saved = state as { best: number | null; bestEpoch: number | null; wait: number };
      best = saved.best ?? undefined;
      bestEpoch = saved.bestEpoch ?? undefined;
      wait = saved.wait;
    },
  };
}

export interface ProgressLoggerOptions {
  /** Default console.log. */
  log?: (line: string) => void;
  /** Also log every n batches (default 0: epochs only). */
  everyBatches?: number;
}

/** One line per epoch (and optionally every n batches): loss, accuracy, skipped steps, time. */
export function progressLogger(options: ProgressLoggerOptions = {}): Callback {
  const log = options.log ?? ((line: string) => console.log(line));
  const every = options.everyBatches ?? 0;
  if (!Number.isSafeInteger(every) || every < 0) throw new ArgumentError('progressLogger', 'everyBatches', every, 'an integer >= 0');
  const percent = (value: number | undefined) => (value === undefined ? '-' : `${(100 * value).toFixed(2)} %`);
  return {
    name: 'progressLogger',
    onBatchEnd(context, batch) {
      if (every > 0 && (batch.batch + 1) % every === 0) {
        log(`epoch ${batch.epoch + 1}/${context.epochs} batch ${batch.batch + 1}/${context.batchesPerEpoch}: loss ${batch.loss.toFixed(4)}${batch.skipped ? ' (skipped)' : ''}`);
      }
    },
    onEpochEnd(context, record) {
      const test = record.testLoss === undefined ? '' : `, test loss ${record.testLoss.toFixed(4)}, test accuracy ${percent(record.testAccuracy)}`;
      const skipped = record.skippedSteps > 0 ? `, ${record.skippedSteps} skipped steps` : '';
      log(`epoch ${record.epoch + 1}/${context.epochs}: train loss ${record.trainLoss.toFixed(4)}, train accuracy ${percent(record.trainAccuracy)}${test}${skipped} (${record.seconds.toFixed(1)} s)`);
    },
  };
}
