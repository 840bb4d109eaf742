/** What `fit` returns: per-epoch records, curves, skipped steps and the precision controller's report. */
import type { NonFiniteLocation } from './errors.js';
import type { OptimizerTotals, QuantizationPointTotals } from './metrics.js';

export interface EpochRecord {
  epoch: number;
  /** Optimizer steps taken in this epoch (skipped steps excluded). */
  steps: number;
  skippedSteps: number;
  /** Mean loss and top-1 accuracy over the epoch's trained samples (skipped batches excluded). */
  trainLoss: number;
  trainAccuracy: number;
  /** On `testData` after the epoch (evaluation mode), when given. */
  testLoss?: number;
  testAccuracy?: number;
  /** Wall-clock seconds of the epoch (training and evaluation): the one non-deterministic field. */
  seconds: number;
  /** Per quantization point: sums of the per-step statistics over the epoch (metrics.quantization). */
  quantization?: QuantizationPointTotals[];
  /** Optimizer statistics summed over the epoch (metrics.optimizer). */
  optimizer?: OptimizerTotals;
  /** Bit width per controlled parameter at the end of the epoch (with a precision controller). */
  bits?: Record<string, number>;
  /** True for an epoch cut short by a stop request or maxSteps. */
  partial?: boolean;
}

export interface SkippedStep {
  /** Optimizer steps taken before the skipped batch. */
  step: number;
  epoch: number;
  batch: number;
  kind: 'loss' | 'gradient';
  loss: number;
  location: NonFiniteLocation;
}

export interface Curves {
  trainLoss: number[];
  trainAccuracy: number[];
  /** One value per epoch; empty without testData. */
  testLoss: number[];
  testAccuracy: number[];
}

export interface FitResult {
  epochs: EpochRecord[];
  curves: Curves;
  /** Optimizer steps taken in total. */
  steps: number;
  skippedSteps: SkippedStep[];
  /** Why the run ended early (callback stop, maxSteps), if it did. */
  stopped?: string;
  /** The precision controller's report (RCT: bit-width history per layer). */
  precision?: unknown;
  /** Total wall-clock seconds. */
  seconds: number;
  /** The run's configuration as plain data (optimizer config, options), for recorded experiments. */
  config: Record<string, unknown>;
}

export function curvesOf(epochs: readonly EpochRecord[]): Curves {
  return {
    trainLoss: epochs.map((e) => e.trainLoss),
    trainAccuracy: epochs.map((e) => e.trainAccuracy),
    testLoss: epochs.filter((e) => e.testLoss !== undefined).map((e) => e.testLoss!),
    testAccuracy: epochs.filter((e) => e.testAccuracy !== undefined).map((e) => e.testAccuracy!),
  };
}
