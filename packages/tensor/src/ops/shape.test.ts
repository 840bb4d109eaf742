import { describe, expect, it } from 'vitest';
import { arange, tensor } from '../creation.js';
import { ShapeError } from '../errors.js';
import { broadcastTo, expandDims, flatten, reshape, squeeze } from './shape.js';

describe('shape ops', () => {
  const x = arange(24).reshape([2, 3, 4]);

  it('reshape, flatten, expandDims and squeeze share storage', () => {
    for (const y of [reshape(x, [6, -1]), flatten(x, 1), expandDims(x, -1), squeeze(expandDims(x))]) {
      expect(y.kernelTensor.handle).toBe(x.kernelTensor.handle);
    }
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
    expect(() => flatten(x, 2, 1)).toThrow('flatten: startAxis 2 comes after endAxis 1 for shape [2,3,4]');
  });

  it('broadcastTo copies into the target shape', () => {
    expect(broadcastTo(tensor([1, 2]), [2, 2]).toNested()).toEqual([[1, 2], [1, 2]]);
    expect(() => broadcastTo(tensor([1, 2]), [3])).toThrow('broadcastTo: cannot broadcast [2] with [3]: axis -1 has 2 vs 3');
    expect(() => broadcastTo(tensor([[1, 2]]), [2])).toThrow('broadcastTo: cannot broadcast [1,2] to [2]: the target has fewer axes');
    expect(() => broadcastTo(tensor([[1], [2]]), [2, 1])).not.toThrow();
    expect(() => broadcastTo(tensor([1, 2]), [2, 1])).toThrow(ShapeError);
  });
});
