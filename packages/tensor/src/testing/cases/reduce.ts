/**
 * Conformance cases of sum, mean, max and argmax. Expected sums are exact float64 sums; a backend
 * may associate in any order, so each element may be off by gamma(n - 1) * sum |x| (float32
 * accumulation) plus one final rounding. max and argmax are exact.
 */
import type { ReduceOp } from '../../kernels/contract.js';
import { argmax, max, mean, sum, type ReduceOptions } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor.js';
import { FLOAT32_UNIT_ROUNDOFF, expectTensor, gamma } from '../assert.js';
import { defineCases, type CaseContext, type ConformanceCase } from '../case.js';
import { groupForReduction } from '../nd.js';

/** Normalised, sorted axes of an axis option (undefined = all). */
function axesOf(axis: ReduceOptions['axis'], rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

function keptShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return shape.flatMap((d, axis) => (axes.includes(axis) ? (keepDims ? [1] : []) : [d]));
}

const u = FLOAT32_UNIT_ROUNDOFF;

function firstMaxIndex(group: readonly number[]): number {
  let best = 0;
  for (let i = 0; i < group.length; i++) {
    if (Number.isNaN(group[i])) return i;
    if (group[i] > group[best]) best = i;
  }
  return best;
}

/** Runs op(x, options) and compares with the float64 reduction of each group. */
function check(op: ReduceOp, x: Tensor, options: ReduceOptions): void {
  const axes = axesOf(options.axis, x.rank);
  const { groups } = groupForReduction(x.data(), x.shape, axes);
  const shape = keptShape(x.shape, axes, options.keepDims ?? false);
  const exactSum = (g: readonly number[]) => g.reduce((a, b) => a + b, 0);
  const absSum = (g: readonly number[]) => g.reduce((a, b) => a + Math.abs(b), 0);
  switch (op) {
    case 'sum': {
      const values = groups.map(exactSum);
      const bounds = groups.map((g, i) => gamma(Math.max(g.length - 1, 0)) * absSum(g) + u * Math.abs(values[i]));
      return expectTensor(sum(x, options), { shape, values }, { bounds });
    }
    case 'mean': {
      const values = groups.map((g) => exactSum(g) / g.length);
      const bounds = groups.map((g, i) => (gamma(Math.max(g.length - 1, 0)) * absSum(g)) / g.length + 2 * u * Math.abs(values[i]));
      return expectTensor(mean(x, options), { shape, values }, { bounds });
    }
    case 'max': {
      const values = groups.map((g) => (g.some(Number.isNaN) ? NaN : g.reduce((a, b) => Math.max(a, b), -Infinity)));
      return expectTensor(max(x, options), { shape, values });
    }
    case 'argmax':
      return expectTensor(argmax(x, options), { shape, values: groups.map(firstMaxIndex), dtype: 'int32' });
  }
}

function inputFor(c: CaseContext, op: ReduceOp, shape: readonly number[]): Tensor {
  // Small integers make ties (first maximum wins) frequent for max/argmax.
  return op === 'max' || op === 'argmax' ? c.integers(shape, -3, 3) : c.uniform(shape, -2, 2);
}

function reduceCases(op: ReduceOp): ConformanceCase[] {
  return defineCases(op, {
    'all axes of [3,4,5]': (c) => check(op, inputFor(c, op, [3, 4, 5]), {}),
    'each single axis, negative too, with and without keepDims': (c) => {
      const x = inputFor(c, op, [2, 3, 5]);
      for (const axis of [0, 1, 2, -1, -3]) {
        check(op, x, { axis });
        check(op, x, { axis, keepDims: true });
      }
    },
    'several axes [0,2] and [-1,1] of a rank-4 tensor': (c) => {
      const x = inputFor(c, op, [2, 3, 4, 3]);
      check(op, x, { axis: [0, 2] });
      check(op, x, { axis: [-1, 1], keepDims: true });
    },
    'random shapes and axes': (c) => {
      for (let trial = 0; trial < 5; trial++) {
        const rank = c.random.integer(1, 4);
        const x = inputFor(c, op, c.random.shape(rank, 1, 6));
        const axes = Array.from({ length: rank }, (_, i) => i).filter(() => c.random.next() < 0.5);
        check(op, x, { axis: axes.length === 0 ? undefined : axes, keepDims: c.random.next() < 0.5 });
      }
    },
    'long axis (4099 values)': (c) => check(op, inputFor(c, op, [2, 4099]), { axis: 1 }),
    'scalar input and the empty axis list': (c) => {
      check(op, inputFor(c, op, []), {});
      check(op, inputFor(c, op, [2, 3]), { axis: [] });
    },
    'size-1 axes': (c) => check(op, inputFor(c, op, [1, 5, 1]), { axis: [0, 2] }),
    'NaN propagates (max), wins (argmax)': (c) => check(op, c.tensor([1, NaN, 3, 2, 5, -1, NaN, NaN], [2, 4]), { axis: 1 }),
    'empty kept dimension gives an empty result': (c) => check(op, inputFor(c, op, [0, 3]), { axis: 1 }),
  });
}

const emptyReductions = [
  ...defineCases('sum', { 'over zero elements is 0': (c) => expectTensor(sum(c.tensor([], [3, 0]), { axis: 1 }), { shape: [3], values: [0, 0, 0] }) }),
  ...defineCases('mean', { 'over zero elements is NaN': (c) => expectTensor(mean(c.tensor([], [2, 0]), { axis: -1 }), { shape: [2], values: [NaN, NaN] }) }),
  ...defineCases('max', { 'over zero elements is -Infinity': (c) => expectTensor(max(c.tensor([], [0, 2]), { axis: 0 }), { shape: [2], values: [-Infinity, -Infinity] }) }),
];

export const reduceOpCases: ConformanceCase[] = [...(['sum', 'mean', 'max', 'argmax'] as const).flatMap(reduceCases), ...emptyReductions];
