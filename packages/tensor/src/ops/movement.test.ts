import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from '../creation.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { concat, pad, slice, transpose } from './movement.js';
import { stack } from './composite.js';

describe('movement ops', () => {
  const x = arange(6).reshape([2, 3]);

  it('transpose', () => {
    expect(transpose(x).toNested()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(transpose(x, [0, 1]).toNested()).toEqual(x.toNested());
    expect(() => transpose(x, [0])).toThrow(ArgumentError);
  });

  it('slice with negative indices and steps', () => {
    expect(slice(x, [{ step: -1 }, { start: -2 }]).toNested()).toEqual([[4, 5], [1, 2]]);
    expect(slice(arange(10), [{ start: 8, stop: 1, step: -3 }]).toArray()).toEqual([8, 5, 2]);
    expect(slice(x, [{ start: 5 }]).shape).toEqual([0, 3]);
  });

  it('concat and stack along any axis', () => {
    expect(concat([x, x], 1).toNested()).toEqual([[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]);
    expect(concat([x, zeros([0, 3])], 0).shape).toEqual([2, 3]);
    expect(() => concat([])).toThrow('concat: invalid tensors: [] (allowed: a non-empty array of tensors)');
    expect(() => concat([x, zeros([2, 2])])).toThrow(ShapeError);
    expect(stack([x, x], 1).shape).toEqual([2, 2, 3]);
    expect(() => stack([x, zeros([3, 2])])).toThrow('stack: tensors[1] has shape [3,2] but tensors[0] has [2,3]; stacked tensors need one shape');
  });

  it('pad with a constant', () => {
    expect(pad(tensor([1, 2]), [[1, 2]], 9).toArray()).toEqual([9, 1, 2, 9, 9]);
    expect(pad(tensor(new Int32Array([1])), [[1, 0]]).dtype).toBe('int32');
    expect(() => pad(tensor(new Int32Array([1])), [[1, 0]], 0.5)).toThrow('pad: invalid value: 0.5 (allowed: an int32 integer for an int32 tensor)');
  });
});
