/**
 * Gradient rules of the reductions and of the composite ops built on them (min, argmin, softmax,
 * logSoftmax). A reduction's gradient is spread back over the reduced axes; max and min share it
 * evenly among tied maxima (PyTorch's amax/amin rule), so the result does not depend on which tie
 * a kernel happens to report.
 */
import * as T from '@lowbit/tensor';
import type { ReduceOp, ReduceOptions, Tensor } from '@lowbit/tensor';
import { expandReduced, keptShape, resolveAxes } from './helpers.js';
import { nonDifferentiable, rule, type ForwardContext, type GradientEntry } from './types.js';

export type ReduceAttributes = ReduceOptions | undefined;

function extremumGradient(dy: Tensor, { inputs: [x], output, attributes }: ForwardContext<ReduceAttributes>): Tensor[] {
  const axes = resolveAxes(attributes?.axis, x.rank);
  const winners = T.equal(x, T.reshape(output, keptShape(x.shape, axes)));
  const count = T.sum(winners, { axis: axes, keepDims: true });
  return [T.div(T.mul(winners, expandReduced(dy, x.shape, axes)), count)];
}

export const reduceGradients = {
  sum: rule<ReduceAttributes>((dy, { inputs: [x], attributes }) => [expandReduced(dy, x.shape, resolveAxes(attributes?.axis, x.rank))]),
  mean: rule<ReduceAttributes>((dy, { inputs: [x], attributes }) => {
    const axes = resolveAxes(attributes?.axis, x.rank);
    const count = axes.reduce((product, axis) => product * x.shape[axis], 1);
    return [T.div(expandReduced(dy, x.shape, axes), count)];
  }),
  max: rule<ReduceAttributes>(extremumGradient),
  argmax: nonDifferentiable('argmax gives integer indices'),
} satisfies Record<ReduceOp, GradientEntry>;

export interface SoftmaxAttributes {
  axis: number;
}

export const compositeReduceGradients = {
  min: rule<ReduceAttributes>(extremumGradient),
  argmin: nonDifferentiable('argmin gives integer indices'),
  // dx = y (dy - sum(dy y)) along the axis.
  softmax: rule<SoftmaxAttributes>((dy, { output, attributes: { axis } }) => [
    T.mul(output, T.sub(dy, T.sum(T.mul(dy, output), { axis, keepDims: true }))),
  ]),
  // dx = dy - softmax(x) sum(dy), with softmax(x) = exp(y).
  logSoftmax: rule<SoftmaxAttributes>((dy, { output, attributes: { axis } }) => [
    T.sub(dy, T.mul(T.exp(output), T.sum(dy, { axis, keepDims: true }))),
  ]),
} satisfies Record<'min' | 'argmin' | 'softmax' | 'logSoftmax', GradientEntry>;
