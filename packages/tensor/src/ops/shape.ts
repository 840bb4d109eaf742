/**
 * Ops that change only the shape. reshape, flatten, expandDims and squeeze are metadata: the
 * result shares storage with the input (tensors are immutable, so sharing is safe).
 */
import { ShapeError, formatShape } from '../errors.js';
import { broadcastShapes, broadcastsTo } from '../shape/broadcast.js';
import { expandDimsShape, inferReshape, squeezeShape } from '../shape/reshape.js';
import { checkShape, normalizeAxes, normalizeAxis, shapesEqual } from '../shape/util.js';
import type { Tensor } from '../tensor.js';
import { backendOf, expectTensorArgument, runKernel } from './common.js';

/** Same values, new shape; one entry may be -1 (inferred). */
export function reshape<T extends Tensor>(x: T, shape: readonly number[]): T {
  const input = expectTensorArgument('reshape', x, 'x');
  return input.withShape(inferReshape('reshape', input.shape, shape)) as T;
}

/**
 * Collapses axes startAxis..endAxis (inclusive, default 0..-1: everything) into one.
 * `flatten(x, 1)` turns [batch, c, h, w] into [batch, c * h * w].
 */
export function flatten<T extends Tensor>(x: T, startAxis = 0, endAxis = -1): T {
  const op = 'flatten';
  const input = expectTensorArgument(op, x, 'x');
  if (input.rank === 0) return input.withShape([1]) as T;
  const start = normalizeAxis(op, startAxis, input.rank, 'startAxis');
  const end = normalizeAxis(op, endAxis, input.rank, 'endAxis');
  if (start > end) {
    throw new ShapeError(`${op}: startAxis ${startAxis} comes after endAxis ${endAxis} for shape ${formatShape(input.shape)}`, [input.shape]);
  }
  const merged = input.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return input.withShape([...input.shape.slice(0, start), merged, ...input.shape.slice(end + 1)]) as T;
}

/** Inserts a size-1 axis at `axis` (in [-rank-1, rank]; -1 appends). */
export function expandDims<T extends Tensor>(x: T, axis = 0): T {
  const input = expectTensorArgument('expandDims', x, 'x');
  return input.withShape(expandDimsShape('expandDims', input.shape, axis)) as T;
}

/** Removes the given size-1 axes, or all size-1 axes. */
export function squeeze<T extends Tensor>(x: T, axis?: number | readonly number[]): T {
  const op = 'squeeze';
  const input = expectTensorArgument(op, x, 'x');
  const axes = axis === undefined ? undefined : normalizeAxes(op, axis, input.rank);
  return input.withShape(squeezeShape(op, input.shape, axes)) as T;
}

/**
 * Repeats size-1 axes (and prepends axes) to reach `shape`; a copy, materialised with the `where`
 * kernel (condition 1, both branches x), which copies bits exactly for every dtype.
 */
export function broadcastTo<T extends Tensor>(x: T, shape: readonly number[]): T {
  const op = 'broadcastTo';
  const input = expectTensorArgument(op, x, 'x');
  const target = checkShape(op, shape);
  if (!broadcastsTo(input.shape, target)) {
    broadcastShapes(op, input.shape, target); // throws the detailed message when sizes conflict
    throw new ShapeError(
      `${op}: cannot broadcast ${formatShape(input.shape)} to ${formatShape(target)}: ` +
        (input.rank > target.length ? 'the target has fewer axes' : 'the target would have to grow'),
      [input.shape, target],
    );
  }
  if (shapesEqual(input.shape, target)) return input.withShape(target) as T;
  const backend = backendOf(op, [input]);
  const condition = backend.upload(new Float32Array([1]), [], 'float32');
  return runKernel(backend, target, input.dtype, () =>
    backend.kernels.where(condition, input.kernelTensor, input.kernelTensor, { outShape: target }),
  ) as T;
}
