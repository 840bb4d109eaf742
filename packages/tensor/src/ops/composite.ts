/**
 * Conveniences built only from catalog ops (no kernel of their own): every backend gets them for
 * free, and their numerics are those of the ops they call.
 */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxis, shapesEqual } from '../shape/util.js';
import type { Tensor } from '../tensor.js';
import { div, sub } from './binary.js';
import { expectFloat, expectTensorArgument } from './common.js';
import { concat } from './movement.js';
import { argmax, max, sum, type ReduceOptions } from './reduce.js';
import { expandDims } from './shape.js';
import { exp, log, neg } from './unary.js';

/** Minimum over axes: -max(-x). NaN propagates; over zero elements +Infinity. */
export function min(x: Tensor, options?: ReduceOptions): Tensor<'float32'> {
  return neg(max(neg(expectFloat('min', x, 'x')), options));
}

/** Index of the first minimum (int32), as argmax of -x; a NaN counts as the minimum. */
export function argmin(x: Tensor, options?: ReduceOptions): Tensor<'int32'> {
  return argmax(neg(expectFloat('argmin', x, 'x')), options);
}

/** exp(x) / sum(exp(x)) along `axis` (default -1), shifted by the maximum for stability. */
export function softmax(x: Tensor, axis = -1): Tensor<'float32'> {
  const input = expectFloat('softmax', x, 'x');
  normalizeAxis('softmax', axis, input.rank);
  const exponentials = exp(sub(input, max(input, { axis, keepDims: true })));
  return div(exponentials, sum(exponentials, { axis, keepDims: true }));
}

/** x - log(sum(exp(x))) along `axis` (default -1), shifted by the maximum for stability. */
export function logSoftmax(x: Tensor, axis = -1): Tensor<'float32'> {
  const input = expectFloat('logSoftmax', x, 'x');
  normalizeAxis('logSoftmax', axis, input.rank);
  const shifted = sub(input, max(input, { axis, keepDims: true }));
  return sub(shifted, log(sum(exp(shifted), { axis, keepDims: true })));
}

/** Joins tensors of one shape along a new axis (in [-rank-1, rank], default 0). */
export function stack<T extends Tensor>(tensors: readonly T[], axis = 0): T {
  const op = 'stack';
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ArgumentError(op, 'tensors', tensors, 'a non-empty array of tensors');
  }
  const inputs = tensors.map((t, i) => expectTensorArgument(op, t, `tensors[${i}]`));
  inputs.forEach((t, i) => {
    if (!shapesEqual(t.shape, inputs[0].shape)) {
      throw new ShapeError(
        `${op}: tensors[${i}] has shape ${formatShape(t.shape)} but tensors[0] has ${formatShape(inputs[0].shape)}; stacked tensors need one shape`,
        [inputs[0].shape, t.shape],
      );
    }
  });
  const position = normalizeAxis(op, axis, inputs[0].rank + 1);
  return concat(inputs.map((t) => expandDims(t, position)), position) as T;
}
