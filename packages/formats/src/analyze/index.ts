export { analyze, type AnalyzeOptions, type ExponentHistogram, type RangeCounts, type RangeReport } from './analyze.js';
export { exponentOffsetFor, fitBias, type BiasFit, type BiasRule, type FitBiasOptions } from './fit-bias.js';
