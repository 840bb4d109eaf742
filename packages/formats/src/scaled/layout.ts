/**
 * Which values share a scale. Every grouping of this package (whole tensor, channel along an axis,
 * blocks of k values along an axis) is described by one walk over the row-major values:
 *
 *   for outer o, for index j along the axis, for inner r:  group = o·outerStride + floor(j/k)·blockStride + r·innerStride
 *
 * so one loop serves all of them and the group of a value is never computed with a division in
 * the inner loop.
 */
import { QuantizeOptionsError } from '../errors.js';

export interface Grouping {
  /** Product of the axes before the scaled axis. */
  outer: number;
  /** Length of the scaled axis. */
  axisLength: number;
  /** Product of the axes after the scaled axis. */
  inner: number;
  /** Consecutive indices along the axis that share a group. */
  blockSize: number;
  outerStride: number;
  blockStride: number;
  innerStride: number;
  /** Number of groups, so of scales. */
  groupCount: number;
}

/** A copy of `shape` after checking that it is an array of non-negative integers. */
export function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((size) => typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    throw new QuantizeOptionsError('shape', shape, 'an array of non-negative integers');
  }
  return [...(shape as number[])];
}

export function shapeSize(shape: readonly number[]): number {
  return product(shape);
}

/** The shape of `length` values: `shape` checked against the length, or [length]. */
export function resolveShape(length: number, shape: readonly number[] | undefined): number[] {
  if (shape === undefined) return [length];
  const checked = checkShape(shape);
  const size = product(checked);
  if (size !== length) {
    throw new QuantizeOptionsError('shape', shape, `a shape whose sizes multiply to the number of values, ${length} (this one gives ${size})`);
  }
  return checked;
}

/** A possibly negative axis (-1 = last) as an index into `shape`. */
export function resolveAxis(axis: number, shape: readonly number[]): number {
  const rank = shape.length;
  const index = axis < 0 ? axis + rank : axis;
  if (index < 0 || index >= rank) {
    throw new QuantizeOptionsError(
      'shape',
      shape,
      `a shape with axis ${axis}: this format scales along axis ${axis}, a shape of rank ${rank} has axes ${rank === 0 ? 'none' : `${-rank}..${rank - 1}`}`,
    );
  }
  return index;
}

function product(sizes: readonly number[]): number {
  let result = 1;
  for (const size of sizes) result *= size;
  return result;
}

export function tensorGrouping(shape: readonly number[]): Grouping {
  // One run of every value: the whole tensor as the inner part of a length-1 axis.
  return { outer: 1, axisLength: 1, inner: product(shape), blockSize: 1, outerStride: 0, blockStride: 0, innerStride: 0, groupCount: 1 };
}

export function channelGrouping(shape: readonly number[], axis: number): Grouping {
  const index = resolveAxis(axis, shape);
  const axisLength = shape[index];
  return {
    outer: product(shape.slice(0, index)),
    axisLength,
    inner: product(shape.slice(index + 1)),
    blockSize: 1,
    outerStride: 0,
    blockStride: 1,
    innerStride: 0,
    groupCount: axisLength,
  };
}

/**
 * Blocks of `blockSize` consecutive indices along `axis`; the last block of a line may be
 * shorter. Scales are laid out as a tensor of `shape` with the axis replaced by the block count.
 */
export function blockGrouping(shape: readonly number[], axis: number, blockSize: number): Grouping {
  const index = resolveAxis(axis, shape);
  const axisLength = shape[index];
  const outer = product(shape.slice(0, index));
  const inner = product(shape.slice(index + 1));
  const blocksPerLine = Math.ceil(axisLength / blockSize);
  return {
    outer,
    axisLength,
    inner,
    blockSize,
    outerStride: blocksPerLine * inner,
    blockStride: inner,
    innerStride: 1,
    groupCount: outer * blocksPerLine * inner,
  };
}

/**
 * A run of `count` contiguous values from `start`: the first `every` of them belong to `group`,
 * the next `every` to `group + step`, and so on.
 */
export type RunVisitor = (start: number, count: number, group: number, every: number, step: number) => void;

/**
 * Visits every value once, in runs as long as the memory layout allows: whole lines along the
 * axis when nothing follows it (blocks along the last axis), else the contiguous inner part.
 */
export function forEachRun(grouping: Grouping, visit: RunVisitor): void {
  const { outer, axisLength, inner, blockSize, outerStride, blockStride, innerStride } = grouping;
  if (inner === 0 || axisLength === 0) return;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) visit(o * axisLength, axisLength, o * outerStride, blockSize, blockStride);
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < axisLength; j++) {
      const group = o * outerStride + Math.floor(j / blockSize) * blockStride;
      // With innerStride 0 the whole inner part is one group: one long run, not `inner` short ones.
      visit((o * axisLength + j) * inner, inner, group, innerStride === 0 ? inner : 1, innerStride);
    }
  }
}
