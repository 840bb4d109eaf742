import { describe, expect, it } from 'vitest';
import type { Pool2dAttributes } from '../kernels/contract.js';
import { SeededRandom } from '../testing/random.js';
import { poolKernels } from './pool.js';
import { wrap } from './storage.js';

type Quad = [number, number, number, number];

function attributesOf(inShape: Quad, kernelSize: [number, number], stride: [number, number], padding: Quad): Pool2dAttributes {
  const out = [0, 1].map((axis) => Math.floor((inShape[2 + axis] + padding[2 * axis] + padding[2 * axis + 1] - kernelSize[axis]) / stride[axis]) + 1);
  return { kernelSize, stride, padding, inShape, outShape: [inShape[0], inShape[1], out[0], out[1]] };
}

/**
 * Naive pooling straight from the definition: for every window, the list of input indices of its
 * real cells in row-major window order (padding cells are simply absent).
 */
function windows(a: Pool2dAttributes): number[][] {
  const [batch, channels, height, width] = a.inShape;
  const [, , outHeight, outWidth] = a.outShape;
  const list: number[][] = [];
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++) {
        const cells: number[] = [];
        for (let kh = 0; kh < a.kernelSize[0]; kh++) {
          for (let kw = 0; kw < a.kernelSize[1]; kw++) {
            const y = i * a.stride[0] - a.padding[0] + kh;
            const x = j * a.stride[1] - a.padding[2] + kw;
            if (y >= 0 && y < height && x >= 0 && x < width) cells.push((plane * height + y) * width + x);
          }
        }
        list.push(cells);
      }
    }
  }
  return list;
}

/** Index of the first maximum (NaN beats numbers, first NaN wins); -1 for no cells. */
function firstMaximum(values: Float32Array, cells: number[]): number {
  const nan = cells.find((cell) => Number.isNaN(values[cell]));
  if (nan !== undefined) return nan;
  let best = -1;
  for (const cell of cells) if (best < 0 || values[cell] > values[best]) best = cell;
  return best;
}

function naiveMaxPool(a: Pool2dAttributes, x: Float32Array) {
  const list = windows(a);
  const y = list.map((cells) => (cells.length === 0 ? -Infinity : x[firstMaximum(x, cells)]));
  return { y, backward: (dy: Float32Array) => {
    const dx = new Float64Array(x.length);
    list.forEach((cells, o) => cells.length > 0 && (dx[firstMaximum(x, cells)] += dy[o]));
    return Array.from(dx, Math.fround);
  } };
}

function naiveAvgPool(a: Pool2dAttributes, x: Float32Array) {
  const list = windows(a);
  const y = list.map((cells) => (cells.length === 0 ? 0 : Math.fround(cells.reduce((s, c) => s + x[c], 0) / cells.length)));
  return { y, backward: (dy: Float32Array) => {
    const dx = new Float64Array(x.length);
    list.forEach((cells, o) => cells.forEach((cell) => (dx[cell] += dy[o] / cells.length)));
    return Array.from(dx, Math.fround);
  } };
}

const size = (shape: readonly number[]) => shape.reduce((s, d) => s * d, 1);

/** Small integers make ties common, which is what the first-maximum rule is about. */
function integers(random: SeededRandom, length: number): Float32Array {
  return Float32Array.from({ length }, () => random.integer(-3, 3));
}

function check(a: Pool2dAttributes, x: Float32Array, random: SeededRandom): void {
  const dy = random.values(size(a.outShape), -1, 1);
  const max = naiveMaxPool(a, x);
  const average = naiveAvgPool(a, x);
  // Both sides compute in float64 in the same order and round once: results must be identical.
  expect(Array.from(poolKernels.maxPool2d(wrap(x, a.inShape), a).handle)).toEqual(max.y);
  expect(Array.from(poolKernels.maxPool2dBackward(wrap(dy, a.outShape), wrap(x, a.inShape), a).handle)).toEqual(max.backward(dy));
  expect(Array.from(poolKernels.avgPool2d(wrap(x, a.inShape), a).handle)).toEqual(average.y);
  expect(Array.from(poolKernels.avgPool2dBackward(wrap(dy, a.outShape), a).handle)).toEqual(average.backward(dy));
}

