/**
 * Reduction kernels of the reference backend: sum, mean, max, argmax over any axes.
 *
 * One walk over the input in row-major order: each element goes to its output slot (the offset of
 * its kept axes) and, for argmax, carries its position within the reduced axes. sum and mean
 * accumulate in float64 and round once at the end, which costs nothing here and makes the
 * reference result the correctly rounded sum in all but extreme cases; a float32 backend is held
 * to the reassociation bound gamma(n - 1) * sum |x| instead (see testing/assert.ts).
 */
import type { ReduceAttributes } from '../kernels/contract.js';
import { float32Of, sizeOfShape, stridedOffsets, stridesOf, wrap, type ReferenceTensor } from './storage.js';

/** For each input element (row-major): its output offset, and its index within the reduced axes. */
function reductionMaps(shape: readonly number[], axes: readonly number[]): { slot: Int32Array; position: Int32Array } {
  const reduced = new Set(axes);
  const keptShape = shape.filter((_, axis) => !reduced.has(axis));
  const reducedShape = shape.filter((_, axis) => reduced.has(axis));
  const keptStrides = stridesOf(keptShape);
  const reducedStrides = stridesOf(reducedShape);
  let kept = 0;
  let dropped = 0;
  const slotStrides = shape.map((_, axis) => (reduced.has(axis) ? 0 : keptStrides[kept++]));
  const positionStrides = shape.map((_, axis) => (reduced.has(axis) ? reducedStrides[dropped++] : 0));
  return { slot: stridedOffsets(shape, slotStrides), position: stridedOffsets(shape, positionStrides) };
}

function accumulate(x: ReferenceTensor, attributes: ReduceAttributes): { sums: Float64Array; count: number } {
  const input = float32Of(x);
  const sums = new Float64Array(sizeOfShape(attributes.outShape));
  const { slot } = reductionMaps(x.shape, attributes.axes);
  for (let i = 0; i < input.length; i++) sums[slot[i]] += input[i];
  const count = attributes.axes.reduce((product, axis) => product * x.shape[axis], 1);
  return { sums, count };
}

function sum(x: ReferenceTensor, attributes: ReduceAttributes): ReferenceTensor {
  return wrap(Float32Array.from(accumulate(x, attributes).sums), attributes.outShape);
}

/** The float64 sum divided by the count, rounded once (over zero elements: 0 / 0 = NaN). */
function mean(x: ReferenceTensor, attributes: ReduceAttributes): ReferenceTensor {
  const { sums, count } = accumulate(x, attributes);
  const out = new Float32Array(sums.length);
  for (let i = 0; i < sums.length; i++) out[i] = sums[i] / count;
  return wrap(out, attributes.outShape);
}

/** Maximum; NaN wins (propagates). Over zero elements: -Infinity. */
function max(x: ReferenceTensor, attributes: ReduceAttributes): ReferenceTensor {
  const input = float32Of(x);
  const out = new Float32Array(sizeOfShape(attributes.outShape)).fill(-Infinity);
  const { slot } = reductionMaps(x.shape, attributes.axes);
  for (let i = 0; i < input.length; i++) {
    const value = input[i];
    const current = out[slot[i]];
    if (value > current || (value !== value && current === current)) out[slot[i]] = value;
  }
  return wrap(out, attributes.outShape);
}

/**
 * Index (row-major within the reduced axes) of the first maximum; the first NaN counts as the
 * maximum. The walk visits each slot's elements in increasing position, so "first" is automatic.
 */
function argmax(x: ReferenceTensor, attributes: ReduceAttributes): ReferenceTensor {
  const input = float32Of(x);
  const size = sizeOfShape(attributes.outShape);
  const best = new Float32Array(size).fill(-Infinity);
  const index = new Int32Array(size).fill(-1);
  const { slot, position } = reductionMaps(x.shape, attributes.axes);
  for (let i = 0; i < input.length; i++) {
    const s = slot[i];
    const value = input[i];
    const current = best[s];
    if (current !== current) continue; // a NaN already won this slot
    if (index[s] < 0 || value > current || value !== value) {
      best[s] = value;
      index[s] = position[i];
    }
  }
  return wrap(index, attributes.outShape, 'int32');
}

export const reduceKernels = { sum, mean, max, argmax };
