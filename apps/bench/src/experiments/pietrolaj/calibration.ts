/**
 * The calibration behind the static ("asymmetric") bias: a few float32 training steps of the
 * untrained model (forward and backward, no update) with a measuring point on every role, giving
 * the largest |x| each tensor role reaches across all layers. fitBias then places each role's
 * 8-bit range just above that maximum, which for weights, activations and gradients (mostly < 1)
 * shifts the exponent range toward small magnitudes. It is computed once, before training, and
 * never moves again: the contrast with the dynamic offset is the point of the comparison.
 */
import { batches } from '@lowbit/datasets';
import { parseFormat } from '@lowbit/formats';
import { crossEntropy, quantizationPoints, type Module, type QuantizationPlan, type RoleOptions } from '@lowbit/nn';
import { relieveMemoryPressure } from '../../memory-pressure.js';
import type { ImageData } from '../../training/data.js';
import { PietrolajConfigError } from './errors.js';
import type { TensorRole } from './variants.js';

/** A plan that rounds nothing (float32 is exact for float32 values) but measures every role. */
export function measuringPlan(): QuantizationPlan {
  const measure: RoleOptions = { format: parseFormat('float32'), statistics: true };
  return { layers: { weights: measure, inputs: measure, errors: measure, weightGradients: measure } };
}

/** The tensor role a point side rounds (weights: W forward, G backward; inputs: A; outputs: E backward). */
export function tensorRoleOf(pointRole: string, side: 'forward' | 'backward'): TensorRole | undefined {
  if (pointRole === 'weights') return side === 'forward' ? 'weights' : 'weightGradients';
  if (pointRole === 'inputs' && side === 'forward') return 'activations';
  if (pointRole === 'outputs' && side === 'backward') return 'errors';
  return undefined;
}

export interface CalibrationOptions {
  /** Builds the model with a given plan (same seed as the trained model, so the same initial weights). */
  build: (plan: QuantizationPlan) => Module;
  data: ImageData;
  batchSize: number;
  batches: number;
  seed: number;
}

/** Largest finite |x| per tensor role over `batches` training batches of the untrained model. */
export async function calibrateRoleMaxima(options: CalibrationOptions): Promise<Record<TensorRole, number>> {
  if (!Number.isInteger(options.batches) || options.batches < 1) {
    throw new PietrolajConfigError('calibrationBatches', options.batches, 'an integer >= 1', 'the static bias needs at least one measured batch');
  }
  const model = options.build(measuringPlan());
  model.train();
  let done = 0;
  for (const batch of batches(options.data.train, { batchSize: options.batchSize, shuffle: true, seed: options.seed, normalization: options.data.normalization })) {
    model.zeroGrad();
    crossEntropy(model.forward(batch.images), batch.labels).backward();
    await relieveMemoryPressure();
    if (++done >= options.batches) break;
  }
  const maxima: Record<TensorRole, number> = { weights: 0, activations: 0, errors: 0, weightGradients: 0 };
  for (const entry of quantizationPoints(model)) {
    for (const record of entry.point.history) {
      for (const side of ['forward', 'backward'] as const) {
        const role = tensorRoleOf(entry.role, side);
        const statistics = record[side];
        if (role !== undefined && statistics !== undefined) maxima[role] = Math.max(maxima[role], statistics.maxAbs);
      }
    }
  }
  return maxima;
}
