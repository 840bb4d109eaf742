/** Gradient cases of the reductions and the composite ops built on them. */
import * as A from '../../ops/index.js';
import { defineGradientCases, type GradientCase } from '../case.js';

export const reduceGradientCases: readonly GradientCase[] = [
  ...defineGradientCases('sum', {
    'all axes': { inputs: (c) => [c.uniform([2, 3, 4])], run: (x) => A.sum(x) },
    'axes [0,2] keepDims': { inputs: (c) => [c.uniform([2, 3, 4])], run: (x) => A.sum(x, { axis: [0, -1], keepDims: true }) },
  }),
  ...defineGradientCases('mean', {
    'axis 1': { inputs: (c) => [c.uniform([2, 3, 4])], run: (x) => A.mean(x, { axis: 1 }) },
    'all axes': { inputs: (c) => [c.uniform([3, 4])], run: (x) => A.mean(x) },
  }),
  ...defineGradientCases('max', {
    'axis -1': { inputs: (c) => [c.distinct([3, 5])], run: (x) => A.max(x, { axis: -1 }) },
    'axes [0,1] keepDims': { inputs: (c) => [c.distinct([2, 3, 2])], run: (x) => A.max(x, { axis: [0, 1], keepDims: true }) },
  }),
  ...defineGradientCases('argmax', {
    'integer indices are a constant': { expect: 'constant', inputs: (c) => [c.distinct([3, 4])], run: (x) => A.argmax(x, { axis: 1 }) },
  }),
  ...defineGradientCases('min', {
    'axis 0': { inputs: (c) => [c.distinct([4, 3])], run: (x) => A.min(x, { axis: 0 }) },
    'all axes': { inputs: (c) => [c.distinct([2, 5])], run: (x) => A.min(x) },
  }),
  ...defineGradientCases('argmin', {
    'integer indices are a constant': { expect: 'constant', inputs: (c) => [c.distinct([3, 4])], run: (x) => A.argmin(x) },
  }),
  ...defineGradientCases('softmax', {
    'last axis': { inputs: (c) => [c.uniform([3, 5])], run: (x) => A.softmax(x) },
    'axis 0': { inputs: (c) => [c.uniform([4, 3])], run: (x) => A.softmax(x, 0) },
  }),
  ...defineGradientCases('logSoftmax', {
    'last axis': { inputs: (c) => [c.uniform([3, 5])], run: (x) => A.logSoftmax(x) },
    'axis 1 of 3': { inputs: (c) => [c.uniform([2, 4, 2])], run: (x) => A.logSoftmax(x, 1) },
  }),
];
