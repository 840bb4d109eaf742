/**
 * Storage of the reference backend: the handle of a KernelTensor is a plain typed array holding
 * the tensor's values contiguously in row-major order (Float32Array for float32, Int32Array for
 * int32). The handle never depends on the shape, so `reshape` can share it.
 */
import type { DType, KernelTensor } from '../kernels/contract.js';

export type ReferenceHandle = Float32Array | Int32Array;
export type ReferenceTensor = KernelTensor<ReferenceHandle>;

/** Wraps values (not copied) as a reference KernelTensor. */
export function wrap(values: ReferenceHandle, shape: readonly number[], dtype: DType = values instanceof Int32Array ? 'int32' : 'float32'): ReferenceTensor {
  return { shape, dtype, handle: values };
}

/** A new zero-filled array of the dtype. */
export function allocate(dtype: DType, length: number): ReferenceHandle {
  return dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
}

/** The values of a float32 tensor (kernels receive only what the op validated). */
export function float32Of(tensor: ReferenceTensor): Float32Array {
  return tensor.handle as Float32Array;
}

export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

/** Row-major strides (in elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * For every position of `shape` in row-major order, `base + sum(index[axis] * strides[axis])`.
 * Broadcasting (stride 0), transposition (permuted strides), slicing (strides times step) and
 * padding (the output's strides) are all this one walk; it keeps every movement kernel a plain
 * gather or scatter loop.
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const size = sizeOfShape(shape);
  const offsets = new Int32Array(size);
  if (size === 0) return offsets;
  const rank = shape.length;
  if (rank === 0) {
    offsets[0] = base;
    return offsets;
  }
  const index = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const lastDimension = shape[last];
  const lastStride = strides[last];
  let offset = base;
  let position = 0;
  while (position < size) {
    // The innermost axis is a plain arithmetic run; the odometer moves only between runs.
    for (let i = 0; i < lastDimension; i++) offsets[position++] = offset + i * lastStride;
    let axis = last - 1;
    while (axis >= 0) {
      index[axis]++;
      offset += strides[axis];
      if (index[axis] < shape[axis]) break;
      offset -= strides[axis] * shape[axis];
      index[axis] = 0;
      axis--;
    }
    if (axis < 0) break;
  }
  return offsets;
}

/** Strides of `inShape` read as `outShape` under broadcasting: 0 along broadcast axes. */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const inStrides = stridesOf(inShape);
  const shift = outShape.length - inShape.length;
  return outShape.map((_, axis) => {
    const inAxis = axis - shift;
    return inAxis < 0 || inShape[inAxis] === 1 ? 0 : inStrides[inAxis];
  });
}
