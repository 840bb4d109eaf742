import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '../errors.js';
import { expandDimsShape, inferReshape, squeezeShape } from './reshape.js';

describe('inferReshape', () => {
  it('infers one -1 and keeps sizes', () => {
    expect(inferReshape('reshape', [2, 3, 4], [-1, 4])).toEqual([6, 4]);
    expect(inferReshape('reshape', [0, 3], [-1, 3])).toEqual([0, 3]);
    expect(inferReshape('reshape', [1], [])).toEqual([]);
  });

  it('explains size mismatches', () => {
    expect(() => inferReshape('reshape', [2, 3], [4, 2])).toThrow(
      'reshape: cannot reshape [2,3] (size 6) to [4,2] (size 8); the sizes must be equal (one dimension may be -1 to infer it)',
    );
    expect(() => inferReshape('reshape', [0, 3], [0, -1])).toThrow('leaves -1 undetermined');
    expect(() => inferReshape('reshape', [6], [-1, -1])).toThrow(ArgumentError);
    expect(() => inferReshape('reshape', [6], [2.5, 2] as never)).toThrow(
      'reshape: invalid shape: [2.5,2] (allowed: an array of non-negative integers with at most one -1)',
    );
  });
});

describe('expandDims and squeeze shapes', () => {
  it('inserts at [-rank-1, rank]', () => {
    expect(expandDimsShape('expandDims', [2, 3], 0)).toEqual([1, 2, 3]);
    expect(expandDimsShape('expandDims', [2, 3], 2)).toEqual([2, 3, 1]);
    expect(expandDimsShape('expandDims', [2, 3], -1)).toEqual([2, 3, 1]);
    expect(expandDimsShape('expandDims', [], 0)).toEqual([1]);
    expect(() => expandDimsShape('expandDims', [2, 3], 3)).toThrow('expandDims: invalid axis: 3 (allowed: an integer in [-3, 2])');
  });

  it('removes only size-1 axes', () => {
    expect(squeezeShape('squeeze', [1, 2, 1], undefined)).toEqual([2]);
    expect(squeezeShape('squeeze', [1, 2, 1], [2])).toEqual([1, 2]);
    expect(() => squeezeShape('squeeze', [1, 2, 1], [1])).toThrow('squeeze: cannot squeeze axis 1 of [1,2,1]: its size is 2, not 1');
    expect(() => squeezeShape('squeeze', [2], [0])).toThrow(ShapeError);
  });
});
