/**
 * Gradient cases of matmul (every transpose flag, broadcast batches), the convolutions (stride,
 * 'same' padding, dilation, groups), pooling (overlapping windows, padding) and quantize.
 */
import { floatFormat } from '@lowbit/formats';
import * as A from '../../ops/index.js';
import { defineGradientCases, type GradientCase } from '../case.js';

const float32 = floatFormat({ exponentBits: 8, mantissaBits: 23 });
const strided = { stride: 2, padding: 'same' as const };
const grouped = { padding: 1, dilation: 2, groups: 2 };
const pooling = { kernelSize: 3, stride: 2, padding: 1 };

export const linearGradientCases: readonly GradientCase[] = [
  ...defineGradientCases('matmul', {
    plain: { inputs: (c) => [c.uniform([3, 4]), c.uniform([4, 2])], run: (a, b) => A.matmul(a, b) },
    transposeA: { inputs: (c) => [c.uniform([4, 3]), c.uniform([4, 2])], run: (a, b) => A.matmul(a, b, { transposeA: true }) },
    transposeB: { inputs: (c) => [c.uniform([3, 4]), c.uniform([2, 4])], run: (a, b) => A.matmul(a, b, { transposeB: true }) },
    'both transposed': { inputs: (c) => [c.uniform([4, 3]), c.uniform([2, 4])], run: (a, b) => A.matmul(a, b, { transposeA: true, transposeB: true }) },
    'batch [2,1] broadcast with [3]': { inputs: (c) => [c.uniform([2, 1, 2, 3]), c.uniform([3, 3, 2])], run: (a, b) => A.matmul(a, b) },
  }),
  ...defineGradientCases('conv2d', {
    "stride 2, padding 'same'": { inputs: (c) => [c.uniform([2, 2, 5, 5]), c.uniform([3, 2, 3, 3])], run: (x, f) => A.conv2d(x, f, strided) },
    'dilation 2, groups 2, padding 1': { inputs: (c) => [c.uniform([1, 4, 5, 5]), c.uniform([2, 2, 2, 2])], run: (x, f) => A.conv2d(x, f, grouped) },
  }),
  ...defineGradientCases('conv2dBackwardData', {
    "stride 2, padding 'same'": {
      inputs: (c) => [c.uniform([2, 3, 3, 3]), c.uniform([3, 2, 3, 3])],
      run: (dy, f) => A.conv2dBackwardData(dy, f, { ...strided, inShape: [2, 2, 5, 5] }),
    },
    'dilation 2, groups 2': {
      inputs: (c) => [c.uniform([1, 2, 5, 5]), c.uniform([2, 2, 2, 2])],
      run: (dy, f) => A.conv2dBackwardData(dy, f, { ...grouped, inShape: [1, 4, 5, 5] }),
    },
  }),
  ...defineGradientCases('conv2dBackwardFilter', {
    "stride 2, padding 'same'": {
      inputs: (c) => [c.uniform([2, 2, 5, 5]), c.uniform([2, 3, 3, 3])],
      run: (x, dy) => A.conv2dBackwardFilter(x, dy, { ...strided, filterShape: [3, 2, 3, 3] }),
    },
    'dilation 2, groups 2': {
      inputs: (c) => [c.uniform([1, 4, 5, 5]), c.uniform([1, 2, 5, 5])],
      run: (x, dy) => A.conv2dBackwardFilter(x, dy, { ...grouped, filterShape: [2, 2, 2, 2] }),
    },
  }),
  ...defineGradientCases('maxPool2d', {
    'overlapping windows with padding': { inputs: (c) => [c.distinct([1, 2, 5, 5])], run: (x) => A.maxPool2d(x, pooling) },
    '2x2 windows': { inputs: (c) => [c.distinct([2, 1, 4, 4])], run: (x) => A.maxPool2d(x, { kernelSize: 2 }) },
  }),
  ...defineGradientCases('maxPool2dBackward', {
    'overlapping windows with padding': {
      inputs: (c) => [c.uniform([1, 2, 3, 3]), c.distinct([1, 2, 5, 5])],
      run: (dy, x) => A.maxPool2dBackward(dy, x, pooling),
    },
  }),
  ...defineGradientCases('avgPool2d', {
    'overlapping windows with padding': { inputs: (c) => [c.uniform([1, 2, 5, 5])], run: (x) => A.avgPool2d(x, pooling) },
  }),
  ...defineGradientCases('avgPool2dBackward', {
    'overlapping windows with padding': { inputs: (c) => [c.uniform([1, 2, 3, 3])], run: (dy) => A.avgPool2dBackward(dy, { ...pooling, inShape: [1, 2, 5, 5] }) },
  }),
  ...defineGradientCases('quantize', {
    // Into float32 the rounding is the identity, so the straight-through rule is the true gradient.
    'straight-through (float32 format)': { inputs: (c) => [c.uniform([2, 3])], run: (x) => A.mul(A.quantize(x, float32), x) },
  }),
];
