import { referenceBackend, type Backend, type Pool2dAttributes } from '@lowbit/tensor';
import { SeededRandom } from '@lowbit/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend, type WasmBackend } from '../backend.js';

// Pooling and its gradients against the reference backend, bit for bit (-0 and NaN included), on
// every path of assembly/pool.ts: the SIMD pairs (2-wide windows at stride 2) with scalar windows
// on both sides, non-overlapping windows written directly (covered or not, padded or not),
// overlapping windows accumulated in float64, windows made only of padding. One thread, and two
// splitting every call by plane groups (plane counts that are not a multiple of the group).
const one = wasmBackend({ threads: 1, name: 'wasm-1 (pool test)' });
const two = wasmBackend({ threads: 2, name: 'wasm-2 (pool test)', splitAllWork: true });
beforeAll(() => two.ready());
afterAll(() => two.shutdown());

type Quad = readonly [number, number, number, number];
type Pair = readonly [number, number];

interface PoolCase {
  readonly name: string;
  readonly inShape: Quad;
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding?: Quad;
}

const CASES: readonly PoolCase[] = [
  { name: '2x2 stride 2, LeNet-5 size (SIMD blocks, the last one overlapping)', inShape: [3, 5, 28, 28], kernelSize: [2, 2], stride: [2, 2] },
  { name: '2x2 stride 2, LeNet-5 second layer', inShape: [2, 16, 10, 10], kernelSize: [2, 2], stride: [2, 2] },
  { name: '2x2 stride 2, wide rows (several SIMD blocks)', inShape: [2, 3, 6, 40], kernelSize: [2, 2], stride: [2, 2] },
  { name: '2x2 stride 2, 5x5 (last row and column uncovered)', inShape: [2, 3, 5, 5], kernelSize: [2, 2], stride: [2, 2] },
  { name: '2x2 stride 2, 9x19 (last column uncovered, SIMD blocks)', inShape: [1, 7, 9, 19], kernelSize: [2, 2], stride: [2, 2] },
  { name: '2x2 stride 2, 37 planes (plane groups uneven)', inShape: [1, 37, 6, 18], kernelSize: [2, 2], stride: [2, 2] },
  { name: '2x2 stride 2, padding 1 (partial windows on every side)', inShape: [2, 3, 7, 20], kernelSize: [2, 2], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: '2x2 stride 2, padding bottom and right (ceil mode)', inShape: [2, 3, 7, 19], kernelSize: [2, 2], stride: [2, 2], padding: [0, 1, 0, 1] },
  { name: '2x2 stride 2, windows made only of padding', inShape: [1, 3, 3, 12], kernelSize: [2, 2], stride: [2, 2], padding: [2, 2, 2, 2] },
  { name: '3x2 stride (3, 2) (SIMD over three rows)', inShape: [2, 3, 9, 24], kernelSize: [3, 2], stride: [3, 2] },
  { name: '2x2 stride (3, 2) (rows between windows uncovered)', inShape: [2, 3, 11, 16], kernelSize: [2, 2], stride: [3, 2] },
  { name: '2x2 stride (1, 2) (rows overlap: float64 accumulation)', inShape: [2, 3, 7, 16], kernelSize: [2, 2], stride: [1, 2] },
  { name: '3x3 stride 3', inShape: [2, 3, 12, 12], kernelSize: [3, 3], stride: [3, 3] },
  { name: '3x3 stride 3, 10x11 (uncovered)', inShape: [2, 2, 10, 11], kernelSize: [3, 3], stride: [3, 3] },
  { name: '2x3 stride 4 (gaps between windows)', inShape: [2, 2, 11, 17], kernelSize: [2, 3], stride: [4, 4] },
  { name: '1x1 stride 1', inShape: [2, 2, 3, 5], kernelSize: [1, 1], stride: [1, 1] },
  { name: '3x3 stride 2, padding 1 (overlapping, padded)', inShape: [2, 3, 13, 14], kernelSize: [3, 3], stride: [2, 2], padding: [1, 1, 1, 1] },
  { name: '3x3 stride 1', inShape: [2, 2, 8, 9], kernelSize: [3, 3], stride: [1, 1] },
  { name: '3x3 stride 2, padding 3 (windows made only of padding, overlapping)', inShape: [1, 2, 4, 5], kernelSize: [3, 3], stride: [2, 2], padding: [3, 3, 3, 3] },
];