describe('reference pooling', () => {
  const random = new SeededRandom(99);

  it('matches naive loops for random shapes, overlapping windows, strides and asymmetric padding', () => {
    for (let trial = 0; trial < 200; trial++) {
      const kernelSize: [number, number] = [random.integer(1, 4), random.integer(1, 4)];
      const padding: Quad = [random.integer(0, 2), random.integer(0, 2), random.integer(0, 2), random.integer(0, 2)];
      const inShape: Quad = [random.integer(0, 2), random.integer(1, 3), random.integer(1, 9), random.integer(1, 9)];
      const stride: [number, number] = [random.integer(1, 3), random.integer(1, 3)];
      if (inShape[2] + padding[0] + padding[1] < kernelSize[0] || inShape[3] + padding[2] + padding[3] < kernelSize[1]) continue;
      const a = attributesOf(inShape, kernelSize, stride, padding);
      const x = trial % 2 === 0 ? integers(random, size(inShape)) : random.values(size(inShape), -1, 1);
      check(a, x, random);
    }
  });

  it('sends the gradient of a tie to the first maximum in row-major window order', () => {
    const a = attributesOf([1, 1, 2, 3], [2, 3], [1, 1], [0, 0, 0, 0]);
    const x = new Float32Array([1, 5, 5, 5, 2, 5]);
    const dx = poolKernels.maxPool2dBackward(wrap(new Float32Array([7]), [1, 1, 1, 1]), wrap(x, a.inShape), a).handle;
    expect(Array.from(dx)).toEqual([0, 7, 0, 0, 0, 0]);
  });

  it('never lets a padding cell win a max or count in an average', () => {
    // All values negative: a zero padding cell would win the max if it were counted.
    const a = attributesOf([1, 1, 2, 2], [3, 3], [1, 1], [1, 1, 1, 1]);
    const x = new Float32Array([-1, -2, -3, -4]);
    expect(Array.from(poolKernels.maxPool2d(wrap(x, a.inShape), a).handle)).toEqual([-1, -1, -1, -1]);
    expect(Array.from(poolKernels.avgPool2d(wrap(x, a.inShape), a).handle)).toEqual([-2.5, -2.5, -2.5, -2.5]);
    const dx = poolKernels.avgPool2dBackward(wrap(new Float32Array([4, 4, 4, 4]), a.outShape), a).handle;
    // Each of the 4 windows holds all 4 cells: each cell gets 4 * (4 / 4).
    expect(Array.from(dx)).toEqual([4, 4, 4, 4]);
  });

  it('propagates NaN (first NaN wins) and handles -Infinity and windows of padding only', () => {
    const a = attributesOf([1, 1, 1, 4], [1, 2], [1, 2], [0, 0, 0, 0]);
    const x = new Float32Array([NaN, 3, -Infinity, -Infinity]);
    expect(Array.from(poolKernels.maxPool2d(wrap(x, a.inShape), a).handle)).toEqual([NaN, -Infinity]);
    const dx = poolKernels.maxPool2dBackward(wrap(new Float32Array([1, 2]), a.outShape), wrap(x, a.inShape), a).handle;
    expect(Array.from(dx)).toEqual([1, 0, 2, 0]);
    // Padding 2 around a 1x1 input with a 1x1 kernel: 24 of the 25 windows hold no real cell.
    const b = attributesOf([1, 1, 1, 1], [1, 1], [1, 1], [2, 2, 2, 2]);
    const y = Array.from(poolKernels.maxPool2d(wrap(new Float32Array([5]), b.inShape), b).handle);
    expect(y.filter((v) => v === -Infinity)).toHaveLength(24);
    expect(y[12]).toBe(5);
    expect(Array.from(poolKernels.avgPool2d(wrap(new Float32Array([5]), b.inShape), b).handle)[0]).toBe(0);
  });
});
