/**
 * The hook through which `fit` runs a precision controller: something that owns the storage
 * formats of some parameters and changes them during training (RCT's per-layer bit widths).
 * `attach` runs before the optimizer is created, so the optimizer sees the controlled formats
 * from its first step (routes by format kind, master-copy decisions); `afterStep` runs after
 * every optimizer step that was taken (skipped steps excluded); `state`/`loadState` travel in
 * checkpoints and are restored *before* the model's state dict, whose storage formats must match.
 */
import type { Module } from '@lowbit/nn';
import type { Optimizer, OptimizerStatistics } from '@lowbit/optim';

export interface AfterStepInfo {
  /** Optimizer steps taken, this one included. */
  step: number;
  model: Module;
  optimizer: Optimizer;
  statistics: OptimizerStatistics | undefined;
}

export interface PrecisionController {
  readonly kind: string;
  /** Plain-data configuration, recorded in results. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Converts the controlled parameters to their initial formats (before the optimizer exists). */
  attach(model: Module): void;
  afterStep(info: AfterStepInfo): void;
  /** Current bit width of every controlled parameter. */
  bits(): Record<string, number>;
  /** JSON-safe state for checkpoints. */
  state(): unknown;
  /** Restores `state()` into an attached model: formats first, so the state dict loads next. */
  loadState(state: unknown, model: Module): void;
  /** Plain-data report for results (histories, final bits). */
  report(): unknown;
}

export function isPrecisionController(value: unknown): value is PrecisionController {
  const candidate = value as PrecisionController;
  return candidate !== null && typeof candidate === 'object' && typeof candidate.attach === 'function' && typeof candidate.afterStep === 'function' && typeof candidate.state === 'function' && typeof candidate.loadState === 'function';
}
