import { describe, expect, it } from 'vitest';
import { checkShape, normalizeAxes, normalizeAxis, reducedShape, sizeOf } from './util.js';

describe('shape utilities', () => {
  it('sizes and shapes', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(() => checkShape('zeros', [2, 1.5])).toThrow('zeros: invalid shape: [2,1.5] (allowed: an array of non-negative integers)');
  });

  it('axes: negative, several, all, duplicates rejected', () => {
    expect(normalizeAxis('op', -1, 3)).toBe(2);
    expect(normalizeAxes('op', [-1, 0], 3)).toEqual([0, 2]);
    expect(normalizeAxes('op', undefined, 2)).toEqual([0, 1]);
    expect(() => normalizeAxes('sum', [1, -1], 2)).toThrow('sum: invalid axis: [1,-1] (allowed: distinct axes). an axis is listed twice (rank 2)');
    expect(() => normalizeAxis('sum', 0, 0)).toThrow('sum: invalid axis: 0 (allowed: none: the tensor is a scalar (rank 0))');
  });

  it('reducedShape with and without keepDims', () => {
    expect(reducedShape([2, 3, 4], [0, 2], false)).toEqual([3]);
    expect(reducedShape([2, 3, 4], [0, 2], true)).toEqual([1, 3, 1]);
  });
});
