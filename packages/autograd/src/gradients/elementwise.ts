/**
 * Gradient rules of the elementwise ops: unary functions, binary arithmetic (with broadcasting:
 * each gradient is summed back to its operand's shape), comparisons (non-differentiable) and
 * the selection ops where, clip and cast.
 */
import * as T from '@lowbit/tensor';
import type { BinaryOp, ComparisonOp, Tensor, UnaryOp } from '@lowbit/tensor';
import { reduceToShape } from './helpers.js';
import { ifNeeded, nonDifferentiable, rule, type GradientEntry } from './types.js';

export const unaryGradients = {
  neg: rule((dy) => [T.neg(dy)]),
  // sign(0) = 0: the subgradient 0 at the kink.
  abs: rule((dy, { inputs: [x] }) => [T.mul(dy, T.sign(x))]),
  // Zero almost everywhere (PyTorch's choice). Binarization wants a straight-through estimator
  // instead: quantizer({ estimator: 'sign' }).
  sign: rule((dy) => [T.mul(dy, 0)]),
  exp: rule((dy, { output }) => [T.mul(dy, output)]),
  log: rule((dy, { inputs: [x] }) => [T.div(dy, x)]),
  sqrt: rule((dy, { output }) => [T.div(dy, T.mul(output, 2))]),
  square: rule((dy, { inputs: [x] }) => [T.mul(dy, T.mul(x, 2))]),
  reciprocal: rule((dy, { output }) => [T.neg(T.mul(dy, T.square(output)))]),
  // Gradient 0 at x = 0 (and for NaN), like PyTorch and TensorFlow.
  relu: rule((dy, { inputs: [x] }) => [T.mul(dy, T.greater(x, 0))]),
  sigmoid: rule((dy, { output }) => [T.mul(dy, T.mul(output, T.sub(1, output)))]),
  tanh: rule((dy, { output }) => [T.mul(dy, T.sub(1, T.square(output)))]),
} satisfies Record<UnaryOp, GradientEntry>;

/** 1 where a wins, 1/2 on ties (the gradient is shared, as PyTorch does), 0 where b wins. */
function share(wins: Tensor, ties: Tensor): Tensor {
  return T.add(wins, T.mul(ties, 0.5));
}

export const binaryGradients = {
  add: rule((dy, f) => [ifNeeded(f, 0, () => reduceToShape(dy, f.inputs[0].shape)), ifNeeded(f, 1, () => reduceToShape(dy, f.inputs[1].shape))]),
  sub: rule((dy, f) => [ifNeeded(f, 0, () => reduceToShape(dy, f.inputs[0].shape)), ifNeeded(f, 1, () => reduceToShape(T.neg(dy), f.inputs[1].shape))]),
  mul: rule((dy, f) => {
    const [a, b] = f.inputs;
    return [ifNeeded(f, 0, () => reduceToShape(T.mul(dy, b), a.shape)), ifNeeded(f, 1, () => reduceToShape(T.mul(dy, a), b.shape))];
  }),
  // d(a/b)/db = -a/b^2 = -y/b: reuses the output instead of squaring b.
  div: rule((dy, f) => {
    const [a, b] = f.inputs;
    return [ifNeeded(f, 0, () => reduceToShape(T.div(dy, b), a.shape)), ifNeeded(f, 1, () => reduceToShape(T.neg(T.div(T.mul(dy, f.output), b)), b.shape))];
  }),
  maximum: rule((dy, f) => {
    const [a, b] = f.inputs;
    const ties = T.equal(a, b);
    return [
      ifNeeded(f, 0, () => reduceToShape(T.mul(dy, share(T.greater(a, b), ties)), a.shape)),
      ifNeeded(f, 1, () => reduceToShape(T.mul(dy, share(T.less(a, b), ties)), b.shape)),
    ];
  }),
  minimum: rule((dy, f) => {
    const [a, b] = f.inputs;
    const ties = T.equal(a, b);
    return [
      ifNeeded(f, 0, () => reduceToShape(T.mul(dy, share(T.less(a, b), ties)), a.shape)),
      ifNeeded(f, 1, () => reduceToShape(T.mul(dy, share(T.greater(a, b), ties)), b.shape)),
    ];
  }),
  // d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log a, taken as 0 where a <= 0 (log undefined; the
  // TensorFlow convention), so a negative base with an integer exponent still trains a.
  pow: rule((dy, f) => {
    const [a, b] = f.inputs;
    return [
      ifNeeded(f, 0, () => reduceToShape(T.mul(dy, T.mul(b, T.pow(a, T.sub(b, 1)))), a.shape)),
      ifNeeded(f, 1, () => reduceToShape(T.where(T.greater(a, 0), T.mul(dy, T.mul(f.output, T.log(a))), 0), b.shape)),
    ];
  }),
} satisfies Record<BinaryOp, GradientEntry>;

const comparison = nonDifferentiable('a comparison gives 1 or 0: piecewise constant, so its gradient is zero wherever it exists');

export const comparisonGradients = {
  equal: comparison,
  notEqual: comparison,
  less: comparison,
  lessEqual: comparison,
  greater: comparison,
  greaterEqual: comparison,
} satisfies Record<ComparisonOp, GradientEntry>;

export interface ClipAttributes {
  min: number;
  max: number;
}

export const selectionGradients = {
  // The condition gets no gradient; each branch gets dy where it was chosen.
  where: rule((dy, f) => {
    const [condition, a, b] = f.inputs;
    return [null, ifNeeded(f, 1, () => reduceToShape(T.where(condition, dy, 0), a.shape)), ifNeeded(f, 2, () => reduceToShape(T.where(condition, 0, dy), b.shape))];
  }),
  // Passes dy where min <= x <= max (bounds included, as TensorFlow does).
  clip: rule<ClipAttributes>((dy, { inputs: [x], attributes: { min, max } }) => [T.mul(dy, T.mul(T.greaterEqual(x, min), T.lessEqual(x, max)))]),
  // Only float32 -> float32 (a copy) can carry a gradient: an int32 result is a constant and an
  // int32 input never requires one.
  cast: rule((dy) => [dy]),
} satisfies Record<'where' | 'clip' | 'cast', GradientEntry>;
