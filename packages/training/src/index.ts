/**
 * @lowbit/training: the training loop of lowbit. `fit` and `evaluate` with seeded,
 * thread-count-independent batching, callbacks (progress, early stopping), per-epoch metrics
 * (loss, top-1 accuracy, quantization point and optimizer statistics); checkpoints of the whole
 * training state, written atomically with a length and a SHA-256, that resume bit for bit; a
 * non-finite policy that names where NaN/Inf first appeared; RCT's per-layer dynamic bit width as
 * a precision controller; and memory and energy models against float32 and QAT.
 */
export { fit } from './fit.js';
export type { FitOptions, CheckpointOptions, MetricsOptions } from './fit-options.js';
export { evaluate, type EvaluateOptions, type EvaluationResult, type LossFunction } from './evaluate.js';
export type { FitResult, EpochRecord, Curves, SkippedStep } from './result.js';
export type { QuantizationPointTotals, SideTotals, OptimizerTotals } from './metrics.js';
export { earlyStopping, progressLogger, type Callback, type TrainingContext, type BatchEnd, type EarlyStopping, type EarlyStoppingOptions, type MonitoredMetric, type ProgressLoggerOptions } from './callbacks.js';
export { saveCheckpoint, loadCheckpoint, decodeCheckpoint, type SaveCheckpointOptions, type CheckpointFileSystem } from './checkpoint/file.js';
export { FORMAT_VERSION as CHECKPOINT_FORMAT_VERSION } from './checkpoint/encoding.js';
export { loadTrainingCheckpoint, type TrainingCheckpoint, type TrainingPosition } from './training-state.js';
export type { PrecisionController, AfterStepInfo } from './precision/controller.js';
export { storeWeights, type StoreWeightsOptions } from './precision/store-weights.js';
export { rctController, type RctOptions, type RctReport, type RctLayerReport, type RctDecision } from './precision/rct.js';
export { memoryReport, type MemoryOptions, type MemoryReport, type MemoryTotals, type MemoryLayerRow, type MemoryParameterRow } from './reports/memory.js';
export { energyReport, type EnergyOptions, type EnergyReport, type EnergyFigures, type EnergyLayerRow, type GemmEnergy } from './reports/energy.js';
export { HOROWITZ_45NM, energyTable, macEnergy, integerMultiplyEnergy, integerAddEnergy, movementEnergy, type EnergyTable } from './reports/energy-table.js';
export type { Representation } from './reports/trace.js';
export { CheckpointError, NonFiniteError, type CheckpointProblem, type NonFiniteLocation } from './errors.js';
