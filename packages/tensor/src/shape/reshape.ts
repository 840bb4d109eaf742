/** Shape inference of reshape, squeeze and expandDims. */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxis, sizeOf } from './util.js';

/** The new shape of a reshape; one entry may be -1 and is inferred from the size. */
export function inferReshape(op: string, shape: readonly number[], newShape: readonly number[]): number[] {
  if (!Array.isArray(newShape) || !newShape.every((d) => Number.isSafeInteger(d) && d >= -1)) {
    throw new ArgumentError(op, 'shape', newShape, 'an array of non-negative integers with at most one -1');
  }
  const inferred = newShape.filter((d) => d === -1).length;
  if (inferred > 1) throw new ArgumentError(op, 'shape', newShape, 'at most one -1');
  const size = sizeOf(shape);
  const known = sizeOf(newShape.filter((d) => d !== -1));
  if (inferred === 1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `${op}: cannot reshape ${formatShape(shape)} (size ${size}) to ${formatShape(newShape)}: ` +
          `the other dimensions multiply to ${known}, which ${known === 0 ? 'leaves -1 undetermined' : `does not divide ${size}`}`,
        [shape, newShape],
      );
    }
    return newShape.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) {
    throw new ShapeError(
      `${op}: cannot reshape ${formatShape(shape)} (size ${size}) to ${formatShape(newShape)} (size ${known}); ` +
        'the sizes must be equal (one dimension may be -1 to infer it)',
      [shape, newShape],
    );
  }
  return [...newShape];
}

/** Shape after inserting a size-1 axis at `axis` (in [-rank-1, rank]). */
export function expandDimsShape(op: string, shape: readonly number[], axis: number): number[] {
  const position = normalizeAxis(op, axis, shape.length + 1);
  return [...shape.slice(0, position), 1, ...shape.slice(position)];
}

/** Shape after removing the given size-1 axes, or every size-1 axis when axes is undefined. */
export function squeezeShape(op: string, shape: readonly number[], axes: readonly number[] | undefined): number[] {
  if (axes === undefined) return shape.filter((d) => d !== 1);
  for (const axis of axes) {
    if (shape[axis] !== 1) {
      throw new ShapeError(`${op}: cannot squeeze axis ${axis} of ${formatShape(shape)}: its size is ${shape[axis]}, not 1`, [shape]);
    }
  }
  const removed = new Set(axes);
  return shape.filter((_, axis) => !removed.has(axis));
}
