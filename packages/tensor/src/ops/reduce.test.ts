import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../creation.js';
import { ArgumentError } from '../errors.js';
import { argmin, min } from './composite.js';
import { argmax, max, mean, sum } from './reduce.js';

describe('reductions', () => {
  const x = tensor([[1, 5, 3], [4, 2, 6]]);

  it('over all axes, one axis, several axes, keepDims', () => {
    expect(sum(x).toNested()).toBe(21);
    expect(sum(x, { axis: 0 }).toArray()).toEqual([5, 7, 9]);
    expect(mean(x, { axis: -1, keepDims: true }).toNested()).toEqual([[3], [4]]);
    expect(max(x, { axis: [0, 1] }).shape).toEqual([]);
    expect(min(x, { axis: 1 }).toArray()).toEqual([1, 2]);
  });

  it('argmax/argmin give int32 indices, first wins', () => {
    const ties = tensor([[3, 1, 3], [0, 0, -1]]);
    const indices = argmax(ties, { axis: 1 });
    expect(indices.dtype).toBe('int32');
    expect(Array.from(indices.data())).toEqual([0, 0]);
    expect(Array.from(argmax(x).data())).toEqual([5]);
    expect(Array.from(argmin(ties, { axis: 1 }).data())).toEqual([1, 2]);
  });

  it('empty reductions: sum 0, mean NaN, max -Infinity; argmax is an error', () => {
    const empty = zeros([2, 0]);
    expect(sum(empty, { axis: 1 }).toArray()).toEqual([0, 0]);
    expect(mean(empty, { axis: 1 }).toArray()).toEqual([NaN, NaN]);
    expect(max(empty, { axis: 1 }).toArray()).toEqual([-Infinity, -Infinity]);
    expect(sum(empty, { axis: 0 }).shape).toEqual([0]);
    expect(() => argmax(empty, { axis: 1 })).toThrow(
      'argmax: invalid axis: 1 (allowed: axes with at least one element). x has shape [2,0]: there is no maximum to point at',
    );
  });

  it('validates options', () => {
    expect(() => sum(x, { axis: [0, 0] })).toThrow(ArgumentError);
    expect(() => sum(x, { keepDims: 1 as never })).toThrow('sum: invalid keepDims: 1 (allowed: true or false)');
  });
});
