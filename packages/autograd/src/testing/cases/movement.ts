/** Gradient cases of the movement and shape ops and stack. */
import * as A from '../../ops/index.js';
import { defineGradientCases, type GradientCase } from '../case.js';

export const movementGradientCases: readonly GradientCase[] = [
  ...defineGradientCases('transpose', {
    'default (reverse)': { inputs: (c) => [c.uniform([2, 3, 4])], run: (x) => A.transpose(x) },
    'permutation [1,2,0]': { inputs: (c) => [c.uniform([2, 3, 4])], run: (x) => A.transpose(x, [1, 2, 0]) },
  }),
  ...defineGradientCases('slice', {
    'start and stop': { inputs: (c) => [c.uniform([4, 5])], run: (x) => A.slice(x, [{ start: 1, stop: -1 }, { start: 2 }]) },
    'steps 2 and -2': { inputs: (c) => [c.uniform([5, 6])], run: (x) => A.slice(x, [{ step: 2 }, { start: -1, step: -2 }]) },
    'reverse with step -3, one element': { inputs: (c) => [c.uniform([3, 7])], run: (x) => A.slice(x, [{ start: 1, stop: 2 }, { start: 5, stop: 0, step: -3 }]) },
  }),
  ...defineGradientCases('concat', {
    'three pieces on axis 1': { inputs: (c) => [c.uniform([2, 1]), c.uniform([2, 3]), c.uniform([2, 2])], run: (a, b, d) => A.concat([a, b, d], 1) },
    'axis -1 of rank 3': { inputs: (c) => [c.uniform([2, 2, 2]), c.uniform([2, 2, 1])], run: (a, b) => A.concat([a, b], -1) },
  }),
  ...defineGradientCases('pad', {
    'both sides': { inputs: (c) => [c.uniform([2, 3])], run: (x) => A.pad(x, [[1, 2], [0, 1]], 0.5) },
  }),
  ...defineGradientCases('stack', {
    'axis 1': { inputs: (c) => [c.uniform([2, 3]), c.uniform([2, 3]), c.uniform([2, 3])], run: (a, b, d) => A.stack([a, b, d], 1) },
    'axis -1': { inputs: (c) => [c.uniform([3]), c.uniform([3])], run: (a, b) => A.stack([a, b], -1) },
  }),
  ...defineGradientCases('reshape', {
    'with -1': { inputs: (c) => [c.uniform([2, 6])], run: (x) => A.mul(A.reshape(x, [3, -1]), A.reshape(x, [3, 4])) },
  }),
  ...defineGradientCases('flatten', {
    'axes 1..2': { inputs: (c) => [c.uniform([2, 3, 2])], run: (x) => A.flatten(x, 1) },
  }),
  ...defineGradientCases('expandDims', {
    'axis -1': { inputs: (c) => [c.uniform([2, 3])], run: (x) => A.expandDims(x, -1) },
  }),
  ...defineGradientCases('squeeze', {
    'all size-1 axes': { inputs: (c) => [c.uniform([1, 3, 1])], run: (x) => A.squeeze(x) },
  }),
  ...defineGradientCases('broadcastTo', {
    '[3,1] to [2,3,4]': { inputs: (c) => [c.uniform([3, 1])], run: (x) => A.broadcastTo(x, [2, 3, 4]) },
  }),
];
