/** NumPy broadcasting: shapes align at the last axis; each pair of sizes is equal or one is 1. */
import { ShapeError, formatShape } from '../errors.js';

/** The broadcast shape of several shapes, or a ShapeError naming the first axis that conflicts. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((shape) => shape.length));
  const out = new Array<number>(rank).fill(1);
  for (let fromEnd = 1; fromEnd <= rank; fromEnd++) {
    let size = 1;
    let owner = -1;
    for (let s = 0; s < shapes.length; s++) {
      const shape = shapes[s];
      const dimension = shape.length >= fromEnd ? shape[shape.length - fromEnd] : 1;
      if (dimension === 1) continue;
      if (size === 1) {
        size = dimension;
        owner = s;
      } else if (dimension !== size) {
        const a = shapes[owner];
        throw new ShapeError(
          `${op}: cannot broadcast ${formatShape(a)} with ${formatShape(shape)}: axis ${-fromEnd} has ${size} vs ${dimension}; ` +
            'sizes must be equal or one of them 1 (shapes align at the last axis; use expandDims or reshape to line axes up)',
          [a, shape],
        );
      }
    }
    out[rank - fromEnd] = size;
  }
  return out;
}

/** Whether `shape` broadcasts to exactly `target` (target is not widened). */
export function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const shift = target.length - shape.length;
  return shape.every((dimension, axis) => dimension === 1 || dimension === target[axis + shift]);
}
