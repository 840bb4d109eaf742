import { describe, expect, it } from 'vitest';
import { concatShape, padShape, resolvePermutation } from './movement.js';

describe('resolvePermutation', () => {
  it('defaults to reversing and accepts negative axes', () => {
    expect(resolvePermutation('transpose', 3, undefined)).toEqual([2, 1, 0]);
    expect(resolvePermutation('transpose', 3, [-1, 0, 1])).toEqual([2, 0, 1]);
    expect(resolvePermutation('transpose', 0, [])).toEqual([]);
  });

  it('rejects repeated, missing or out-of-range axes', () => {
    expect(() => resolvePermutation('transpose', 3, [0, 0, 1])).toThrow(
      'transpose: invalid permutation: [0,0,1] (allowed: a permutation of the 3 axes 0..2 (negative axes allowed)). every axis must appear exactly once',
    );
    expect(() => resolvePermutation('transpose', 3, [0, 1])).toThrow('transpose: invalid permutation: [0,1]');
    expect(() => resolvePermutation('transpose', 2, [0, 2])).toThrow('every axis must appear exactly once');
    expect(() => resolvePermutation('transpose', 2, [1, -1])).toThrow('every axis must appear exactly once');
  });
});

describe('concatShape', () => {
  it('adds up the concatenation axis', () => {
    expect(concatShape('concat', [[2, 3], [2, 0], [2, 4]], 1)).toEqual([2, 7]);
  });

  it('names the axis that differs', () => {
    expect(() => concatShape('concat', [[2, 3], [3, 3]], 1)).toThrow(
      'concat: cannot concatenate [2,3] and [3,3] along axis 1: axis 0 has 2 vs 3; only the concatenation axis may differ',
    );
    expect(() => concatShape('concat', [[2, 3], [2]], 0)).toThrow('concat: input 1 has rank 1 (shape [2]) but input 0 has rank 2 (shape [2,3]); all inputs need the same rank');
  });
});

describe('padShape', () => {
  it('grows each axis by before + after', () => {
    expect(padShape('pad', [2, 0], [[1, 1], [0, 3]])).toEqual([4, 3]);
  });

  it('needs one non-negative pair per axis', () => {
    expect(() => padShape('pad', [2, 3], [[1, 1]])).toThrow('pad: invalid paddings: [[1,1]] (allowed: 2 pairs [before, after] of non-negative integers, one per axis of [2,3])');
    expect(() => padShape('pad', [2], [[-1, 0]])).toThrow('pad: invalid paddings[0]: [-1,0]');
  });
});
