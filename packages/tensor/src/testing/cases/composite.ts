/**
 * Conformance cases of the composite ops (min, argmin, softmax, logSoftmax, stack). They call
 * only catalog ops, so these cases mostly check that the composition is right on each backend.
 */
import { argmin, logSoftmax, min, softmax, stack } from '../../ops/composite.js';
import { FLOAT32_UNIT_ROUNDOFF, expectTensor } from '../assert.js';
import { defineCases, type ConformanceCase } from '../case.js';
import { coordinatesOf, groupForReduction, indexOf } from '../nd.js';

const u = FLOAT32_UNIT_ROUNDOFF;

/** Per-element softmax / logSoftmax in float64 along the last axis of [rows, n]. */
function softmaxRows(values: ArrayLike<number>, rows: number, n: number, log: boolean): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: n }, (_, j) => values[r * n + j]);
    const top = Math.max(...row);
    const total = row.reduce((s, v) => s + Math.exp(v - top), 0);
    row.forEach((v, j) => (out[r * n + j] = log ? v - top - Math.log(total) : Math.exp(v - top) / total));
  }
  return out;
}

export const compositeOpCases: ConformanceCase[] = [
  ...defineCases('min', {
    'over an axis and over all': (c) => {
      const x = c.integers([3, 5]);
      const { groups } = groupForReduction(x.data(), [3, 5], [1]);
      expectTensor(min(x, { axis: -1 }), { shape: [3], values: groups.map((g) => Math.min(...g)) });
      expectTensor(min(x), { shape: [], values: [Math.min(...x.data())] });
    },
  }),
  ...defineCases('argmin', {
    'first minimum wins': (c) => {
      const x = c.integers([4, 6], -2, 2);
      const { groups } = groupForReduction(x.data(), [4, 6], [1]);
      expectTensor(argmin(x, { axis: 1 }), { shape: [4], values: groups.map((g) => g.indexOf(Math.min(...g))), dtype: 'int32' });
    },
  }),
  ...defineCases('softmax', {
    'rows sum to one; large logits do not overflow': (c) => {
      const x = c.uniform([3, 7], -5, 5);
      expectTensor(softmax(x), { shape: [3, 7], values: softmaxRows(x.data(), 3, 7, false) }, { relative: 32 * u, absolute: 1e-30 });
      const big = c.tensor([1000, 1001, 999, -1000], [1, 4]);
      expectTensor(softmax(big), { shape: [1, 4], values: softmaxRows(big.data(), 1, 4, false) }, { relative: 32 * u, absolute: 1e-30 });
    },
    'along axis 0': (c) => {
      const x = c.uniform([4, 2]);
      const values = x.data();
      const transposed = Float32Array.from({ length: 8 }, (_, i) => values[(i % 4) * 2 + Math.floor(i / 4)]);
      const rows = softmaxRows(transposed, 2, 4, false);
      const expected = Array.from({ length: 8 }, (_, i) => {
        const [r, col] = coordinatesOf(i, [4, 2]);
        return rows[indexOf([col, r], [2, 4])];
      });
      expectTensor(softmax(x, 0), { shape: [4, 2], values: expected }, { relative: 32 * u, absolute: 1e-30 });
    },
  }),
  ...defineCases('logSoftmax', {
    'matches x - max - log(sum(exp(x - max)))': (c) => {
      const x = c.uniform([3, 9], -10, 10);
      const expected = softmaxRows(x.data(), 3, 9, true);
      expectTensor(logSoftmax(x), { shape: [3, 9], values: expected }, { relative: 16 * u, absolute: 64 * u });
    },
  }),
  ...defineCases('stack', {
    'along a new first, middle and last axis': (c) => {
      const a = c.uniform([2, 3]);
      const b = c.uniform([2, 3]);
      const [va, vb] = [a.data(), b.data()];
      expectTensor(stack([a, b]), { shape: [2, 2, 3], values: [...va, ...vb] });
      const middle = Array.from({ length: 12 }, (_, i) => {
        const [r, which, col] = coordinatesOf(i, [2, 2, 3]);
        return (which === 0 ? va : vb)[r * 3 + col];
      });
      expectTensor(stack([a, b], 1), { shape: [2, 2, 3], values: middle });
      const last = Array.from({ length: 12 }, (_, i) => {
        const [r, col, which] = coordinatesOf(i, [2, 3, 2]);
        return (which === 0 ? va : vb)[r * 3 + col];
      });
      expectTensor(stack([a, b], -1), { shape: [2, 3, 2], values: last });
    },
  }),
];
