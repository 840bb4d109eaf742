/**
 * Conformance cases of matmul. Expected values are float64 dot products. A backend may sum in any
 * order, with or without fused multiply-add, in float32: each element may then be off by
 * gamma(k) * sum_p |a_ip b_pj| (the classic dot-product bound). Small-integer inputs make every
 * product and partial sum exact in float32, so those cases compare exactly.
 */
import { matmul } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor.js';
import { expectTensor, gamma } from '../assert.js';
import { defineCases, type CaseContext } from '../case.js';
import { broadcastShape, coordinatesOf, sizeOf } from '../nd.js';

interface Product {
  shape: number[];
  values: Float64Array;
  /** gamma(k) * sum |a b| per element. */
  bounds: Float64Array;
}

/** Float64 batched matmul from the definition, with broadcasting through nd.ts. */
function expectedProduct(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Product {
  const [aValues, bValues] = [a.data(), b.data()];
  const m = a.shape.at(transposeA ? -1 : -2)!;
  const k = a.shape.at(transposeA ? -2 : -1)!;
  const n = b.shape.at(transposeB ? -2 : -1)!;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShape(aBatch, bBatch);
  const shape = [...batch, m, n];
  const values = new Float64Array(sizeOf(shape));
  const bounds = new Float64Array(values.length);
  // One operand element at (output batch coordinates, row, column) of its stored [..., rows, columns].
  const read = (data: ArrayLike<number>, batchShape: number[], rows: number, columns: number, batchAt: number[], row: number, column: number) => {
    const shift = batchAt.length - batchShape.length;
    let matrixIndex = 0;
    batchShape.forEach((dimension, axis) => (matrixIndex = matrixIndex * dimension + (dimension === 1 ? 0 : batchAt[axis + shift])));
    return data[(matrixIndex * rows + row) * columns + column];
  };
  for (let index = 0; index < values.length; index++) {
    const coordinates = coordinatesOf(index, shape);
    const [i, j] = coordinates.slice(-2);
    const batchAt = coordinates.slice(0, -2);
    let sum = 0;
    let magnitude = 0;
    for (let p = 0; p < k; p++) {
      const left = transposeA ? read(aValues, aBatch, k, m, batchAt, p, i) : read(aValues, aBatch, m, k, batchAt, i, p);
      const right = transposeB ? read(bValues, bBatch, n, k, batchAt, j, p) : read(bValues, bBatch, k, n, batchAt, p, j);
      sum += left * right;
      magnitude += Math.abs(left * right);
    }
    values[index] = sum;
    bounds[index] = gamma(k) * magnitude;
  }
  return { shape, values, bounds };
}

/** Shapes of stored operands for a logical [..., m, k] x [..., k, n] product. */
function operandShapes(aBatch: number[], bBatch: number[], m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) {
  return {
    aShape: [...aBatch, ...(transposeA ? [k, m] : [m, k])],
    bShape: [...bBatch, ...(transposeB ? [n, k] : [k, n])],
  };
}

function checkProduct(c: CaseContext, aBatch: number[], bBatch: number[], [m, k, n]: number[], exact = false): void {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const { aShape, bShape } = operandShapes(aBatch, bBatch, m, k, n, transposeA, transposeB);
      const a = exact ? c.integers(aShape) : c.uniform(aShape, -2, 2);
      const b = exact ? c.integers(bShape) : c.uniform(bShape, -2, 2);
      const expected = expectedProduct(a, b, transposeA, transposeB);
      const label = `[${aShape}]${transposeA ? 'ᵀ' : ''} x [${bShape}]${transposeB ? 'ᵀ' : ''}`;
      expectTensor(matmul(a, b, { transposeA, transposeB }), expected, exact ? 'exact' : { bounds: expected.bounds }, label);
    }
  }
}

export const matmulCases = defineCases('matmul', {
  'small integers are exact, every transpose combination': (c) => checkProduct(c, [], [], [3, 4, 5], true),
  'odd sizes, every transpose combination, within gamma(k)': (c) => {
    for (const sizes of [[1, 1, 1], [7, 3, 5], [5, 13, 2], [2, 9, 11]]) checkProduct(c, [], [], sizes);
  },
  'sizes that cross register tiles and cache blocks': (c) => checkProduct(c, [], [], [67, 129, 70]),
  'long inner dimension (k = 2000) within gamma(k)': (c) => checkProduct(c, [], [], [5, 2000, 6]),
  'outer product (k = 1) and dot product (m = n = 1)': (c) => {
    checkProduct(c, [], [], [6, 1, 7], true);
    checkProduct(c, [], [], [1, 300, 1]);
  },
  'batch of equal shapes': (c) => checkProduct(c, [3], [3], [4, 5, 6]),
  'batch broadcasting: size-1 batch axes and different ranks': (c) => {
    checkProduct(c, [2, 1], [3], [3, 4, 5]);
    checkProduct(c, [], [2, 3], [4, 3, 2], true);
    checkProduct(c, [4], [], [2, 6, 3]);
    checkProduct(c, [1, 3, 1], [2, 1, 2], [2, 3, 2]);
  },
  'empty dimensions: m = 0, n = 0, batch 0, and k = 0 gives zeros': (c) => {
    checkProduct(c, [], [], [0, 3, 4], true);
    checkProduct(c, [], [], [3, 4, 0], true);
    checkProduct(c, [0], [1], [2, 3, 4], true);
    checkProduct(c, [2], [], [3, 0, 4], true);
  },
  'infinities and NaN follow IEEE arithmetic and stay in their rows and columns': (c) => {
    const a = c.tensor([[Infinity, 1], [1, 1], [NaN, 0]]);
    const b = c.tensor([[1, 0, 2], [0, 1, 3]]);
    // Row 0: inf*1 + 1*0 = inf, inf*0 + 1*1 = NaN, inf*2 + 3 = inf. Row 2 is all NaN.
    const values = [Infinity, NaN, Infinity, 1, 1, 5, NaN, NaN, NaN];
    expectTensor(matmul(a, b), { shape: [3, 3], values }, 'exact');
  },
});
