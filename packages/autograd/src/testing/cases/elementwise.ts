/**
 * Gradient cases of the elementwise ops: each unary op on its domain, each binary op on equal
 * shapes, broadcast shapes (both sides) and a number operand, comparisons as constants, where,
 * clip and cast. Inputs that meet kinks (relu, abs, sign, maximum, minimum, clip) are `distinct`:
 * no value within the check's step of a kink or a tie.
 */
import type { Tensor } from '@lowbit/tensor';
import * as A from '../../ops/index.js';
import type { Variable } from '../../variable.js';
import { defineGradientCases, type GradientCase, type GradientCaseContext } from '../case.js';

type Unary = (x: Variable) => Variable;

function unaryCases(op: 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'sqrt' | 'square' | 'reciprocal' | 'relu' | 'sigmoid' | 'tanh', domain: 'distinct' | 'positive'): GradientCase[] {
  const f = A[op] as Unary;
  const draw = (c: GradientCaseContext, shape: number[]): Tensor => (domain === 'positive' ? c.positive(shape) : c.distinct(shape));
  return defineGradientCases(op, {
    matrix: { inputs: (c) => [draw(c, [3, 4])], run: f },
    scalar: { inputs: (c) => [draw(c, [])], run: f },
  });
}

type Binary = (a: Variable | number, b: Variable | number) => Variable;

function binaryCases(op: 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow'): GradientCase[] {
  const f = A[op] as Binary;
  // Left/right operands: pow needs a positive base, div a divisor away from 0, maximum/minimum
  // operands that never tie (halves of one distinct set).
  const pair = (c: GradientCaseContext, left: number[], right: number[]): Tensor[] => {
    if (op === 'pow') return [c.positive(left), c.uniform(right, -2, 2)];
    if (op === 'div') return [c.uniform(left), c.positive(right)];
    if (op === 'maximum' || op === 'minimum') {
      const values = c.distinct([left.reduce((a, b) => a * b, 1) + right.reduce((a, b) => a * b, 1)]).data();
      const split = left.reduce((a, b) => a * b, 1);
      return [c.tensor(values.subarray(0, split), left), c.tensor(values.subarray(split), right)];
    }
    return [c.uniform(left), c.uniform(right)];
  };
  return defineGradientCases(op, {
    'same shape': { inputs: (c) => pair(c, [2, 3], [2, 3]), run: f },
    'broadcast [2,1,3] with [4,1]': { inputs: (c) => pair(c, [2, 1, 3], [4, 1]), run: f },
    'a number operand': { inputs: (c) => pair(c, [2, 3], [2, 3]).slice(0, 1), run: (a) => f(a, op === 'pow' ? 1.5 : 0.75) },
  });
}

const comparisonCase = (op: 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual'): GradientCase[] =>
  defineGradientCases(op, {
    'a constant 1/0 result': { expect: 'constant', inputs: (c) => [c.uniform([2, 3]), c.uniform([3])], run: A[op] as Binary },
  });

export const elementwiseGradientCases: readonly GradientCase[] = [
  ...unaryCases('neg', 'distinct'),
  ...unaryCases('abs', 'distinct'),
  ...unaryCases('sign', 'distinct'),
  ...unaryCases('exp', 'distinct'),
  ...unaryCases('log', 'positive'),
  ...unaryCases('sqrt', 'positive'),
  ...unaryCases('square', 'distinct'),
  ...unaryCases('reciprocal', 'positive'),
  ...unaryCases('relu', 'distinct'),
  ...unaryCases('sigmoid', 'distinct'),
  ...unaryCases('tanh', 'distinct'),
  ...binaryCases('add'),
  ...binaryCases('sub'),
  ...binaryCases('mul'),
  ...binaryCases('div'),
  ...binaryCases('maximum'),
  ...binaryCases('minimum'),
  ...binaryCases('pow'),
  ...comparisonCase('equal'),
  ...comparisonCase('notEqual'),
  ...comparisonCase('less'),
  ...comparisonCase('lessEqual'),
  ...comparisonCase('greater'),
  ...comparisonCase('greaterEqual'),
  ...defineGradientCases('where', {
    'broadcast branches, constant condition': {
      inputs: (c) => [c.uniform([2, 3]), c.uniform([2, 3]), c.uniform([3])],
      run: (selector, a, b) => A.where(A.greater(selector, 0), a, b),
    },
    'a number branch': { inputs: (c) => [c.uniform([2, 3]), c.uniform([2, 3])], run: (selector, a) => A.where(A.greater(selector, 0), a, 0.5) },
  }),
  ...defineGradientCases('clip', {
    'inside and outside the bounds': { inputs: (c) => [c.distinct([3, 4])], run: (x) => A.clip(x, -0.9, 1.1) },
  }),
  ...defineGradientCases('cast', {
    'float32 to float32 passes the gradient': { inputs: (c) => [c.uniform([2, 3])], run: (x) => A.mul(A.cast(x, 'float32'), x) },
    'to int32 is a constant': { expect: 'constant', inputs: (c) => [c.uniform([2, 3])], run: (x) => A.cast(x, 'int32') },
  }),
];
