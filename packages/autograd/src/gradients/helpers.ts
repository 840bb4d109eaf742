/** Shape plumbing shared by the gradient rules. */
import { broadcastTo, reshape, sum, type Tensor } from '@lowbit/tensor';

/**
 * Sums a gradient of a broadcast result back to the shape of the operand that was broadcast:
 * over the leading axes the operand did not have, and over the axes where it had size 1.
 */
export function reduceToShape(gradient: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(gradient.shape, shape)) return gradient;
  const lead = gradient.rank - shape.length;
  const axes: number[] = [];
  for (let axis = 0; axis < gradient.rank; axis++) {
    if (axis < lead || (shape[axis - lead] === 1 && gradient.shape[axis] !== 1)) axes.push(axis);
  }
  const summed = axes.length === 0 ? gradient : sum(gradient, { axis: axes, keepDims: true });
  return reshape(summed, shape);
}

/** Sorted unique non-negative axes of an `axis` option (undefined: every axis). */
export function resolveAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** The input shape with the reduced axes set to 1: where a reduction's result broadcasts back. */
export function keptShape(inShape: readonly number[], axes: readonly number[]): number[] {
  const reduced = new Set(axes);
  return inShape.map((dimension, axis) => (reduced.has(axis) ? 1 : dimension));
}

/** Spreads the gradient of a reduction's result back over the reduced axes. */
export function expandReduced(gradient: Tensor, inShape: readonly number[], axes: readonly number[]): Tensor {
  return broadcastTo(reshape(gradient, keptShape(inShape, axes)), inShape);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A non-negative axis from a possibly negative one. */
export function resolveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
