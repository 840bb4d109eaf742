/**
 * Reductions over any set of axes. `axis` is one axis or a list (negative allowed); undefined
 * reduces every axis. keepDims keeps reduced axes as size 1 (handy for broadcasting back).
 *
 * Over zero elements: sum is 0, mean is NaN (0 / 0), max is -Infinity; argmax is an error.
 */
import { ArgumentError } from '../errors.js';
import type { ReduceOp } from '../kernels/contract.js';
import { normalizeAxes, reducedShape, sizeOf } from '../shape/util.js';
import type { Tensor } from '../tensor.js';
import { backendOf, booleanOption, expectFloat, runKernel } from './common.js';

export interface ReduceOptions {
  /** Axes to reduce; default all. */
  axis?: number | readonly number[];
  /** Keep reduced axes with size 1. Default false. */
  keepDims?: boolean;
}

function prepare(op: string, x: Tensor, options: ReduceOptions | undefined) {
  const input = expectFloat(op, x, 'x');
  const axes = normalizeAxes(op, options?.axis, input.rank);
  const keepDims = booleanOption(op, 'keepDims', options?.keepDims, false);
  const outShape = reducedShape(input.shape, axes, keepDims);
  return { input, attributes: { axes, keepDims, outShape }, backend: backendOf(op, [input]) };
}

function reduce(op: Exclude<ReduceOp, 'argmax'>, x: Tensor, options: ReduceOptions | undefined): Tensor<'float32'> {
  const { input, attributes, backend } = prepare(op, x, options);
  return runKernel(backend, attributes.outShape, 'float32', () => backend.kernels[op](input.kernelTensor, attributes));
}

/** Sum (accumulated in float64 by the reference backend). */
export function sum(x: Tensor, options?: ReduceOptions): Tensor<'float32'> {
  return reduce('sum', x, options);
}

/** Arithmetic mean. */
export function mean(x: Tensor, options?: ReduceOptions): Tensor<'float32'> {
  return reduce('mean', x, options);
}

/** Maximum; NaN if any reduced value is NaN. */
export function max(x: Tensor, options?: ReduceOptions): Tensor<'float32'> {
  return reduce('max', x, options);
}

/**
 * Index of the maximum (int32). With several axes the index counts row-major over the reduced
 * axes only (so over all axes it is the flat index). The first maximum wins; a NaN counts as the
 * maximum (the first NaN wins).
 */
export function argmax(x: Tensor, options?: ReduceOptions): Tensor<'int32'> {
  const op = 'argmax';
  const { input, attributes, backend } = prepare(op, x, options);
  const reducedSize = attributes.axes.reduce((size, axis) => size * input.shape[axis], 1);
  if (reducedSize === 0 && sizeOf(attributes.outShape) > 0) {
    throw new ArgumentError(op, 'axis', options?.axis, 'axes with at least one element', `x has shape [${input.shape.join(',')}]: there is no maximum to point at`);
  }
  return runKernel(backend, attributes.outShape, 'int32', () => backend.kernels.argmax(input.kernelTensor, attributes));
}
