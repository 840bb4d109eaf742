import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/random.js';
import { gemm, matmulKernels, matrixView, TILE_COLUMNS, TILE_ROWS } from './matmul.js';
import { wrap } from './storage.js';

/**
 * Naive float64 batched matmul, written independently of the kernel: explicit broadcasting of
 * batch indices, (i, j, p) loops, products summed in ascending p.
 */
function naiveMatmul(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; values: Float64Array; magnitudes: Float64Array } {
  const m = transposeA ? aShape.at(-1)! : aShape.at(-2)!;
  const k = transposeA ? aShape.at(-2)! : aShape.at(-1)!;
  const n = transposeB ? bShape.at(-2)! : bShape.at(-1)!;
  const rank = Math.max(aShape.length, bShape.length);
  const aBatch = [...Array(rank - aShape.length).fill(1), ...aShape.slice(0, -2)];
  const bBatch = [...Array(rank - bShape.length).fill(1), ...bShape.slice(0, -2)];
  // Equal sizes, or one of them is 1 and the other wins (also 0).
  const batch = aBatch.map((d, axis) => (d === 1 ? bBatch[axis] : d));
  const batchCount = batch.reduce((s, d) => s * d, 1);
  const values = new Float64Array(batchCount * m * n);
  const magnitudes = new Float64Array(values.length);
  for (let t = 0; t < batchCount; t++) {
    // Decompose t into a batch index and map it to each operand (size-1 axes broadcast).
    let rest = t;
    let aIndex = 0;
    let bIndex = 0;
    let aScale = 1;
    let bScale = 1;
    for (let axis = rank - 3; axis >= 0; axis--) {
      const i = rest % batch[axis];
      rest = Math.floor(rest / batch[axis]);
      aIndex += (aBatch[axis] === 1 ? 0 : i) * aScale;
      bIndex += (bBatch[axis] === 1 ? 0 : i) * bScale;
      aScale *= aBatch[axis];
      bScale *= bBatch[axis];
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) {
          const av = a[aIndex * m * k + (transposeA ? p * m + i : i * k + p)];
          const bv = b[bIndex * k * n + (transposeB ? j * k + p : p * n + j)];
          sum += av * bv;
          magnitude += Math.abs(av * bv);
        }
        values[(t * m + i) * n + j] = sum;
        magnitudes[(t * m + i) * n + j] = magnitude;
      }
    }
  }
  return { shape: [...batch, m, n], values, magnitudes };
}

function randomValues(random: SeededRandom, length: number): Float32Array {
  return random.values(length, -2, 2);
}

function runMatmul(random: SeededRandom, aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean) {
  const a = randomValues(random, aShape.reduce((s, d) => s * d, 1));
  const b = randomValues(random, bShape.reduce((s, d) => s * d, 1));
  const expected = naiveMatmul(a, aShape, b, bShape, transposeA, transposeB);
  const result = matmulKernels.matmul(wrap(a, aShape), wrap(b, bShape), { transposeA, transposeB, outShape: expected.shape });
  return { result, expected };
}

const gamma = (n: number) => (n * 2 ** -24) / (1 - n * 2 ** -24);

