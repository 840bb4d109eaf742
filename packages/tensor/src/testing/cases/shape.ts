/**
 * Conformance cases of the shape ops. reshape/flatten/expandDims/squeeze share storage, so these
 * check that the backend's handle is shape-independent (the values survive a new shape), and
 * broadcastTo checks the `where` kernel used as a broadcasting copy.
 */
import { broadcastTo, expandDims, flatten, reshape, squeeze } from '../../ops/shape.js';
import { add } from '../../ops/binary.js';
import { expectTensor } from '../assert.js';
import { defineCases, type ConformanceCase } from '../case.js';
import { broadcastMap } from '../nd.js';

export const shapeOpCases: ConformanceCase[] = [
  ...defineCases('reshape', {
    'keeps row-major order, -1 inferred': (c) => {
      const x = c.uniform([2, 3, 4]);
      expectTensor(reshape(x, [4, -1]), { shape: [4, 6], values: x.data() });
      expectTensor(reshape(x, [24]), { shape: [24], values: x.data() });
    },
    'a reshaped tensor feeds kernels correctly': (c) => {
      const x = c.uniform([6]);
      const y = reshape(x, [2, 3]);
      const expected = broadcastMap([{ values: x.data(), shape: [2, 3] }, { values: [1], shape: [] }], (a, b) => a + b);
      expectTensor(add(y, 1), expected);
    },
    'empty and scalar': (c) => {
      expectTensor(reshape(c.tensor([], [0, 3]), [3, 0, 5]), { shape: [3, 0, 5], values: [] });
      expectTensor(reshape(c.tensor([], [0, 3]), [-1, 3]), { shape: [0, 3], values: [] });
      expectTensor(reshape(c.tensor([4], [1, 1]), []), { shape: [], values: [4] });
    },
    'int32': (c) => expectTensor(reshape(c.tensor(Int32Array.from([1, 2, 3, 4])), [2, 2]), { shape: [2, 2], values: [1, 2, 3, 4], dtype: 'int32' }),
  }),
  ...defineCases('flatten', {
    'everything, and from axis 1': (c) => {
      const x = c.uniform([2, 3, 2, 2]);
      expectTensor(flatten(x), { shape: [24], values: x.data() });
      expectTensor(flatten(x, 1), { shape: [2, 12], values: x.data() });
      expectTensor(flatten(x, 1, 2), { shape: [2, 6, 2], values: x.data() });
    },
    'scalar becomes [1]': (c) => expectTensor(flatten(c.tensor(3, [])), { shape: [1], values: [3] }),
  }),
  ...defineCases('expandDims', {
    'front, middle, end (-1)': (c) => {
      const x = c.uniform([2, 3]);
      expectTensor(expandDims(x), { shape: [1, 2, 3], values: x.data() });
      expectTensor(expandDims(x, 1), { shape: [2, 1, 3], values: x.data() });
      expectTensor(expandDims(x, -1), { shape: [2, 3, 1], values: x.data() });
    },
  }),
  ...defineCases('squeeze', {
    'all size-1 axes, or chosen ones': (c) => {
      const x = c.uniform([1, 3, 1, 2]);
      expectTensor(squeeze(x), { shape: [3, 2], values: x.data() });
      expectTensor(squeeze(x, -2), { shape: [1, 3, 2], values: x.data() });
      expectTensor(squeeze(c.tensor([5], [1, 1])), { shape: [], values: [5] });
    },
  }),
  ...defineCases('broadcastTo', {
    'size-1 axes and new leading axes': (c) => {
      const x = c.uniform([3, 1]);
      const expected = broadcastMap([{ values: x.data(), shape: [3, 1] }, { values: [0], shape: [2, 3, 4] }], (a) => a);
      expectTensor(broadcastTo(x, [2, 3, 4]), expected);
    },
    'copies NaN, -0 and int32 bits exactly': (c) => {
      const x = c.tensor([NaN, -0, Infinity], [3]);
      expectTensor(broadcastTo(x, [2, 3]), { shape: [2, 3], values: [NaN, -0, Infinity, NaN, -0, Infinity] }, 'bitwise');
      const i = c.tensor(Int32Array.from([2147483647, -1]), [2, 1]);
      expectTensor(broadcastTo(i, [2, 2]), { shape: [2, 2], values: [2147483647, 2147483647, -1, -1], dtype: 'int32' });
    },
    'to an empty shape and to the same shape': (c) => {
      expectTensor(broadcastTo(c.uniform([1, 3]), [0, 3]), { shape: [0, 3], values: [] });
      const x = c.uniform([2, 2]);
      expectTensor(broadcastTo(x, [2, 2]), { shape: [2, 2], values: x.data() });
    },
  }),
];
