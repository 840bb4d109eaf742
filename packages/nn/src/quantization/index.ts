export {
  QUANTIZATION_ROLES,
  POINT_ROLES,
  type QuantizationRole,
  type PointRole,
  type RoleOptions,
  type RoleSpec,
  type LayerQuantization,
} from './spec.js';
export { binaryQuantization, type BinaryQuantizationOptions } from './binary.js';
export { applyQuantization, type QuantizationPlan, type LayerPlan, type ApplyQuantizationOptions, type QuantizationAssignment } from './plan.js';
export { quantizationPoints, quantizationStatistics, type QuantizationPointEntry, type QuantizationStatisticsEntry } from './points.js';
