/** Small shape helpers shared by every op. */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dimension, axis) => dimension === b[axis]);
}

/** Checks a user-given shape: an array of non-negative integers. Returns a fresh copy. */
export function checkShape(op: string, shape: unknown, field = 'shape'): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ArgumentError(op, field, shape, 'an array of non-negative integers');
  }
  return [...(shape as number[])];
}

/** An axis in [-rank, rank) as a non-negative axis. */
export function normalizeAxis(op: string, axis: unknown, rank: number, field = 'axis'): number {
  if (!Number.isInteger(axis) || (axis as number) < -rank || (axis as number) >= rank) {
    const allowed = rank === 0 ? 'none: the tensor is a scalar (rank 0)' : `an integer in [${-rank}, ${rank - 1}]`;
    throw new ArgumentError(op, field, axis, allowed, 'negative axes count from the end');
  }
  return (axis as number) < 0 ? (axis as number) + rank : (axis as number);
}

/** Axes (one or several, negative allowed) as sorted unique non-negative axes; undefined = all. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new ArgumentError(op, 'axis', axis, 'an integer or an array of integers');
  const axes = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(axes)].sort((x, y) => x - y);
  if (unique.length !== axes.length) {
    throw new ArgumentError(op, 'axis', axis, 'distinct axes', `an axis is listed twice (rank ${rank})`);
  }
  return unique;
}

/** The shape of a reduction: reduced axes removed, or kept as 1. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const reduced = new Set(axes);
  const out: number[] = [];
  shape.forEach((dimension, axis) => {
    if (!reduced.has(axis)) out.push(dimension);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** A ShapeError for two shapes that must be equal. */
export function expectSameShape(op: string, a: readonly number[], b: readonly number[], what: string): void {
  if (!shapesEqual(a, b)) {
    throw new ShapeError(`${op}: ${what}: ${formatShape(a)} vs ${formatShape(b)}`, [a, b]);
  }
}