describe('reference matmul', () => {
  const random = new SeededRandom(20240611);

  it('equals the float64 dot product rounded once, for random odd, unit and empty sizes and every transpose', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 7, 11, 13, 17];
    let checked = 0;
    for (let trial = 0; trial < 120; trial++) {
      const [m, n, k] = [random.pick(sizes), random.pick(sizes), random.pick(sizes)];
      const transposeA = trial % 2 === 1;
      const transposeB = trial % 4 >= 2;
      const aShape = transposeA ? [k, m] : [m, k];
      const bShape = transposeB ? [n, k] : [k, n];
      const { result, expected } = runMatmul(random, aShape, bShape, transposeA, transposeB);
      expect(result.shape).toEqual([m, n]);
      expect(result.dtype).toBe('float32');
      // The kernel's documented numerics: exactly fround(float64 sum in ascending k), which is far
      // inside the float32 bound gamma(k) * sum |a b| that any backend must meet.
      expect(Array.from(result.handle as Float32Array)).toEqual(Array.from(expected.values, Math.fround));
      checked += m * n;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('broadcasts batch dimensions of different ranks, with transposes', () => {
    const cases: [number[], number[]][] = [
      [[2, 3, 4], [4, 5]],
      [[3, 4], [2, 4, 5]],
      [[2, 1, 3, 4], [3, 4, 5]],
      [[1, 3, 4], [2, 1, 4, 5]],
      [[2, 3, 3, 4], [2, 3, 4, 5]],
      [[0, 3, 4], [4, 5]],
      [[5, 1, 1], [1, 1, 6]],
    ];
    for (const [aShape, bShape] of cases) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const a = transposeA ? [...aShape.slice(0, -2), aShape.at(-1)!, aShape.at(-2)!] : aShape;
          const b = transposeB ? [...bShape.slice(0, -2), bShape.at(-1)!, bShape.at(-2)!] : bShape;
          const { result, expected } = runMatmul(random, a, b, transposeA, transposeB);
          expect(result.shape).toEqual(expected.shape);
          expect(Array.from(result.handle as Float32Array)).toEqual(Array.from(expected.values, Math.fround));
        }
      }
    }
  });

  it('handles sizes that cross tile and cache-block boundaries (within gamma(k) of float64)', () => {
    // depth 700 makes a cache block 92 columns wide, so 300 columns span four blocks.
    const cases: [number, number, number][] = [
      [TILE_ROWS * 7 + 1, TILE_COLUMNS * 75 + 3, 700],
      [64, 65, 66],
      [1, 300, 129],
      [300, 1, 129],
    ];
    for (const [m, n, k] of cases) {
      const { result, expected } = runMatmul(random, [m, k], [k, n], false, false);
      const actual = result.handle as Float32Array;
      for (let i = 0; i < actual.length; i++) {
        expect(actual[i]).toBe(Math.fround(expected.values[i]));
        expect(Math.abs(actual[i] - expected.values[i])).toBeLessThanOrEqual(gamma(k) * expected.magnitudes[i]);
      }
    }
  });

  it('gives zeros for an empty inner dimension', () => {
    const result = matmulKernels.matmul(wrap(new Float32Array(0), [3, 0]), wrap(new Float32Array(0), [0, 2]), {
      transposeA: false,
      transposeB: false,
      outShape: [3, 2],
    });
    expect(Array.from(result.handle as Float32Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('propagates infinities and NaN only to the elements they touch (zero padding of panels stays out)', () => {
    // a = [[inf, 1], [1, 1]] times the identity.
    const a = new Float32Array([Infinity, 1, 1, 1]);
    const b = new Float32Array([1, 0, 0, 1]);
    const result = matmulKernels.matmul(wrap(a, [2, 2]), wrap(b, [2, 2]), { transposeA: false, transposeB: false, outShape: [2, 2] });
    // inf*1 + 1*0 = inf; inf*0 + 1*1 = NaN (IEEE); row 1 is untouched by the infinity.
    expect(Array.from(result.handle as Float32Array)).toEqual([Infinity, NaN, 1, 1]);
  });

  it('gemm with accumulate adds the product to the output', () => {
    const [m, n, k] = [5, 6, 7];
    const a = randomValues(random, m * k);
    const b = randomValues(random, k * n);
    const output = randomValues(random, m * n);
    const expected = naiveMatmul(a, [m, k], b, [k, n], false, false);
    const initial = output.slice();
    gemm(m, n, k, matrixView(a, 0, m, k), matrixView(b, 0, k, n), output, 0, true);
    for (let i = 0; i < m * n; i++) expect(output[i]).toBe(Math.fround(initial[i] + expected.values[i]));
  });
});
