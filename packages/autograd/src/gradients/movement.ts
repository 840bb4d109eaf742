/**
 * Gradient rules of the movement and shape ops. They move the gradient back the way the values
 * came: transpose by the inverse permutation, slice by scattering into zeros, concat and stack by
 * slicing, pad by cutting the border off, reshapes by reshaping back, broadcastTo by summing.
 * Only catalog ops are used, so the rules run on any backend.
 */
import * as T from '@lowbit/tensor';
import type { ShapeOpName, SliceRange, Tensor } from '@lowbit/tensor';
import { reduceToShape, resolveAxis } from './helpers.js';
import { rule, type GradientEntry } from './types.js';

export interface TransposeAttributes {
  permutation?: readonly number[];
}
export interface SliceAttributes {
  ranges: readonly (SliceRange | null | undefined)[];
}
export interface AxisAttributes {
  axis: number;
}
export interface PadAttributes {
  paddings: readonly (readonly [number, number])[];
  value: number;
}

/** Ranges selecting [start, stop) along one axis and everything elsewhere. */
function along(rank: number, axis: number, range: SliceRange): (SliceRange | null)[] {
  return Array.from({ length: rank }, (_, a) => (a === axis ? range : null));
}

function padAlong(rank: number, axis: number, before: number, after: number): [number, number][] {
  return Array.from({ length: rank }, (_, a) => (a === axis ? [before, after] : [0, 0]));
}

/**
 * Python slice resolution of one axis (the same rules as @lowbit/tensor's slice): the first index
 * taken, the step and the number of elements taken.
 */
export function resolveRange(size: number, range: SliceRange | null | undefined): { first: number; step: number; count: number } {
  const step = range?.step ?? 1;
  const lower = step > 0 ? 0 : -1;
  const upper = step > 0 ? size : size - 1;
  const clamp = (value: number | undefined | null, fallback: number): number => {
    if (value === undefined || value === null) return fallback;
    const index = value < 0 ? value + size : value;
    return Math.min(Math.max(index, lower), upper);
  };
  const first = clamp(range?.start, step > 0 ? 0 : size - 1);
  const stop = clamp(range?.stop, step > 0 ? size : -1);
  return { first, step, count: Math.max(0, Math.ceil((stop - first) / step)) };
}

/**
 * Scatters the gradient of a slice into zeros of the input's shape, one axis at a time: a negative
 * step is undone by reversing, a step s > 1 by interleaving s - 1 zeros after every element, and
 * the offset by padding.
 */
export function sliceGradient(dy: Tensor, inShape: readonly number[], ranges: SliceAttributes['ranges']): Tensor {
  if (dy.size === 0) return T.zeros(inShape, { backend: dy.backend });
  const rank = inShape.length;
  let gradient = dy;
  for (let axis = 0; axis < rank; axis++) {
    const { first, step, count } = resolveRange(inShape[axis], ranges[axis]);
    let begin = first;
    let stride = step;
    if (step < 0) {
      gradient = T.slice(gradient, along(rank, axis, { step: -1 }));
      begin = first + (count - 1) * step;
      stride = -step;
    }
    if (stride > 1 && count > 1) {
      const spread = T.pad(T.expandDims(gradient, axis + 1), padAlong(rank + 1, axis + 1, 0, stride - 1));
      const merged = gradient.shape.map((d, a) => (a === axis ? d * stride : d));
      gradient = T.slice(T.reshape(spread, merged), along(rank, axis, { stop: (count - 1) * stride + 1 }));
    }
    const length = (count - 1) * stride + 1;
    gradient = T.pad(gradient, padAlong(rank, axis, begin, inShape[axis] - begin - length));
  }
  return gradient;
}

export const movementGradients = {
  transpose: rule<TransposeAttributes>((dy, { attributes }) => {
    const permutation = attributes.permutation;
    if (permutation === undefined) return [T.transpose(dy)]; // reversing the axes undoes itself
    const inverse = new Array<number>(permutation.length);
    permutation.forEach((axis, i) => (inverse[resolveAxis(axis, permutation.length)] = i));
    return [T.transpose(dy, inverse)];
  }),
  slice: rule<SliceAttributes>((dy, { inputs: [x], attributes }) => [sliceGradient(dy, x.shape, attributes.ranges)]),
  concat: rule<AxisAttributes>((dy, { inputs, attributes }) => {
    const axis = resolveAxis(attributes.axis, dy.rank);
    let offset = 0;
    return inputs.map((input) => {
      const start = offset;
      offset += input.shape[axis];
      return T.slice(dy, along(dy.rank, axis, { start, stop: offset }));
    });
  }),
  pad: rule<PadAttributes>((dy, { inputs: [x], attributes }) => [
    T.slice(
      dy,
      x.shape.map((size, axis) => ({ start: attributes.paddings[axis][0], stop: attributes.paddings[axis][0] + size })),
    ),
  ]),
} satisfies Record<'transpose' | 'slice' | 'concat' | 'pad', GradientEntry>;

/** reshape, flatten, expandDims and squeeze only relabel the values: reshape the gradient back. */
const reshapeBack = rule((dy, { inputs: [x] }) => [T.reshape(dy, x.shape)]);

export const shapeGradients = {
  reshape: reshapeBack,
  flatten: reshapeBack,
  expandDims: reshapeBack,
  squeeze: reshapeBack,
  broadcastTo: rule((dy, { inputs: [x] }) => [reduceToShape(dy, x.shape)]),
} satisfies Record<ShapeOpName, GradientEntry>;

export const stackGradients = {
  stack: rule<AxisAttributes>((dy, { inputs, attributes }) => {
    const axis = resolveAxis(attributes.axis, dy.rank);
    return inputs.map((input, i) => T.reshape(T.slice(dy, along(dy.rank, axis, { start: i, stop: i + 1 })), input.shape));
  }),
} satisfies Record<'stack', GradientEntry>;
