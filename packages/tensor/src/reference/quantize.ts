/**
 * quantize of the reference backend: delegates to the format's own `quantize`, so the result is
 * bit-identical to @lowbit/formats by construction (stochastic rounding included: the format draws
 * element i's random bits from the counter-based generator at (seed, offset + i), and this kernel
 * hands it the whole tensor at once, so nothing depends on how the work is split).
 *
 * Element formats (floats, fixed point, binary) see only the values. Tensor formats (per-tensor,
 * per-channel or block scales, MX) also need the shape, because their scale groups run along an
 * axis; they get `shape: x.shape`.
 */
import type { ElementFormat, TensorFormat } from '@lowbit/formats';
import type { QuantizeAttributes } from '../kernels/contract.js';
import { float32Of, wrap, type ReferenceTensor } from './storage.js';

function isTensorFormat(format: ElementFormat | TensorFormat): format is TensorFormat {
  // Only tensor formats carry a separate element format (ElementFormat has no such field).
  return 'element' in format;
}

function quantize(x: ReferenceTensor, attributes: QuantizeAttributes): ReferenceTensor {
  const { format, rounding, seed, offset, randomBits } = attributes;
  const options = { rounding, seed, offset, randomBits };
  const values = float32Of(x);
  // The format returns a new array: the input tensor is never modified.
  const result = isTensorFormat(format) ? format.quantize(values, { ...options, shape: x.shape }) : format.quantize(values, options);
  return wrap(result, x.shape);
}

export const quantizeKernels = { quantize };
