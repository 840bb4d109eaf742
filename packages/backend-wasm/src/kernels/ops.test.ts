import { referenceBackend, type Backend, type KernelTensor } from '@lowbit/tensor';
import { SeededRandom } from '@lowbit/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../backend.js';

// pow, where, argmax and reductions over scattered axes against the reference backend, beyond
// the conformance cases: special values everywhere, int32 branches, and sums compared bit for bit
// (both add the same float64 terms in the same order). Two threads splitting every call, so the
// parts and tails are covered too.
const backend = wasmBackend({ threads: 2, name: 'wasm (ops test)', splitAllWork: true });
beforeAll(() => backend.ready());
afterAll(() => backend.shutdown());

const SPECIALS = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3.4e38, 1e-3, 7.25, -7.25, 0.999, 1.001];

function values(length: number, seed: number, scale = 4): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from(random.values(length), (value) => (value - 0.5) * 2 * scale);
}

function on(target: Backend, inputs: readonly { values: Float32Array | Int32Array; shape: number[] }[], run: (b: Backend, t: KernelTensor[]) => KernelTensor): Float32Array | Int32Array {
  const tensors = inputs.map(({ values, shape }) => target.upload(values, shape, values instanceof Int32Array ? 'int32' : 'float32'));
  return target.download(run(target, tensors));
}

function both(inputs: readonly { values: Float32Array | Int32Array; shape: number[] }[], run: (b: Backend, t: KernelTensor[]) => KernelTensor) {
  return { wasm: on(backend, inputs, run), reference: on(referenceBackend, inputs, run) };
}

const bitsOf = (array: Float32Array | Int32Array) => Array.from(new Int32Array(array.buffer, array.byteOffset, array.length));

describe('pow follows JavaScript Math.pow', () => {
  it('every pair of special values (pow(±1, ±Inf) and pow(1, NaN) are NaN, unlike C)', () => {
    const n = SPECIALS.length;
    const { wasm, reference } = both([{ values: Float32Array.from(SPECIALS), shape: [n, 1] }, { values: Float32Array.from(SPECIALS), shape: [1, n] }],
      (b, [x, y]) => b.kernels.pow(x, y, { outShape: [n, n] }));
    for (let i = 0; i < n * n; i++) {
      const label = `pow(${SPECIALS[Math.floor(i / n)]}, ${SPECIALS[i % n]})`;
      if (Number.isNaN(reference[i])) expect(Number.isNaN(wasm[i]), label).toBe(true);
      else expect(Object.is(wasm[i], reference[i]) || Math.abs(wasm[i] - reference[i]) <= Math.abs(reference[i]) * 2 ** -23, label).toBe(true);
    }
  });

  it('random bases and exponents: within one float32 ulp, almost always equal', () => {
    const n = 100_000;
    const base = Float32Array.from(values(n, 1), (v) => Math.abs(v) * 8);
    const exponent = values(n, 2, 12);
    const { wasm, reference } = both([{ values: base, shape: [n] }, { values: exponent, shape: [n] }], (b, [x, y]) => b.kernels.pow(x, y, { outShape: [n] }));
    let different = 0;
    for (let i = 0; i < n; i++) {
      if (Object.is(wasm[i], reference[i])) continue;
      different++;
      expect(Math.abs(wasm[i] - reference[i]), `pow(${base[i]}, ${exponent[i]})`).toBeLessThanOrEqual(Math.abs(reference[i]) * 2 ** -23);
    }
    expect(different).toBeLessThan(n / 1000);
  });
});

describe('where', () => {
  it('float32 condition (NaN selects a, -0 selects b) with every operand broadcast', () => {
    const condition = Float32Array.from([NaN, 0, -0, 2, -1, Infinity, 0, 1]);
    const a = values(3 * 8, 3);
    const b = Float32Array.from([NaN, -0, 5]);
    const { wasm, reference } = both([{ values: condition, shape: [1, 8] }, { values: a, shape: [3, 8] }, { values: b, shape: [3, 1] }],
      (t, [c, x, y]) => t.kernels.where(c, x, y, { outShape: [3, 8] }));
    expect(bitsOf(wasm)).toEqual(bitsOf(reference));
  });

  it('int32 condition and int32 branches, long rows (SIMD and tails)', () => {
    const n = 1003;
    const condition = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i - 500));
    const a = Int32Array.from({ length: n }, (_, i) => i * 7919 - 2 ** 31);
    const b = Int32Array.from({ length: 1 }, () => 2 ** 31 - 1);
    const { wasm, reference } = both([{ values: condition, shape: [n] }, { values: a, shape: [n] }, { values: b, shape: [1] }],
      (t, [c, x, y]) => t.kernels.where(c, x, y, { outShape: [n] }));
    expect(wasm).toBeInstanceOf(Int32Array);
    expect(Array.from(wasm)).toEqual(Array.from(reference));
  });
});

describe('reductions over any axes equal the reference bit for bit', () => {
  const shape = [3, 5, 4, 67];
  const x = values(shape.reduce((p, d) => p * d), 4);
  x.set([NaN, 2, NaN], 100);
  x.set([Infinity, -Infinity], 700);
  const ties = Float32Array.from(values(x.length, 5), (v) => Math.round(v));
  const axisSets = [[0], [1], [3], [0, 2], [1, 3], [0, 1, 3], [0, 2, 3], [0, 1, 2, 3], [2]];
  for (const op of ['sum', 'mean', 'max', 'argmax'] as const) {
    for (const axes of axisSets) {
      it(`${op} over axes [${axes}] of [${shape}]`, () => {
        const outShape = shape.filter((_, axis) => !axes.includes(axis));
        for (const input of [x, ties]) {
          const { wasm, reference } = both([{ values: input, shape }], (t, [tensor]) => t.kernels[op](tensor, { axes, keepDims: false, outShape }));
          expect(bitsOf(wasm)).toEqual(bitsOf(reference));
        }
      });
    }
  }

  it('argmax: NaN wins at its first occurrence, -Infinity rows and empty reductions', () => {
    const rows = Float32Array.from([-Infinity, -Infinity, -Infinity, 1, NaN, 2, NaN, 3, 5, 5, 4, 5]);
    const { wasm, reference } = both([{ values: rows, shape: [3, 4] }], (t, [tensor]) => t.kernels.argmax(tensor, { axes: [1], keepDims: false, outShape: [3] }));
    expect(Array.from(wasm)).toEqual([3, 0, 0]);
    expect(Array.from(wasm)).toEqual(Array.from(reference));
  });
});
