/**
 * Movement kernels of the reference backend: transpose, slice, concat, pad. All keep the dtype
 * and copy bits exactly (int32 too). Each is one gather or scatter through strided offsets.
 */
import type { ConcatAttributes, PadAttributes, SliceAttributes, TransposeAttributes } from '../kernels/contract.js';
import { allocate, sizeOfShape, stridedOffsets, stridesOf, wrap, type ReferenceTensor } from './storage.js';

/** Output axis i reads input axis permutation[i]: walk the output with permuted input strides. */
function transpose(x: ReferenceTensor, { permutation, outShape }: TransposeAttributes): ReferenceTensor {
  const inStrides = stridesOf(x.shape);
  const offsets = stridedOffsets(outShape, permutation.map((axis) => inStrides[axis]));
  const input = x.handle;
  const out = allocate(x.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = input[offsets[i]];
  return wrap(out, outShape, x.dtype);
}

/** Output index j along an axis reads input index begin + j * step (step may be negative). */
function slice(x: ReferenceTensor, { begin, step, outShape }: SliceAttributes): ReferenceTensor {
  const inStrides = stridesOf(x.shape);
  const base = begin.reduce((offset, first, axis) => offset + first * inStrides[axis], 0);
  const offsets = stridedOffsets(outShape, step.map((s, axis) => s * inStrides[axis]), base);
  const input = x.handle;
  const out = allocate(x.dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) out[i] = input[offsets[i]];
  return wrap(out, outShape, x.dtype);
}

/**
 * Row-major, concatenation along `axis` interleaves contiguous chunks: for each index of the axes
 * before `axis`, every input contributes one chunk of (its size along axis) x (inner size).
 */
function concat(inputs: readonly ReferenceTensor[], { axis, outShape }: ConcatAttributes): ReferenceTensor {
  const dtype = inputs[0].dtype;
  const out = allocate(dtype, sizeOfShape(outShape));
  const outer = sizeOfShape(outShape.slice(0, axis));
  const inner = sizeOfShape(outShape.slice(axis + 1));
  let position = 0;
  for (let o = 0; o < outer; o++) {
    for (const input of inputs) {
      const chunk = input.shape[axis] * inner;
      out.set(input.handle.subarray(o * chunk, (o + 1) * chunk), position);
      position += chunk;
    }
  }
  return wrap(out, outShape, dtype);
}

/** Fill with the value, then scatter x into the interior (the output strides, shifted by `before`). */
function pad(x: ReferenceTensor, { paddings, value, outShape }: PadAttributes): ReferenceTensor {
  const out = allocate(x.dtype, sizeOfShape(outShape));
  out.fill(value);
  const outStrides = stridesOf(outShape);
  const base = paddings.reduce((offset, [before], axis) => offset + before * outStrides[axis], 0);
  const offsets = stridedOffsets(x.shape, outStrides, base);
  const input = x.handle;
  for (let i = 0; i < offsets.length; i++) out[offsets[i]] = input[i];
  return wrap(out, outShape, x.dtype);
}

export const movementKernels = { transpose, slice, concat, pad };
