import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { broadcastShapes, broadcastsTo } from './broadcast.js';

describe('broadcastShapes', () => {
  it('aligns at the last axis and stretches size-1 axes', () => {
    expect(broadcastShapes('op', [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes('op', [], [3])).toEqual([3]);
    expect(broadcastShapes('op', [1], [0])).toEqual([0]);
    expect(broadcastShapes('op', [5, 1], [1, 0], [5, 1])).toEqual([5, 0]);
    expect(broadcastShapes('op')).toEqual([]);
  });

  it('names the conflicting axis (counted from the end) and both shapes', () => {
    expect(() => broadcastShapes('mul', [2, 3], [4])).toThrow(
      'mul: cannot broadcast [2,3] with [4]: axis -1 has 3 vs 4; sizes must be equal or one of them 1',
    );
    expect(() => broadcastShapes('where', [3, 1], [1, 2], [4, 2])).toThrow('where: cannot broadcast [3,1] with [4,2]: axis -2 has 3 vs 4');
    expect(() => broadcastShapes('add', [0], [2])).toThrow(ShapeError);
  });

  it('is symmetric and every input broadcasts to the result (property)', () => {
    const shape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
    fc.assert(
      fc.property(shape, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (a, ones) => {
        const b = a.map((d, i) => (ones[i] ? 1 : d)).slice(ones.filter(Boolean).length % 2);
        const out = broadcastShapes('op', a, b);
        expect(broadcastShapes('op', b, a)).toEqual(out);
        expect(broadcastsTo(a, out) && broadcastsTo(b, out)).toBe(true);
      }),
    );
  });
});

describe('broadcastsTo', () => {
  it('never widens the target', () => {
    expect(broadcastsTo([3, 1], [2, 3, 4])).toBe(true);
    expect(broadcastsTo([3, 4], [3, 1])).toBe(false);
    expect(broadcastsTo([1, 3], [3])).toBe(false);
  });
});
