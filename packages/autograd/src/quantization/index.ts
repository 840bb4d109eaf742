export { quantizer, QuantizationPoint, type QuantizationRecord, type QuantizationPointState } from './quantizer.js';
export type { QuantizerOptions, QuantizationSideOptions, ScalingPolicy, Estimator, StatisticsOptions, ResolvedEstimator } from './options.js';
export type { SideStatistics, ExponentHistogram } from './statistics.js';
export { QuantizationSide, type SideState } from './side.js';
