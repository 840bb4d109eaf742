/**
 * Conformance cases of transpose, slice, concat and pad: bit-exact copies, int32 included,
 * random ranks and permutations, negative slice steps and out-of-range bounds, empty inputs.
 */
import { concat, pad, slice, transpose, type SliceRange } from '../../ops/movement.js';
import type { Tensor } from '../../tensor.js';
import { expectTensor } from '../assert.js';
import { defineCases, type CaseContext, type ConformanceCase } from '../case.js';
import { coordinatesOf, indexOf, sizeOf } from '../nd.js';

/** Expected values of an output of `shape` where each output coordinate reads `source(coordinates)`. */
function gatherExpected(shape: readonly number[], source: (coordinates: number[]) => number) {
  return { shape, values: Array.from({ length: sizeOf(shape) }, (_, i) => source(coordinatesOf(i, shape))) };
}

function randomPermutation(c: CaseContext, rank: number): number[] {
  const axes = Array.from({ length: rank }, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = c.random.integer(0, i);
    [axes[i], axes[j]] = [axes[j], axes[i]];
  }
  return axes;
}

function checkTranspose(x: Tensor, permutation?: number[]): void {
  const perm = permutation ?? Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i);
  const values = x.data();
  const outShape = perm.map((axis) => x.shape[axis]);
  const expected = gatherExpected(outShape, (out) => {
    const inCoordinates = new Array<number>(x.rank);
    perm.forEach((axis, i) => (inCoordinates[axis] = out[i]));
    return values[indexOf(inCoordinates, x.shape)];
  });
  expectTensor(transpose(x, permutation), { ...expected, dtype: x.dtype });
}

const transposeCases = defineCases('transpose', {
  'default reverses the axes': (c) => checkTranspose(c.uniform([2, 3, 4])),
  'random ranks 0..5 and permutations': (c) => {
    for (let rank = 0; rank <= 5; rank++) {
      const x = c.uniform(c.random.shape(rank, 1, 4));
      checkTranspose(x, randomPermutation(c, rank));
    }
  },
  'negative axes in the permutation': (c) => {
    const x = c.uniform([2, 5, 3]);
    const values = x.data();
    const expected = gatherExpected([3, 2, 5], ([k, i, j]) => values[indexOf([i, j, k], [2, 5, 3])]);
    expectTensor(transpose(x, [-1, 0, 1]), expected);
  },
  'int32 values and size-1 axes': (c) => checkTranspose(c.tensor(Int32Array.from([1, -2, 3, 2147483647, -5, 6]), [1, 2, 3, 1]), [3, 2, 0, 1]),
  'empty dimension': (c) => checkTranspose(c.uniform([3, 0, 2]), [2, 0, 1]),
});

/** Python slice semantics, written independently of src/shape/slice.ts: list the indices taken. */
function indicesTaken(size: number, range: SliceRange | undefined): number[] {
  const step = range?.step ?? 1;
  const normalize = (v: number) => (v < 0 ? v + size : v);
  const indices: number[] = [];
  if (step > 0) {
    const start = Math.max(0, Math.min(size, range?.start === undefined ? 0 : normalize(range.start)));
    const stop = Math.max(0, Math.min(size, range?.stop === undefined ? size : normalize(range.stop)));
    for (let i = start; i < stop; i += step) indices.push(i);
  } else {
    const start = Math.max(-1, Math.min(size - 1, range?.start === undefined ? size - 1 : normalize(range.start)));
    const stop = Math.max(-1, Math.min(size - 1, range?.stop === undefined ? -1 : normalize(range.stop)));
    for (let i = start; i > stop; i += step) indices.push(i);
  }
  return indices;
}

function checkSlice(x: Tensor, ranges: (SliceRange | undefined)[]): void {
  const taken = x.shape.map((size, axis) => indicesTaken(size, ranges[axis]));
  const values = x.data();
  const expected = gatherExpected(taken.map((t) => t.length), (out) => values[indexOf(out.map((j, axis) => taken[axis][j]), x.shape)]);
  expectTensor(slice(x, ranges), { ...expected, dtype: x.dtype });
}

function randomRange(c: CaseContext, size: number): SliceRange | undefined {
  if (c.random.next() < 0.2) return undefined;
  const bound = () => (c.random.next() < 0.3 ? undefined : c.random.integer(-size - 2, size + 2));
  return { start: bound(), stop: bound(), step: c.random.pick([1, 1, 2, 3, -1, -1, -2, -3]) };
}