function attributesOf({ inShape, kernelSize, stride, padding = [0, 0, 0, 0] }: PoolCase): Pool2dAttributes {
  const out = [0, 1].map((axis) => Math.floor((inShape[2 + axis] + padding[2 * axis] + padding[2 * axis + 1] - kernelSize[axis]) / stride[axis]) + 1);
  return { kernelSize, stride, padding, inShape, outShape: [inShape[0], inShape[1], out[0], out[1]] };
}

const sizeOf = (shape: readonly number[]) => shape.reduce((product, dimension) => product * dimension, 1);
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-40, 3e-45, 3.4e38, -3.4e38];

/** Inputs: spread values, ties (small integers, zeros of both signs), and specials among ties. */
function inputs(length: number, seed: number): Record<string, Float32Array> {
  const random = new SeededRandom(seed);
  const spread = random.values(length, -4, 4);
  const ties = Float32Array.from({ length }, () => random.integer(-2, 2) || random.pick([0, -0]));
  const specials = Float32Array.from(ties, (value) => (random.uniform() < 0.3 ? random.pick(SPECIALS) : value));
  return { spread, ties, specials };
}

/** Output gradients with -0, NaN, infinities and values whose quarter or ninth is subnormal. */
function gradients(length: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from(random.values(length, -1, 1), (value) => (random.uniform() < 0.3 ? random.pick(SPECIALS) : value));
}

/**
 * The bits of each value, every NaN as the canonical quiet NaN: the sign of a NaN made by
 * Infinity - Infinity (averages, sums of gradients) is not the reference's to give, since V8's
 * interpreter stores +NaN and its optimised code x86's default -NaN. -0 still counts.
 */
function bitsOf(values: Float32Array): Uint32Array {
  const bits = Uint32Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
  values.forEach((value, i) => Number.isNaN(value) && (bits[i] = 0x7fc00000));
  return bits;
}

/** The four kernels of one case on one backend, downloaded. */
function poolAll(backend: Backend, attributes: Pool2dAttributes, x: Float32Array, dy: Float32Array): Record<string, Float32Array> {
  const xTensor = backend.upload(x, [...attributes.inShape], 'float32');
  const dyTensor = backend.upload(dy, [...attributes.outShape], 'float32');
  const { kernels } = backend;
  // A freed block of NaNs the gradient's size, which the next allocation reuses: cells no window
  // covers must be written, not left as found.
  const dirty = () => {
    if (backend !== referenceBackend) (backend as WasmBackend).dispose(backend.upload(new Float32Array(x.length).fill(NaN), [...attributes.inShape], 'float32'));
  };
  const results = {
    maxPool2d: kernels.maxPool2d(xTensor, attributes),
    avgPool2d: kernels.avgPool2d(xTensor, attributes),
    maxPool2dBackward: (dirty(), kernels.maxPool2dBackward(dyTensor, xTensor, attributes)),
    avgPool2dBackward: (dirty(), kernels.avgPool2dBackward(dyTensor, attributes)),
  };
  return Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, backend.download(tensor) as Float32Array]));
}

describe('pooling equals the reference bit for bit', () => {
  CASES.forEach((poolCase, index) => {
    it(poolCase.name, () => {
      const attributes = attributesOf(poolCase);
      const dy = gradients(sizeOf(attributes.outShape), 100 + index);
      for (const [data, x] of Object.entries(inputs(sizeOf(attributes.inShape), index))) {
        const expected = poolAll(referenceBackend, attributes, x, dy);
        for (const backend of [one, two]) {
          const actual = poolAll(backend, attributes, x, dy);
          for (const [kernel, values] of Object.entries(expected)) {
            expect(bitsOf(actual[kernel]), `${kernel} of ${data} values on ${backend.name}`).toEqual(bitsOf(values));
          }
        }
      }
    });
  });

  it('windows with every value equal, -Infinity or NaN: the first cell wins', () => {
    const attributes = attributesOf({ name: 'ties', inShape: [1, 3, 4, 16], kernelSize: [2, 2], stride: [2, 2] });
    const x = new Float32Array(sizeOf(attributes.inShape));
    x.fill(-Infinity, 64, 128);
    x.fill(NaN, 128);
    const dy = Float32Array.from({ length: sizeOf(attributes.outShape) }, (_, i) => i + 1);
    const expected = poolAll(referenceBackend, attributes, x, dy);
    // The top-left cell of each window gets its gradient.
    expect(expected.maxPool2dBackward[0]).toBe(1);
    expect(expected.maxPool2dBackward[17]).toBe(0);
    for (const backend of [one, two]) {
      const actual = poolAll(backend, attributes, x, dy);
      for (const [kernel, values] of Object.entries(expected)) expect(bitsOf(actual[kernel]), `${kernel} on ${backend.name}`).toEqual(bitsOf(values));
    }
  });
});
