import { describe, expect, it } from 'vitest';
import { resolvePadding, resolvePair, windowOutputSize } from './conv.js';

describe('convolution and pooling shapes', () => {
  it('output size: floor((in + pads - window) / stride) + 1', () => {
    expect(windowOutputSize('conv2d', 'height', 32, 1, 1, 3, 1)).toBe(32);
    expect(windowOutputSize('conv2d', 'height', 32, 1, 1, 3, 2)).toBe(16);
    expect(windowOutputSize('conv2d', 'height', 7, 0, 0, 7, 1)).toBe(1);
    expect(() => windowOutputSize('conv2d', 'height', 2, 0, 0, 3, 1)).toThrow(
      "conv2d: the window (3 with dilation) does not fit the height of the input: 2 + padding 0 + 0 = 2 < 3; use padding 'same' or a smaller kernel",
    );
  });

  it("'same' gives ceil(in / stride) outputs, the odd cell of padding after", () => {
    expect(resolvePadding('conv2d', 'same', [32, 32], [3, 3], [1, 1])).toEqual([1, 1, 1, 1]);
    expect(resolvePadding('conv2d', 'same', [32, 31], [3, 4], [2, 2])).toEqual([0, 1, 1, 2]);
    for (const [size, window, stride] of [[7, 3, 2], [8, 5, 3], [5, 1, 3], [4, 2, 3]]) {
      const [before, after] = resolvePadding('pool', 'same', [size, size], [window, window], [stride, stride]);
      expect(windowOutputSize('pool', 'height', size, before, after, window, stride)).toBe(Math.ceil(size / stride));
    }
  });

  it('explicit padding: one number, [vertical, horizontal] or four sides', () => {
    expect(resolvePadding('conv2d', 2, [5, 5], [3, 3], [1, 1])).toEqual([2, 2, 2, 2]);
    expect(resolvePadding('conv2d', [1, 2], [5, 5], [3, 3], [1, 1])).toEqual([1, 1, 2, 2]);
    expect(resolvePadding('conv2d', [0, 1, 2, 3], [5, 5], [3, 3], [1, 1])).toEqual([0, 1, 2, 3]);
    expect(resolvePadding('conv2d', 'valid', [5, 5], [3, 3], [1, 1])).toEqual([0, 0, 0, 0]);
    expect(() => resolvePadding('conv2d', [1, 2, 3] as never, [5, 5], [3, 3], [1, 1])).toThrow(
      "conv2d: invalid padding: [1,2,3] (allowed: 'valid', 'same', a non-negative integer, [vertical, horizontal] or [top, bottom, left, right])",
    );
    expect(() => resolvePadding('conv2d', 'full' as never, [5, 5], [3, 3], [1, 1])).toThrow('invalid padding: "full"');
  });

  it('pairs: a positive integer or [height, width]', () => {
    expect(resolvePair('conv2d', 'stride', 2, [1, 1])).toEqual([2, 2]);
    expect(resolvePair('conv2d', 'stride', undefined, [1, 1])).toEqual([1, 1]);
    expect(() => resolvePair('conv2d', 'stride', 0, [1, 1])).toThrow('conv2d: invalid stride: 0 (allowed: a positive integer or [height, width] of positive integers)');
  });
});
