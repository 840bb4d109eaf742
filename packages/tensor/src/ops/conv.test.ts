import { describe, expect, it } from 'vitest';
import { ones, zeros } from '../creation.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { conv2d, conv2dAttributes, conv2dBackwardData, conv2dBackwardFilter } from './conv.js';

describe('conv2d shape inference', () => {
  it('stride, padding, dilation and groups', () => {
    const attributes = conv2dAttributes('conv2d', [8, 64, 32, 32], [128, 64, 3, 3], { stride: 2, padding: 1 });
    expect(attributes.outShape).toEqual([8, 128, 16, 16]);
    expect(conv2dAttributes('conv2d', [1, 3, 32, 32], [8, 3, 3, 3], { padding: 'same' }).outShape).toEqual([1, 8, 32, 32]);
    expect(conv2dAttributes('conv2d', [1, 4, 9, 9], [4, 1, 3, 3], { dilation: 2, groups: 4 }).outShape).toEqual([1, 4, 5, 5]);
    expect(conv2dAttributes('conv2d', [1, 4, 9, 9], [6, 2, 3, 3], { groups: 2, padding: [0, 1, 2, 3], stride: [1, 2] }).padding).toEqual([0, 1, 2, 3]);
  });

  it('explains bad shapes and options', () => {
    expect(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 2, 3, 3]))).toThrow(
      'conv2d: filter [4,2,3,3] has 2 input channels but x [1,3,8,8] has 3 channels, so the filter needs 3 (axis 1 of the filter is inChannels / groups)',
    );
    expect(() => conv2d(zeros([3, 8, 8]), zeros([4, 3, 3, 3]))).toThrow(
      'conv2d: x has shape [3,8,8] (rank 3) but must be rank 4, [batch, inChannels, height, width]',
    );
    expect(() => conv2d(zeros([1, 3, 8, 8]), zeros([4, 1, 3, 3]), { groups: 3 })).toThrow(
      'conv2d: groups 3 must divide both inChannels 3 (x [1,3,8,8]) and outChannels 4 (filter [4,1,3,3])',
    );
    expect(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), { groups: 0 })).toThrow(ArgumentError);
  });

  it('backward ops check dy against the forward shape', () => {
    expect(() => conv2dBackwardData(zeros([1, 2, 5, 5]), zeros([2, 1, 3, 3]), { inShape: [1, 1, 8, 8] })).toThrow(
      'conv2dBackwardData: dy has shape [1,2,5,5] but the forward convolution of x [1,1,8,8] with filter [2,1,3,3] gives [1,2,6,6]; check inShape/filterShape, stride and padding',
    );
    expect(() => conv2dBackwardFilter(zeros([1, 1, 8, 8]), zeros([1, 2, 6, 6]), { filterShape: [2, 1, 3] })).toThrow(ShapeError);
    expect(() => conv2dBackwardData(zeros([1, 2, 6, 6]), zeros([2, 1, 3, 3]), {} as never)).toThrow('conv2dBackwardData: invalid inShape: undefined');
  });

  it('empty batches give empty results without calling kernels', () => {
    expect(conv2d(zeros([0, 2, 5, 5]), ones([3, 2, 3, 3])).shape).toEqual([0, 3, 3, 3]);
  });
});
