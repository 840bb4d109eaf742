import { referenceBackend, type Backend } from '@lowbit/tensor';
import { SeededRandom } from '@lowbit/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../backend.js';
import { reductionLayout } from './reduce.js';

// sum, mean, max and argmax against the reference backend bit for bit (Uint32Array views: NaN
// payloads and -0 count), for the axis sets training uses, on one thread and on two threads that
// split every call (so units, tails and the merge of argmax lanes are all covered).
const one = wasmBackend({ threads: 1, name: 'wasm-1 (reduce test)' });
const two = wasmBackend({ threads: 2, name: 'wasm-2 (reduce test)', splitAllWork: true });
/** Splits only calls large enough (the default): the split that training gets. */
const twoDefault = wasmBackend({ threads: 2, name: 'wasm-2 default (reduce test)' });
beforeAll(() => Promise.all([two.ready(), twoDefault.ready()]));
afterAll(() => Promise.all([two.shutdown(), twoDefault.shutdown()]));

const OPS = ['sum', 'mean', 'max', 'argmax'] as const;

/** Input data sets: each is a function of the element count. */
const DATA: Record<string, (length: number, random: SeededRandom) => Float32Array> = {
  'random values': (length, random) => Float32Array.from({ length }, () => random.uniform(-4, 4)),
  // A few NaN and ±Infinity: some outputs become NaN (sum, max), others not; argmax finds the first NaN.
  'sparse NaN and ±Infinity': (length, random) =>
    Float32Array.from({ length }, () => {
      const draw = random.next();
      return draw < 0.004 ? NaN : draw < 0.008 ? Infinity : draw < 0.012 ? -Infinity : random.uniform(-4, 4);
    }),
  // Ties everywhere: the first maximum wins, and max keeps the first of -0 and 0.
  'ties and signed zeros': (length, random) => Float32Array.from({ length }, () => random.pick([-0, 0, -0, 0, 1, -1, 1])),
  // Sums whose float64 result depends on the order of the additions: a few ±2^40 (each small
  // value added next to one loses its low bits, and where they cancel the loss shows in float32),
  // and terms that a float32 accumulator would lose (1e8 + 1).
  'order-sensitive magnitudes': (length, random) =>
    Float32Array.from({ length }, () => {
      const draw = random.next();
      return draw < 0.01 ? 2 ** 40 : draw < 0.02 ? -(2 ** 40) : draw < 0.04 ? random.pick([1e8, -1e8]) : random.uniform(-4, 4);
    }),
  // Mostly -Infinity: whole outputs of -Infinity (argmax 0), and a NaN after a finite maximum.
  'mostly -Infinity': (length, random) =>
    Float32Array.from({ length }, () => {
      const draw = random.next();
      return draw < 0.01 ? NaN : draw < 0.05 ? random.uniform(-4, 4) : -Infinity;
    }),
};

