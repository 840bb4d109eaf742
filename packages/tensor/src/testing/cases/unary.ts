/**
 * Conformance cases of the unary elementwise ops, clip and cast. Expected values: the float64
 * function of the float32 input. neg, abs, sign, sqrt, square and reciprocal are correctly rounded
 * in float32 and must match exactly; exp, log, sigmoid and tanh within TRANSCENDENTAL_TOLERANCE.
 */
import type { UnaryOp } from '../../kernels/contract.js';
import { cast, clip } from '../../ops/unary.js';
import * as unaryOps from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import { TRANSCENDENTAL_TOLERANCE, expectTensor, type Tolerance } from '../assert.js';
import { defineCases, type ConformanceCase } from '../case.js';

interface UnarySpec {
  f: (x: number) => number;
  tolerance: Tolerance;
  /** Range of the random inputs. */
  low: number;
  high: number;
}

const SPECIAL_VALUES = [0, -0, 1, -1, 0.5, -2.5, 3, 1e-30, -1e-30, 1e-45, 100, -100, 3.4e38, -3.4e38, Infinity, -Infinity, NaN];

const specs: Record<UnaryOp, UnarySpec> = {
  neg: { f: (x) => -x, tolerance: 'exact', low: -10, high: 10 },
  abs: { f: (x) => Math.abs(x), tolerance: 'exact', low: -10, high: 10 },
  sign: { f: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : x), tolerance: 'exact', low: -2, high: 2 },
  exp: { f: (x) => Math.exp(x), tolerance: TRANSCENDENTAL_TOLERANCE, low: -20, high: 20 },
  log: { f: (x) => Math.log(x), tolerance: TRANSCENDENTAL_TOLERANCE, low: 1e-3, high: 1e3 },
  sqrt: { f: (x) => Math.sqrt(x), tolerance: 'exact', low: 0, high: 100 },
  square: { f: (x) => x * x, tolerance: 'exact', low: -10, high: 10 },
  reciprocal: { f: (x) => 1 / x, tolerance: 'exact', low: -10, high: 10 },
  relu: { f: (x) => (Number.isNaN(x) ? NaN : Math.max(x, 0)), tolerance: 'exact', low: -5, high: 5 },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), tolerance: TRANSCENDENTAL_TOLERANCE, low: -12, high: 12 },
  tanh: { f: (x) => Math.tanh(x), tolerance: TRANSCENDENTAL_TOLERANCE, low: -6, high: 6 },
};

function expectMap(actual: Tensor, input: Tensor, f: (x: number) => number, tolerance: Tolerance): void {
  expectTensor(actual, { shape: input.shape, values: Array.from(input.data(), f) }, tolerance);
}

function unaryCases(op: UnaryOp): ConformanceCase[] {
  const { f, tolerance, low, high } = specs[op];
  const run = unaryOps[op] as (x: Tensor) => Tensor;
  return defineCases(op, {
    'random values, odd shape [3,5,7]': (c) => {
      const x = c.uniform([3, 5, 7], low, high);
      expectMap(run(x), x, f, tolerance);
    },
    'special values (signed zeros, subnormal, huge, infinities, NaN)': (c) => {
      const x = c.tensor(SPECIAL_VALUES);
      expectMap(run(x), x, f, tolerance);
    },
    'scalar': (c) => {
      const x = c.tensor(0.75, []);
      expectMap(run(x), x, f, tolerance);
    },
    'empty dimension [2,0,3]': (c) => {
      const x = c.tensor([], [2, 0, 3]);
      expectTensor(run(x), { shape: [2, 0, 3], values: [] });
    },
    'random rank and shape': (c) => {
      const x = c.uniform(c.random.shape(c.random.integer(1, 4), 1, 6), low, high);
      expectMap(run(x), x, f, tolerance);
    },
  });
}

const clipCases = defineCases('clip', {
  'random values into [-0.5, 0.25]': (c) => {
    const x = c.uniform([4, 9]);
    expectMap(clip(x, -0.5, 0.25), x, (v) => Math.min(Math.max(v, -0.5), 0.25), 'exact');
  },
  'NaN passes, infinities clamp': (c) => {
    const x = c.tensor([NaN, Infinity, -Infinity, 2, -2, 0]);
    expectMap(clip(x, -1, 1), x, (v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, -1), 1)), 'exact');
  },
  'infinite bounds and min == max': (c) => {
    const x = c.uniform([7], -3, 3);
    expectMap(clip(x, -Infinity, 0), x, (v) => Math.min(v, 0), 'exact');
    expectMap(clip(x, 2, 2), x, () => 2, 'exact');
  },
  'empty and scalar': (c) => {
    expectTensor(clip(c.tensor([], [0, 4]), 0, 1), { shape: [0, 4], values: [] });
    expectTensor(clip(c.tensor(5, []), 0, 1), { shape: [], values: [1] });
  },
});

const INT32_MAX = 2147483647;

function truncateSaturate(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, Math.trunc(value)));
}

const castCases = defineCases('cast', {
  'float32 to int32 truncates toward zero, saturates, NaN -> 0': (c) => {
    const values = [0, -0, 1.5, -1.5, 2.99, -2.99, 1e-40, 1e10, -1e10, 2147483520, -2147483648, Infinity, -Infinity, NaN];
    const x = c.tensor(values);
    expectTensor(cast(x, 'int32'), { shape: [values.length], values: Array.from(x.data(), truncateSaturate), dtype: 'int32' });
  },
  'int32 to float32 rounds to nearest even': (c) => {
    const values = [0, 5, -7, 16777217, 16777219, -16777217, 2147483647, -2147483648];
    const x = c.tensor(Int32Array.from(values), [2, 4]);
    expectTensor(cast(x, 'float32'), { shape: [2, 4], values: values.map(Math.fround) });
  },
  'same dtype copies; random float32 round trip of integers': (c) => {
    const x = c.integers([3, 4], -1000, 1000);
    const asInt = cast(x, 'int32');
    expectTensor(asInt, { shape: [3, 4], values: x.data(), dtype: 'int32' });
    expectTensor(cast(asInt, 'int32'), { shape: [3, 4], values: x.data(), dtype: 'int32' });
    expectTensor(cast(asInt, 'float32'), { shape: [3, 4], values: x.data() });
  },
  'empty': (c) => {
    expectTensor(cast(c.tensor([], [0]), 'int32'), { shape: [0], values: [], dtype: 'int32' });
  },
});

export const unaryOpCases: ConformanceCase[] = [
  ...(Object.keys(specs) as UnaryOp[]).flatMap(unaryCases),
  ...clipCases,
  ...castCases,
];


