import { describe, expect, it } from 'vitest';
import { arange, eye, full, ones, randomNormal, randomUniform, scalar, tensor, zeros } from './creation.js';
import { ArgumentError, ShapeError } from './errors.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  it('has shape, dtype, size, rank and its backend', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x).toBeInstanceOf(Tensor);
    expect(x.shape).toEqual([2, 3]);
    expect(x.dtype).toBe('float32');
    expect(x.size).toBe(6);
    expect(x.rank).toBe(2);
    expect(x.backend.name).toBe('reference');
    expect(Object.isFrozen(x.shape)).toBe(true);
  });

  it('copies values out: data, toArray, toNested, item', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const data = x.data();
    data[0] = 99;
    expect(x.toArray()).toEqual([1, 2, 3, 4]);
    expect(x.toNested()).toEqual([[1, 2], [3, 4]]);
    expect(scalar(2.5).toNested()).toBe(2.5);
    expect(scalar(2.5).item()).toBe(2.5);
    expect(tensor([], [2, 0]).toNested()).toEqual([[], []]);
    expect(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).toNested()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(() => zeros([0]).item()).toThrow('item: the tensor of shape [0] has no element');
  });

  it('reshape shares storage and infers -1', () => {
    const x = arange(6);
    const y = x.reshape([-1, 2]);
    expect(y.shape).toEqual([3, 2]);
    expect(y.kernelTensor.handle).toBe(x.kernelTensor.handle);
    expect(() => x.reshape([4, -1])).toThrow(
      'reshape: cannot reshape [6] (size 6) to [4,-1]: the other dimensions multiply to 4, which does not divide 6',
    );
    expect(() => x.reshape([5])).toThrow(ShapeError);
  });

  it('toString shows small tensors', () => {
    expect(String(tensor([1, 2]))).toBe('Tensor(float32 [2] on reference) [1,2]');
  });
});

describe('creation', () => {
  it('tensor from nested arrays, flat arrays with shape, typed arrays', () => {
    expect(tensor([1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2]);
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    const ints = tensor(new Int32Array([1, 2]));
    expect(ints.dtype).toBe('int32');
    expect(tensor([1.5], [1], { dtype: 'float32' }).toArray()).toEqual([1.5]);
    expect(tensor(7).shape).toEqual([]);
  });

  it('rejects ragged nested arrays, size mismatches and bad values', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: nested values are not rectangular: values[1] has length 1 but the first row at this depth has length 2 (shape so far [2,2])',
    );
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values cannot fill shape [2,2] (size 4)');
    expect(() => tensor([1, 'a' as never])).toThrow(ArgumentError);
    expect(() => tensor([1.5], [1], { dtype: 'int32' })).toThrow(
      `tensor: invalid values[0]: 1.5 (allowed: an integer in the int32 range for dtype 'int32')`,
    );
    expect(() => zeros([2, -1])).toThrow('full: invalid shape: [2,-1] (allowed: an array of non-negative integers)');
  });

  it('zeros, ones, full, eye, arange', () => {
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([1, 2]).toNested()).toEqual([[1, 1]]);
    expect(full([2], 3, { dtype: 'int32' }).data()).toEqual(new Int32Array([3, 3]));
    expect(eye(2, 3).toNested()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 1).size).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow('arange: invalid step: 0 (allowed: a non-zero number)');
  });

  it('random tensors are counter-based: same seed, same values; offset continues a stream', () => {
    const a = randomUniform([10], { seed: 7 });
    expect(randomUniform([2, 5], { seed: 7 }).toArray()).toEqual(a.toArray());
    expect(randomUniform([4], { seed: 7, offset: 6 }).toArray()).toEqual(a.toArray().slice(6));
    expect(randomUniform([10], { seed: 8 }).toArray()).not.toEqual(a.toArray());
    expect(a.toArray().every((v) => v >= 0 && v < 1)).toBe(true);
    const b = randomUniform([1000], { seed: 1, low: -2, high: 3 }).toArray();
    expect(Math.min(...b)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...b)).toBeLessThan(3);
  });

  it('randomNormal has the requested mean and standard deviation', () => {
    const values = randomNormal([20000], { seed: 3, mean: 1, stddev: 2 }).toArray();
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(() => randomNormal([2], { stddev: -1 })).toThrow('randomNormal: invalid stddev: -1 (allowed: a finite non-negative number)');
    expect(() => randomUniform([2], { seed: -1 })).toThrow('randomUniform: invalid seed: -1 (allowed: a non-negative safe integer)');
  });
});
