/**
 * @lowbit/optim: optimizers for training with emulated low-precision number formats. SGD, Adam and
 * AdamW (PyTorch semantics) and Bop (Larq semantics), routed per parameter with `routeBy`; state
 * stored as float32 or as densely packed codes of any element format; weights stored only in
 * their format (nearest or stochastic updates) or with a master copy; rounding points on
 * gradients and updates; schedules; state memory measured from the buffers; per-step statistics
 * (flips, unchanged momentum, lost updates, Gavg); and the momentum encoding search of Yayla & Chen.
 */
export { sgd, type SgdOptions } from './sgd.js';
export { adam, adamw, type AdamOptions } from './adam.js';
export { bop, type BopOptions } from './bop.js';
export { routeBy, type Route, type RouteByOptions, type RouteSelector } from './route.js';
export type { Optimizer, OptimizerDefinition, OptimizerCheckpoint, StateMemoryRow, CommonOptions } from './optimizer.js';
export type { UpdateRuleOptions, WeightOptions } from './weights.js';
export type { StorageOption, BufferState } from './storage.js';
export type { RoundingPointOption } from './points.js';
export type { OptimizerStatistics, ParameterStatistics, StateSlotStatistics, StatisticsTotals } from './statistics.js';
export { nameParameters, isBinaryParameter, parameterFormatKind, type NamedParameter, type ParameterEntry, type ParameterInput } from './parameters.js';
export {
  constantSchedule,
  stepSchedule,
  exponentialSchedule,
  linearSchedule,
  cosineSchedule,
  warmupSchedule,
  sequenceSchedule,
  scheduleValue,
  type Schedule,
  type ScheduleSpec,
} from './schedule.js';
export { elementStep } from './step-size.js';
export { momentumRecorder, type MomentumRecorder, type MomentumRecorderOptions, type MomentumSamples, type RecordInput } from './recorder.js';
export { replayMomentum, type ReplayOptions, type ReplayOutcome } from './replay.js';
export {
  searchMomentumEncoding,
  type EncodingCandidates,
  type EncodingCandidateResult,
  type EncodingTolerances,
  type IntegerChoice,
  type MomentumEncodingSearchOptions,
  type MomentumEncodingSearchResult,
} from './encoding-search.js';
export { RouteError, ParameterListError, OptimizerStateError } from './errors.js';
