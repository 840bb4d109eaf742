/**
 * Conformance cases of maxPool2d, avgPool2d and their backward kernels. Padding cells never win a
 * max and do not count in an average; the gradient of a max goes to the first maximum of its
 * window in row-major order (ties are made frequent with small integers), and NaN is a maximum.
 * Max values are exact. Sums may be computed in float32 in any order: averages are within
 * gamma(n - 1) * sum |x| / n plus two roundings, gradients within gamma(n) * sum |terms|.
 */
import {
  avgPool2d,
  avgPool2dBackward,
  maxPool2d,
  maxPool2dBackward,
  pool2dAttributes,
  type Pool2dOptions,
} from '../../ops/pool.js';
import type { Tensor } from '../../tensor.js';
import { FLOAT32_UNIT_ROUNDOFF, expectTensor, gamma } from '../assert.js';
import { defineCases, type CaseContext, type ConformanceCase } from '../case.js';

type PoolOp = 'maxPool2d' | 'maxPool2dBackward' | 'avgPool2d' | 'avgPool2dBackward';

/** For every window (output order), the input indices of its real cells in row-major window order. */
function windowCells(inShape: readonly number[], options: Pool2dOptions): number[][] {
  const a = pool2dAttributes('maxPool2d', inShape, options);
  const [batch, channels, height, width] = a.inShape;
  const [, , outHeight, outWidth] = a.outShape;
  const cells: number[][] = [];
  for (let plane = 0; plane < batch * channels; plane++)
    for (let i = 0; i < outHeight; i++)
      for (let j = 0; j < outWidth; j++) {
        const window: number[] = [];
        for (let kh = 0; kh < a.kernelSize[0]; kh++)
          for (let kw = 0; kw < a.kernelSize[1]; kw++) {
            const y = i * a.stride[0] - a.padding[0] + kh;
            const x = j * a.stride[1] - a.padding[2] + kw;
            if (y >= 0 && y < height && x >= 0 && x < width) window.push((plane * height + y) * width + x);
          }
        cells.push(window);
      }
  return cells;
}

function firstMaximum(x: ArrayLike<number>, window: readonly number[]): number {
  let best = window[0];
  for (const cell of window) {
    if (Number.isNaN(x[cell])) return cell;
    if (x[cell] > x[best]) best = cell;
  }
  return best;
}

/** Scatters per-window terms into an input-shaped array, with gamma(n) * sum |terms| bounds. */
function scatter(length: number, cells: number[][], term: (window: number, cell: number) => number) {
  const values = new Float64Array(length);
  const magnitudes = new Float64Array(length);
  const counts = new Float64Array(length);
  cells.forEach((window, w) =>
    window.forEach((cell) => {
      const t = term(w, cell);
      values[cell] += t;
      magnitudes[cell] += Math.abs(t);
      counts[cell]++;
    }),
  );
  return { values, bounds: magnitudes.map((m, i) => gamma(counts[i]) * m) };
}

function check(c: CaseContext, op: PoolOp, x: Tensor, options: Pool2dOptions): void {
  const a = pool2dAttributes(op, x.shape, options);
  const cells = windowCells(x.shape, options);
  const xv = x.data();
  const label = `${op} [${x.shape}] ${JSON.stringify(options)}`;
  if (op === 'maxPool2d') {
    expectTensor(maxPool2d(x, options), { shape: a.outShape, values: cells.map((w) => xv[firstMaximum(xv, w)]) }, 'exact', label);
  } else if (op === 'avgPool2d') {
    const values = cells.map((w) => w.reduce((s, cell) => s + xv[cell], 0) / w.length);
    const bounds = cells.map((w, i) => (gamma(w.length - 1) * w.reduce((s, cell) => s + Math.abs(xv[cell]), 0)) / w.length + 2 * FLOAT32_UNIT_ROUNDOFF * Math.abs(values[i]));
    expectTensor(avgPool2d(x, options), { shape: a.outShape, values }, { bounds }, label);
  } else {
    const dy = c.uniform(a.outShape);
    const dyv = dy.data();
    const winners = cells.map((w) => firstMaximum(xv, w));
    const reference =
      op === 'maxPool2dBackward'
        ? scatter(xv.length, cells, (w, cell) => (cell === winners[w] ? dyv[w] : 0))
        : scatter(xv.length, cells, (w) => dyv[w] / cells[w].length);
    // The division by the window size is one more rounding per term.
    const bounds = op === 'maxPool2dBackward' ? reference.bounds : reference.bounds.map((b, i) => b + 2 * FLOAT32_UNIT_ROUNDOFF * Math.abs(reference.values[i]));
    const result = op === 'maxPool2dBackward' ? maxPool2dBackward(dy, x, options) : avgPool2dBackward(dy, { ...options, inShape: x.shape });
    expectTensor(result, { shape: a.inShape, values: reference.values }, { bounds }, label);
  }
}

const WINDOWS: Record<string, { shape: number[]; options: Pool2dOptions }> = {
  '2x2 stride 2 (non-overlapping)': { shape: [2, 3, 6, 6], options: { kernelSize: 2 } },
  'odd input, partial last window dropped': { shape: [1, 2, 7, 5], options: { kernelSize: 2 } },
  '3x3 stride 2 padding 1 (ResNet stem)': { shape: [2, 2, 9, 8], options: { kernelSize: 3, stride: 2, padding: 1 } },
  'overlapping windows, stride 1': { shape: [1, 2, 5, 6], options: { kernelSize: [3, 2], stride: 1 } },
  'asymmetric padding and stride': { shape: [1, 1, 6, 7], options: { kernelSize: [3, 4], stride: [2, 3], padding: [2, 0, 1, 3] } },
  "padding 'same'": { shape: [2, 1, 5, 5], options: { kernelSize: 3, stride: 2, padding: 'same' } },
  'global pooling (window = input)': { shape: [3, 4, 4, 4], options: { kernelSize: 4 } },
  '1x1 window': { shape: [1, 2, 3, 3], options: { kernelSize: 1 } },
};

function poolCasesOf(op: PoolOp): ConformanceCase[] {
  return defineCases(op, {
    ...Object.fromEntries(
      Object.entries(WINDOWS).map(([name, { shape, options }]) => [
        // Integers make ties (first maximum wins) common.
        `${name}, small integers`,
        (c: CaseContext) => check(c, op, c.integers(shape, -3, 3), options),
      ]),
    ),
    'uniform values, overlapping padded windows': (c) => check(c, op, c.uniform([2, 3, 7, 7]), { kernelSize: 3, stride: 1, padding: 1 }),
    'padding never wins a max or counts in an average (all inputs negative)': (c) =>
      check(c, op, c.integers([1, 2, 4, 4], -5, -1), { kernelSize: 3, stride: 1, padding: 1 }),
    'NaN and infinities': (c) => {
      // Windows: NaN first; all -Infinity (the first cell wins); +Infinity; a NaN after numbers.
      const x = c.tensor([NaN, 1, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, Infinity, 4, 5, NaN, 1, 1, 6, 6], [1, 1, 4, 4]);
      if (op.startsWith('max')) check(c, op, x, { kernelSize: 2 });
      else check(c, op, c.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]), { kernelSize: 2, stride: 1 });
    },
    'empty batch': (c) => check(c, op, c.uniform([0, 2, 4, 4]), { kernelSize: 2 }),
  });
}

export const poolCases: ConformanceCase[] = [
  ...poolCasesOf('maxPool2d'),
  ...poolCasesOf('maxPool2dBackward'),
  ...poolCasesOf('avgPool2d'),
  ...poolCasesOf('avgPool2dBackward'),
];
