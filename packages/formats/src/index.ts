export * from './types.js';
export * from './errors.js';
export { floatFormat, type FloatSpecInput } from './float/index.js';
export { fixedPointFormat, type FixedPointSpecInput } from './fixed/index.js';
export { binaryFormat, type BinarySpecInput } from './binary/index.js';
export { fixedOrBinaryFromName } from './fixed/names.js';
export {
  scaledFormat,
  type ScaledFormat,
  type ScaledFormatOptions,
  type ScaledSpec,
  type ScaleGranularity,
  type ScaleRule,
  type ScaledTensorFormat,
} from './scaled/index.js';
export { blockFormat, MX_FORMAT_NAMES, type BlockFormat, type BlockFormatOptions, type BlockSpec, type MxFormatName } from './block/index.js';
export { MX_FORMATS, mxFormat, tensorFormatFromName, tensorFormatFromSpec } from './block/names.js';
// The generator behind stochastic rounding (decision 0004), exported so other backends reproduce it.
export { randomUint32, fillRandomUint32, mix32, streamKey, bitsAt, forEachRandomRun, type StreamKey, type RandomRunVisitor } from './random.js';
export { formatFromSpec } from './from-spec.js';
export {
  analyze,
  exponentOffsetFor,
  fitBias,
  type AnalyzeOptions,
  type BiasFit,
  type BiasRule,
  type ExponentHistogram,
  type FitBiasOptions,
  type RangeCounts,
  type RangeReport,
} from './analyze/index.js';
export { packCodes, unpackCodes, packedByteLength } from './packing.js';
export { parseFormat, elementFormatFromName } from './parse.js';
export { PRESETS, PRESET_INFO, type PresetInfo } from './presets.js';
export {
  formatTable,
  formatTableValue,
  renderMarkdownTable,
  renderTextTable,
  type FormatTable,
  type FormatTableColumnKey,
  type FormatTableOptions,
  type Table,
  type TableColumn,
  type TextTableOptions,
} from './table.js';
