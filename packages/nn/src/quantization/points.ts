/**
 * Collecting a model's quantization points, for reports: every point with the layer it belongs
 * to, its role and the tensor roles of its two sides (weights: W forward, G backward; outputs:
 * A forward, E backward; inputs: the activations entering the layer).
 */
import type { QuantizationPoint, QuantizationRecord } from '@lowbit/autograd';
import type { Module } from '../module.js';
import { POINT_SIDES, type PointRole, type QuantizationRole } from './spec.js';

export interface QuantizationPointEntry {
  /** Dotted name of the layer ('' for the root). */
  layer: string;
  type: string;
  role: PointRole;
  /** The tensor role the point rounds forward, and (if any) the one it rounds backward. */
  forwardRole: QuantizationRole;
  backwardRole: QuantizationRole | undefined;
  point: QuantizationPoint;
}

/** Every quantization point of the model (built now if not yet used), in registration order. */
export function quantizationPoints(model: Module): QuantizationPointEntry[] {
  const entries: QuantizationPointEntry[] = [];
  for (const [layer, module] of model.namedModules()) {
    for (const role of module.quantizationPointRoles()) {
      const { forward, backward } = POINT_SIDES[role];
      entries.push({ layer, type: module.type, role, forwardRole: forward, backwardRole: backward, point: module.quantizationPoint(role)! });
    }
  }
  return entries;
}

export interface QuantizationStatisticsEntry extends Omit<QuantizationPointEntry, 'point'> {
  /** The point's latest training step record: { step, forward?, backward? } (undefined before the first step). */
  latest: QuantizationRecord | undefined;
}

/** The latest statistics of every point (overflowed, flushed to zero, NaN, max |x| per side): plain data for logs. */
export function quantizationStatistics(model: Module): QuantizationStatisticsEntry[] {
  return quantizationPoints(model).map(({ point, ...entry }) => ({ ...entry, latest: point.statistics() }));
}
