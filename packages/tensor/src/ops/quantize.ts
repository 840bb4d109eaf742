/**
 * Fake quantization through a @lowbit/formats format: the result holds float32 values that the
 * format can represent. Equals `format.quantize(x.data(), options)` bit for bit on every backend.
 */
import type { ElementFormat, QuantizeOptions, Rounding, TensorFormat } from '@lowbit/formats';
import { ArgumentError } from '../errors.js';
import type { QuantizeAttributes } from '../kernels/contract.js';
import type { Tensor } from '../tensor.js';
import { backendOf, expectFloat, runKernel } from './common.js';

export type QuantizeOpOptions = Pick<QuantizeOptions, 'rounding' | 'seed' | 'offset' | 'randomBits'>;

/**
 * Rounds every value of x into `format` (an element format, or a tensor format with shared
 * scales, which sees x's shape). Stochastic rounding draws element i's bits from
 * (seed, offset + i), so results do not depend on the backend or on chunking.
 */
export function quantize(x: Tensor, format: ElementFormat | TensorFormat, options?: QuantizeOpOptions): Tensor<'float32'> {
  const op = 'quantize';
  const input = expectFloat(op, x, 'x');
  const attributes = resolveQuantize(op, format, options);
  const backend = backendOf(op, [input]);
  return runKernel(backend, input.shape, 'float32', () => backend.kernels.quantize(input.kernelTensor, attributes));
}

/** Checks the format and the options (through the format itself, so the rules stay in one place). */
export function resolveQuantize(op: string, format: ElementFormat | TensorFormat, options: QuantizeOpOptions | undefined): QuantizeAttributes {
  if (format === null || typeof format !== 'object' || typeof format.quantize !== 'function' || typeof format.name !== 'string') {
    throw new ArgumentError(op, 'format', format, 'a format from @lowbit/formats (floatFormat(...), parseFormat(...), ...)');
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ArgumentError(op, 'options', options, '{ rounding?, seed?, offset?, randomBits? }');
  }
  const resolved = {
    rounding: (options?.rounding ?? 'nearest-even') as Rounding,
    seed: options?.seed ?? 0,
    offset: options?.offset ?? 0,
    randomBits: options?.randomBits ?? 32,
  };
  // An empty call validates every option with the formats package's own checks and messages
  // (QuantizeOptionsError), without touching any value.
  const element: ElementFormat = 'element' in format && typeof format.element === 'object' ? format.element : (format as ElementFormat);
  element.quantize(new Float32Array(0), resolved);
  return { format, ...resolved };
}