const bits = (values: Float32Array | Int32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

function run(backend: Backend, op: (typeof OPS)[number], values: Float32Array, shape: number[], axes: number[], keepDims: boolean): Float32Array | Int32Array {
  const outShape = shape.map((size, axis) => (axes.includes(axis) ? 1 : size)).filter((_, axis) => keepDims || !axes.includes(axis));
  const x = backend.upload(values, shape, 'float32');
  const result = backend.kernels[op](x, { axes, keepDims, outShape });
  expect(result.shape).toEqual(outShape);
  return backend.download(result);
}

/** Every op and data set, keepDims both ways, on both wasm backends, against the reference. */
function expectReference(shape: number[], axes: number[], seed: number): void {
  const length = shape.reduce((p, d) => p * d, 1);
  for (const [name, data] of Object.entries(DATA)) {
    const values = data(length, new SeededRandom(seed));
    for (const op of OPS) {
      for (const keepDims of [false, true]) {
        const expected = bits(run(referenceBackend, op, values, shape, axes, keepDims));
        for (const backend of [one, two]) {
          const label = `${op} over [${axes}] of [${shape}], ${name}, keepDims ${keepDims}, ${backend.name}`;
          expect(bits(run(backend, op, values, shape, axes, keepDims)), label).toEqual(expected);
        }
      }
    }
  }
}

describe('reductions equal the reference backend bit for bit', () => {
  // Kept sizes 1, 3, 6 (LeNet-5), 64; inner runs of 35 (8-wide loop, a 4-wide step, 3 single
  // positions) and of 7.
  const cases: { axes: number[]; shapes: number[][] }[] = [
    { axes: [0, 2, 3], shapes: [[4, 1, 5, 7], [4, 3, 5, 7], [4, 6, 5, 7], [3, 64, 5, 7], [2, 6, 4, 4], [5, 9, 1, 3]] },
    { axes: [0, 2], shapes: [[4, 3, 5, 7], [3, 64, 5, 7], [4, 6, 5, 1]] },
    { axes: [0, 3], shapes: [[4, 1, 5, 7], [4, 3, 5, 7], [3, 64, 2, 7]] },
    { axes: [0], shapes: [[37, 1], [37, 3], [37, 6], [37, 64], [64, 120]] },
    { axes: [1], shapes: [[64, 10], [3, 1001], [6, 2]] },
    { axes: [1, 2, 3], shapes: [[6, 3, 5, 7]] },
    { axes: [0, 1, 2, 3], shapes: [[4, 3, 5, 7]] },
    { axes: [1], shapes: [[4, 6, 35]] },
  ];
  let seed = 1;
  for (const { axes, shapes } of cases) {
    for (const shape of shapes) {
      const caseSeed = seed++;
      it(`over axes [${axes}] of [${shape}]`, () => expectReference(shape, axes, caseSeed));
    }
  }

  it('argmax merges lanes by position: the first NaN and the first of equal maxima win', () => {
    // One kept index, 64 positions: lanes see their values in different orders than the walk.
    const values = new Float32Array(64).fill(1);
    values[13] = 5;
    values[6] = 5;
    values[50] = NaN;
    values[41] = NaN;
    const shape = [2, 1, 32];
    for (const backend of [one, two]) {
      expect(Array.from(run(backend, 'argmax', values, shape, [0, 2], false))).toEqual([41]);
      values[41] = 2;
      values[50] = 2;
      expect(Array.from(run(backend, 'argmax', values, shape, [0, 2], false))).toEqual([6]);
      values[41] = NaN;
      values[50] = NaN;
    }
  });

  it("LeNet-5's 6 channels (50176 values each) keep both threads busy, with the same bits", () => {
    const shape = [64, 6, 28, 28];
    const values = DATA['random values'](shape.reduce((p, d) => p * d, 1), new SeededRandom(99));
    for (const op of ['sum', 'mean'] as const) {
      const before = twoDefault.parallelRuns();
      const split = bits(run(twoDefault, op, values, shape, [0, 2, 3], false));
      expect(twoDefault.parallelRuns()).toBe(before + 1);
      expect(split).toEqual(bits(run(one, op, values, shape, [0, 2, 3], false)));
      expect(split).toEqual(bits(run(referenceBackend, op, values, shape, [0, 2, 3], false)));
    }
  });

  it('zero elements: sum 0, mean NaN, max -Infinity', () => {
    for (const backend of [one, two]) {
      const shape = [0, 3, 2, 2];
      expect(bits(run(backend, 'sum', new Float32Array(0), shape, [0, 2, 3], false))).toEqual(bits(new Float32Array(3)));
      expect(Array.from(run(backend, 'mean', new Float32Array(0), shape, [0, 2, 3], false))).toEqual([NaN, NaN, NaN]);
      expect(Array.from(run(backend, 'max', new Float32Array(0), shape, [0, 2, 3], false))).toEqual([-Infinity, -Infinity, -Infinity]);
    }
  });
});

describe('reductionLayout reads x without a transpose whenever the axes allow', () => {
  const table: { shape: number[]; axes: number[]; layout: ReturnType<typeof reductionLayout> }[] = [
    // Batch norm and convolution bias gradients: kept channels between reduced blocks.
    { shape: [32, 64, 32, 32], axes: [0, 2, 3], layout: { kernel: 'channels', outer: 32, kept: 64, inner: 1024 } },
    { shape: [64, 6, 28, 28], axes: [0, 2, 3], layout: { kernel: 'channels', outer: 64, kept: 6, inner: 784 } },
    { shape: [8, 4, 5, 6], axes: [0, 3], layout: { kernel: 'channels', outer: 8, kept: 20, inner: 6 } },
    // Trailing axes (softmax, per-row losses) and every axis.
    { shape: [64, 10], axes: [1], layout: { kernel: 'channels', outer: 1, kept: 64, inner: 10 } },
    { shape: [64, 10], axes: [0, 1], layout: { kernel: 'channels', outer: 1, kept: 1, inner: 640 } },
    // Leading axes: vectorised over the kept values, side by side in each row.
    { shape: [64, 6], axes: [0], layout: { kernel: 'block', outer: 1, reduce: 64, inner: 6 } },
    { shape: [64, 120], axes: [0], layout: { kernel: 'block', outer: 1, reduce: 64, inner: 120 } },
    { shape: [64, 1], axes: [0], layout: { kernel: 'channels', outer: 1, kept: 1, inner: 64 } },
    // A middle axis, and no axis at all.
    { shape: [4, 5, 6], axes: [1], layout: { kernel: 'block', outer: 4, reduce: 5, inner: 6 } },
    { shape: [4, 5, 6], axes: [], layout: { kernel: 'block', outer: 1, reduce: 1, inner: 120 } },
    // Size-1 axes are dropped: [0, 2] of [N, C, H, 1] is [0, 2, 3].
    { shape: [4, 6, 5, 1], axes: [0, 2], layout: { kernel: 'channels', outer: 4, kept: 6, inner: 5 } },
    { shape: [32, 64, 1, 1], axes: [0, 2, 3], layout: { kernel: 'block', outer: 1, reduce: 32, inner: 64 } },
    { shape: [1, 1], axes: [1], layout: { kernel: 'channels', outer: 1, kept: 1, inner: 1 } },
    // Scattered: transposed first.
    { shape: [4, 3, 5, 7], axes: [0, 2], layout: null },
    { shape: [4, 3, 5, 7], axes: [1, 3], layout: null },
  ];
  for (const { shape, axes, layout } of table) {
    it(`axes [${axes}] of [${shape}]`, () => expect(reductionLayout(shape, axes)).toEqual(layout));
  }
});

describe('a NaN input after Infinity - Infinity keeps its sign, as in the reference', () => {
  // The reference's JavaScript gives the NaN of the new value when both operands of an addition
  // are NaN; the kernels put the new value first (x64 keeps the first operand's NaN).
  const sequence = [Infinity, -Infinity, NaN, 1];
  const table: { shape: number[]; axes: number[]; at: (step: number, output: number) => number[] }[] = [
    { shape: [4, 3], axes: [0], at: (step, output) => [step, output] },
    { shape: [4, 20], axes: [0], at: (step, output) => [step, output] },
    { shape: [4, 257], axes: [0], at: (step, output) => [step, output] },
    { shape: [5, 4], axes: [1], at: (step, output) => [output, step] },
    { shape: [2, 3, 1, 2], axes: [0, 2, 3], at: (step, output) => [step >> 1, output, 0, step & 1] },
    { shape: [3, 4, 2], axes: [1], at: (step, output) => [output >> 1, step, output & 1] },
  ];
  for (const { shape, axes, at } of table) {
    it(`${axes.length > 1 ? 'axes' : 'axis'} [${axes}] of [${shape}]`, () => {
      const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((p, d) => p * d, 1));
      const outputs = shape.filter((_, axis) => !axes.includes(axis)).reduce((p, d) => p * d, 1);
      const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
      for (let output = 0; output < outputs; output++) {
        sequence.forEach((value, step) => (values[at(step, output).reduce((offset, index, axis) => offset + index * strides[axis], 0)] = value));
      }
      for (const op of ['sum', 'mean'] as const) {
        const expected = bits(run(referenceBackend, op, values, shape, axes, false));
        expect(expected).toEqual(new Array(outputs).fill(0x7fc00000));
        for (const backend of [one, two]) expect(bits(run(backend, op, values, shape, axes, false)), `${op}, ${backend.name}`).toEqual(expected);
      }
    });
  }
});
