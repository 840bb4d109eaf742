/**
 * The binary layer plan: weights and inputs binarized to ±1 (sign(0) = +1) with the clipped
 * straight-through estimator (gradient passes where |x| <= clip), as in BinaryNet and Larq's
 * QuantDense/QuantConv2D with ste_sign. Weights keep a float32 latent copy (what Bop flips and
 * Adam-style optimizers update); the forward pass sees only their signs.
 */
import { ArgumentError } from '@lowbit/tensor';
import { binaryFormat } from '@lowbit/formats';
import type { LayerQuantization } from './spec.js';

export interface BinaryQuantizationOptions {
  /** |x| <= clip passes the gradient. Default 1 (Larq). */
  clip?: number;
  /** Binarize the inputs too (default true; Larq's first layer keeps real-valued inputs: override it with { inputs: 'float32' }). */
  inputs?: boolean;
}

/** `{ weights, inputs }` both binary with the clipped STE; apply with a layer's `quantization` or applyQuantization. */
export function binaryQuantization(options: BinaryQuantizationOptions = {}): LayerQuantization {
  const clip = options.clip ?? 1;
  if (typeof clip !== 'number' || !(clip > 0)) throw new ArgumentError('binaryQuantization', 'clip', clip, 'a positive number (Larq uses 1)');
  const spec = { format: binaryFormat(), estimator: { kind: 'sign' as const, clip } };
  return options.inputs === false ? { weights: spec } : { weights: spec, inputs: { ...spec } };
}
