import { describe, expect, it } from 'vitest';
import { matmulShape } from './matmul.js';

describe('matmulShape', () => {
  it('[m,k] x [k,n], transpose flags, batch broadcasting', () => {
    expect(matmulShape('matmul', [2, 3], [3, 4], false, false)).toEqual([2, 4]);
    expect(matmulShape('matmul', [3, 2], [4, 3], true, true)).toEqual([2, 4]);
    expect(matmulShape('matmul', [5, 1, 2, 3], [7, 3, 4], false, false)).toEqual([5, 7, 2, 4]);
    expect(matmulShape('matmul', [2, 0], [0, 4], false, false)).toEqual([2, 4]);
  });

  it('explains rank, inner-size and batch errors', () => {
    expect(() => matmulShape('matmul', [3], [3, 4], false, false)).toThrow(
      'matmul: a has shape [3] (rank 1) but needs rank >= 2; use expandDims(a, 0) to treat a vector as a row',
    );
    expect(() => matmulShape('matmul', [2, 3], [2, 4], true, true)).toThrow(
      'matmul: inner sizes differ: a [2,3] (transposed) has k = 2, b [2,4] (transposed) has k = 4',
    );
    expect(() => matmulShape('matmul', [2, 2, 3], [3, 3, 4], false, false)).toThrow(
      'matmul: batch dimensions of a [2,2,3] and b [3,3,4] do not broadcast (cannot broadcast [2] with [3]: axis -1 has 2 vs 3;',
    );
  });
});
