/** Shape inference of transpose, concat and pad. */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';

/** Validates a permutation of the axes (negative axes allowed); default reverses the axes. */
export function resolvePermutation(op: string, rank: number, permutation: readonly number[] | undefined): number[] {
  if (permutation === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const allowed = `a permutation of the ${rank} axes 0..${rank - 1} (negative axes allowed)`;
  if (!Array.isArray(permutation) || permutation.length !== rank) {
    throw new ArgumentError(op, 'permutation', permutation, allowed);
  }
  const resolved = permutation.map((axis) => (Number.isInteger(axis) && axis < 0 ? axis + rank : axis));
  const seen = new Set<number>();
  for (const axis of resolved) {
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank || seen.has(axis)) {
      throw new ArgumentError(op, 'permutation', permutation, allowed, 'every axis must appear exactly once');
    }
    seen.add(axis);
  }
  return resolved;
}

/** Shape of concatenating `shapes` along a non-negative `axis`: all other dimensions must agree. */
export function concatShape(op: string, shapes: readonly (readonly number[])[], axis: number): number[] {
  const first = shapes[0];
  const out = [...first];
  for (let i = 1; i < shapes.length; i++) {
    const shape = shapes[i];
    if (shape.length !== first.length) {
      throw new ShapeError(
        `${op}: input ${i} has rank ${shape.length} (shape ${formatShape(shape)}) but input 0 has rank ${first.length} (shape ${formatShape(first)}); all inputs need the same rank`,
        [first, shape],
      );
    }
    for (let a = 0; a < shape.length; a++) {
      if (a !== axis && shape[a] !== first[a]) {
        throw new ShapeError(
          `${op}: cannot concatenate ${formatShape(first)} and ${formatShape(shape)} along axis ${axis}: axis ${a} has ${first[a]} vs ${shape[a]}; only the concatenation axis may differ`,
          [first, shape],
        );
      }
    }
    out[axis] += shape[axis];
  }
  return out;
}

/** Validates [before, after] per axis (non-negative integers) and returns the padded shape. */
export function padShape(op: string, shape: readonly number[], paddings: readonly (readonly [number, number])[]): number[] {
  const allowed = `${shape.length} pairs [before, after] of non-negative integers, one per axis of ${formatShape(shape)}`;
  if (!Array.isArray(paddings) || paddings.length !== shape.length) {
    throw new ArgumentError(op, 'paddings', paddings, allowed);
  }
  return shape.map((dimension, axis) => {
    const pair = paddings[axis];
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((p) => Number.isSafeInteger(p) && p >= 0)) {
      throw new ArgumentError(op, `paddings[${axis}]`, pair, '[before, after], non-negative integers');
    }
    return dimension + pair[0] + pair[1];
  });
}
