/**
 * Conformance cases of the binary elementwise ops, comparisons and where: same shapes, a number
 * operand, size-1 broadcasting on both sides, rank differences, empty dimensions, random shapes.
 * add/sub/mul/div/maximum/minimum are correctly rounded float32 operations and must match
 * exactly; pow within TRANSCENDENTAL_TOLERANCE.
 */
import type { BinaryOp, ComparisonOp } from '../../kernels/contract.js';
import * as binaryOps from '../../ops/binary.js';
import { where } from '../../ops/binary.js';
import type { Tensor } from '../../tensor.js';
import { TRANSCENDENTAL_TOLERANCE, expectTensor, type Tolerance } from '../assert.js';
import { defineCases, type CaseContext, type ConformanceCase } from '../case.js';
import { broadcastMap } from '../nd.js';

type Operand = Tensor | number;
type Run = (a: Operand, b: Operand) => Tensor;

interface BinarySpec {
  f: (a: number, b: number) => number;
  tolerance: Tolerance;
  /** Integer inputs give ties and exact results (comparisons, maximum/minimum). */
  integers?: boolean;
  /** Positive left operands (pow of a negative base to a fractional power is NaN). */
  positiveLeft?: boolean;
}

const specs: Record<BinaryOp | ComparisonOp, BinarySpec> = {
  add: { f: (a, b) => a + b, tolerance: 'exact' },
  sub: { f: (a, b) => a - b, tolerance: 'exact' },
  mul: { f: (a, b) => a * b, tolerance: 'exact' },
  div: { f: (a, b) => a / b, tolerance: 'exact' },
  maximum: { f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), tolerance: 'exact', integers: true },
  minimum: { f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), tolerance: 'exact', integers: true },
  pow: { f: (a, b) => Math.pow(a, b), tolerance: TRANSCENDENTAL_TOLERANCE, positiveLeft: true },
  equal: { f: (a, b) => (a === b ? 1 : 0), tolerance: 'exact', integers: true },
  notEqual: { f: (a, b) => (a !== b ? 1 : 0), tolerance: 'exact', integers: true },
  less: { f: (a, b) => (a < b ? 1 : 0), tolerance: 'exact', integers: true },
  lessEqual: { f: (a, b) => (a <= b ? 1 : 0), tolerance: 'exact', integers: true },
  greater: { f: (a, b) => (a > b ? 1 : 0), tolerance: 'exact', integers: true },
  greaterEqual: { f: (a, b) => (a >= b ? 1 : 0), tolerance: 'exact', integers: true },
};

function operand(c: CaseContext, spec: BinarySpec, shape: readonly number[], left: boolean): Tensor {
  if (spec.integers) return c.integers(shape, -3, 3);
  if (left && spec.positiveLeft) return c.uniform(shape, 0.1, 4);
  return c.uniform(shape, -4, 4);
}

function check(run: Run, spec: BinarySpec, a: Operand, b: Operand): void {
  const view = (x: Operand) => (typeof x === 'number' ? { values: [Math.fround(x)], shape: [] } : { values: x.data(), shape: x.shape });
  const expected = broadcastMap([view(a), view(b)], spec.f);
  expectTensor(run(a, b), expected, spec.tolerance);
}

/** A shape that broadcasts with `shape`: some axes set to 1, maybe fewer leading axes. */
function broadcastPartner(c: CaseContext, shape: readonly number[]): number[] {
  const partner = shape.map((d) => (c.random.next() < 0.4 ? 1 : d));
  return partner.slice(c.random.integer(0, Math.min(2, partner.length)));
}

function binaryCases(op: BinaryOp | ComparisonOp): ConformanceCase[] {
  const spec = specs[op];
  const run = binaryOps[op] as Run;
  return defineCases(op, {
    'same shape [4,7]': (c) => check(run, spec, operand(c, spec, [4, 7], true), operand(c, spec, [4, 7], false)),
    'number operand on either side': (c) => {
      check(run, spec, operand(c, spec, [3, 5], true), 2);
      check(run, spec, spec.positiveLeft ? 1.5 : -1.5, operand(c, spec, [5], false));
    },
    'size-1 axes on both sides: [2,1,3] with [4,1]': (c) => check(run, spec, operand(c, spec, [2, 1, 3], true), operand(c, spec, [4, 1], false)),
    'rank 0 with rank 3 and single-element tensors': (c) => {
      check(run, spec, operand(c, spec, [], true), operand(c, spec, [2, 3, 4], false));
      check(run, spec, operand(c, spec, [1, 1], true), operand(c, spec, [1], false));
    },
    'empty dimension broadcast: [0,3] with [1,3], [2,0] with [1]': (c) => {
      check(run, spec, operand(c, spec, [0, 3], true), operand(c, spec, [1, 3], false));
      check(run, spec, operand(c, spec, [2, 0], true), operand(c, spec, [1], false));
    },
    'special values (infinities, NaN, signed zeros)': (c) => {
      const specials = [0, -0, 1, -1, Infinity, -Infinity, NaN, 2];
      const a = c.tensor(specials, [8, 1]);
      const b = c.tensor(specials, [1, 8]);
      check(run, spec, spec.positiveLeft ? c.tensor([0, 0.5, 1, 2, Infinity, NaN, 3, 4], [8, 1]) : a, b);
    },
    'random shapes with random broadcasting': (c) => {
      for (let trial = 0; trial < 4; trial++) {
        const shape = c.random.shape(c.random.integer(1, 5), 1, 5);
        const partner = broadcastPartner(c, shape);
        const swap = c.random.next() < 0.5;
        const a = operand(c, spec, swap ? partner : shape, true);
        const b = operand(c, spec, swap ? shape : partner, false);
        check(run, spec, a, b);
      }
    },
  });
}

const whereCases = defineCases('where', {
  'comparison condition, same shapes': (c) => {
    const x = c.uniform([5, 6]);
    const y = c.uniform([5, 6]);
    const condition = binaryOps.greater(x, y);
    const expected = broadcastMap([{ values: condition.data(), shape: [5, 6] }, { values: x.data(), shape: [5, 6] }, { values: y.data(), shape: [5, 6] }], (t, a, b) => (t !== 0 ? a : b));
    expectTensor(where(condition, x, y), expected);
  },
  'all three broadcast, numbers as branches': (c) => {
    const condition = c.integers([3, 1], 0, 1);
    const a = c.uniform([1, 4]);
    const expected = broadcastMap([{ values: condition.data(), shape: [3, 1] }, { values: a.data(), shape: [1, 4] }], (t, v) => (t !== 0 ? v : -7));
    expectTensor(where(condition, a, -7), expected);
  },
  'NaN condition selects a (NaN != 0); int32 condition and int32 branches': (c) => {
    const condition = c.tensor([NaN, 0, -0, 2]);
    expectTensor(where(condition, 1, 2), { shape: [4], values: [1, 2, 2, 1] });
    const intCondition = c.tensor(Int32Array.from([0, 1, 0]), [3]);
    const a = c.tensor(Int32Array.from([2147483647, 5, 6]), [3]);
    const b = c.tensor(Int32Array.from([-2147483648]), [1]);
    expectTensor(where(intCondition, a, b), { shape: [3], values: [-2147483648, 5, -2147483648], dtype: 'int32' });
  },
  'empty output': (c) => {
    expectTensor(where(c.tensor([], [0, 2]), c.uniform([2]), 0), { shape: [0, 2], values: [] });
  },
});

export const binaryOpCases: ConformanceCase[] = [...(Object.keys(specs) as (BinaryOp | ComparisonOp)[]).flatMap(binaryCases), ...whereCases];
