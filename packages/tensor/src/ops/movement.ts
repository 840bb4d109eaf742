/** Movement ops: transpose, slice, concat, pad. They keep the dtype (int32 too). */
import { ArgumentError, DTypeError } from '../errors.js';
import type { Backend } from '../kernels/contract.js';
import { concatShape, padShape, resolvePermutation } from '../shape/movement.js';
import { resolveSlice, type SliceRange } from '../shape/slice.js';
import { normalizeAxis } from '../shape/util.js';
import type { Tensor } from '../tensor.js';
import { backendOf, expectTensorArgument, runKernel } from './common.js';

/** Permutes the axes: output axis i is input axis permutation[i]. Default: reverse all axes. */
export function transpose<T extends Tensor>(x: T, permutation?: readonly number[]): T {
  const op = 'transpose';
  const input = expectTensorArgument(op, x, 'x');
  const resolved = resolvePermutation(op, input.rank, permutation);
  const outShape = resolved.map((axis) => input.shape[axis]);
  const backend = backendOf(op, [input]);
  return runKernel(backend, outShape, input.dtype, () => backend.kernels.transpose(input.kernelTensor, { permutation: resolved, outShape })) as T;
}

export type { SliceRange };

/**
 * Python-style slicing, one range per leading axis (missing axes are taken whole):
 * `slice(x, [{ start: 1 }, { step: -1 }])` is x[1:, ::-1]. Negative start/stop count from the
 * end, negative steps walk backwards, out-of-range bounds clamp. Always a copy.
 */
export function slice<T extends Tensor>(x: T, ranges: readonly (SliceRange | null | undefined)[]): T {
  const op = 'slice';
  const input = expectTensorArgument(op, x, 'x');
  const { begin, step, outShape } = resolveSlice(op, input.shape, ranges);
  const backend = backendOf(op, [input]);
  return runKernel(backend, outShape, input.dtype, () => backend.kernels.slice(input.kernelTensor, { begin, step, outShape })) as T;
}

/** Joins tensors along an existing axis (negative allowed, default 0). */
export function concat<T extends Tensor>(tensors: readonly T[], axis = 0): T {
  const op = 'concat';
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ArgumentError(op, 'tensors', tensors, 'a non-empty array of tensors');
  }
  const inputs = tensors.map((t, i) => expectTensorArgument(op, t, `tensors[${i}]`));
  const dtype = inputs[0].dtype;
  inputs.forEach((t, i) => {
    if (t.dtype !== dtype) throw new DTypeError(op, t.dtype, `'${dtype}' like tensors[0]`, `tensors[${i}] differs; cast it first`);
  });
  const resolvedAxis = normalizeAxis(op, axis, inputs[0].rank);
  const outShape = concatShape(op, inputs.map((t) => t.shape), resolvedAxis);
  const backend: Backend = backendOf(op, inputs);
  return runKernel(backend, outShape, dtype, () =>
    backend.kernels.concat(inputs.map((t) => t.kernelTensor), { axis: resolvedAxis, outShape }),
  ) as T;
}

/** Pads with a constant: paddings has one [before, after] pair per axis. */
export function pad<T extends Tensor>(x: T, paddings: readonly (readonly [number, number])[], value = 0): T {
  const op = 'pad';
  const input = expectTensorArgument(op, x, 'x');
  if (typeof value !== 'number') throw new ArgumentError(op, 'value', value, 'a number');
  if (input.dtype === 'int32' && !(Number.isInteger(value) && Math.abs(value) < 2 ** 31)) {
    throw new ArgumentError(op, 'value', value, 'an int32 integer for an int32 tensor');
  }
  const outShape = padShape(op, input.shape, paddings);
  const pairs = paddings.map((p) => [p[0], p[1]] as const);
  const backend = backendOf(op, [input]);
  return runKernel(backend, outShape, input.dtype, () => backend.kernels.pad(input.kernelTensor, { paddings: pairs, value, outShape })) as T;
}