const sliceCases = defineCases('slice', {
  'reverse every axis (step -1)': (c) => checkSlice(c.uniform([3, 4]), [{ step: -1 }, { step: -1 }]),
  'negative start/stop, missing trailing axes': (c) => checkSlice(c.uniform([5, 3, 2]), [{ start: -4, stop: -1 }]),
  'negative step with bounds: x[4:0:-2, 1::-1]': (c) => checkSlice(c.uniform([6, 3]), [{ start: 4, stop: 0, step: -2 }, { start: 1, step: -1 }]),
  'out-of-range bounds clamp; empty results': (c) => {
    const x = c.uniform([4, 5]);
    checkSlice(x, [{ start: -100, stop: 100 }, { start: 7 }]);
    checkSlice(x, [{ start: 3, stop: 1 }]);
    checkSlice(x, [{ start: 1, stop: 3, step: -1 }]);
  },
  'random ranges with random steps': (c) => {
    for (let trial = 0; trial < 8; trial++) {
      const x = c.uniform(c.random.shape(c.random.integer(1, 4), 1, 7));
      checkSlice(x, x.shape.map((size) => randomRange(c, size)));
    }
  },
  'int32 and empty inputs': (c) => {
    checkSlice(c.tensor(Int32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]), [undefined, { step: -2 }]);
    checkSlice(c.uniform([0, 3]), [{ step: -1 }, { start: 1 }]);
  },
});

function checkConcat(inputs: Tensor[], axis: number): void {
  const rank = inputs[0].rank;
  const a = axis < 0 ? axis + rank : axis;
  const outShape = [...inputs[0].shape];
  outShape[a] = inputs.reduce((total, t) => total + t.shape[a], 0);
  const data = inputs.map((t) => t.data());
  const expected = gatherExpected(outShape, (out) => {
    let position = out[a];
    let which = 0;
    while (position >= inputs[which].shape[a]) position -= inputs[which++].shape[a];
    const coordinates = [...out];
    coordinates[a] = position;
    return data[which][indexOf(coordinates, inputs[which].shape)];
  });
  expectTensor(concat(inputs, axis), { ...expected, dtype: inputs[0].dtype });
}

const concatCases = defineCases('concat', {
  'along each axis, negative too': (c) => {
    for (const axis of [0, 1, 2, -1]) {
      const shapes = [2, 1, 3].map((extent) => [2, 3, 4].map((d, i) => (i === (axis + 3) % 3 ? extent : d)));
      checkConcat(shapes.map((shape) => c.uniform(shape)), axis);
    }
  },
  'random shapes, 1 to 4 inputs, some empty along the axis': (c) => {
    for (let trial = 0; trial < 5; trial++) {
      const rank = c.random.integer(1, 4);
      const shape = c.random.shape(rank, 1, 4);
      const axis = c.random.integer(0, rank - 1);
      const inputs = Array.from({ length: c.random.integer(1, 4) }, () => c.uniform(shape.map((d, i) => (i === axis ? c.random.integer(0, 3) : d))));
      checkConcat(inputs, axis);
    }
  },
  'int32 and an empty other axis': (c) => {
    checkConcat([c.tensor(Int32Array.from([1, 2]), [1, 2]), c.tensor(Int32Array.from([3, 4, 5, 6]), [2, 2])], 0);
    checkConcat([c.uniform([0, 2]), c.uniform([0, 3])], 1);
  },
});

function checkPad(x: Tensor, paddings: [number, number][], value: number): void {
  const outShape = x.shape.map((d, axis) => d + paddings[axis][0] + paddings[axis][1]);
  const values = x.data();
  const expected = gatherExpected(outShape, (out) => {
    const inside = out.map((j, axis) => j - paddings[axis][0]);
    return inside.every((j, axis) => j >= 0 && j < x.shape[axis]) ? values[indexOf(inside, x.shape)] : value;
  });
  expectTensor(pad(x, paddings, value), { ...expected, dtype: x.dtype });
}

const padCases = defineCases('pad', {
  'zeros around a matrix': (c) => checkPad(c.uniform([2, 3]), [[1, 2], [0, 1]], 0),
  'random paddings and value': (c) => {
    for (let trial = 0; trial < 4; trial++) {
      const x = c.uniform(c.random.shape(c.random.integer(1, 4), 1, 4));
      checkPad(x, x.shape.map(() => [c.random.integer(0, 2), c.random.integer(0, 2)]), c.random.uniform(-3, 3));
    }
  },
  'empty input becomes all padding; scalar; int32': (c) => {
    checkPad(c.uniform([0, 2]), [[1, 1], [0, 0]], -1);
    checkPad(c.uniform([]), [], 0);
    checkPad(c.tensor(Int32Array.from([7, 8]), [2]), [[2, 1]], -3);
  },
});

export const movementOpCases: ConformanceCase[] = [...transposeCases, ...sliceCases, ...concatCases, ...padCases];
