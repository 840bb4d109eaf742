import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../creation.js';
import { ArgumentError, DTypeError, ShapeError } from '../errors.js';
import { add, div, equal, greater, maximum, pow, sub, where } from './binary.js';
import { cast, clip, exp, neg, relu, sigmoid, sqrt } from './unary.js';

describe('unary ops', () => {
  it('compute float32 results', () => {
    expect(neg(tensor([1, -2])).toArray()).toEqual([-1, 2]);
    expect(relu(tensor([-1, 0, 2, NaN])).toArray()).toEqual([0, 0, 2, NaN]);
    expect(sqrt(tensor([4, 2])).toArray()).toEqual([2, Math.fround(Math.SQRT2)]);
    expect(sigmoid(tensor([0])).toArray()).toEqual([0.5]);
    expect(exp(zeros([2, 0])).shape).toEqual([2, 0]);
  });

  it('reject int32 with a DTypeError', () => {
    expect(() => neg(tensor(new Int32Array([1])))).toThrow(DTypeError);
  });

  it('clip validates its bounds', () => {
    expect(clip(tensor([-2, 0.5, 2]), -1, 1).toArray()).toEqual([-1, 0.5, 1]);
    expect(() => clip(tensor([1]), 2, 1)).toThrow('clip: invalid min/max: [2,1] (allowed: min <= max)');
    expect(() => clip(tensor([1]), NaN, 1)).toThrow(ArgumentError);
  });

  it('cast between float32 and int32', () => {
    const ints = cast(tensor([1.9, -1.9, NaN, 3e9]), 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.data())).toEqual([1, -1, 0, 2147483647]);
    expect(() => cast(tensor([1]), 'float64' as never)).toThrow(`cast: dtype "float64" is not allowed (allowed: 'float32' or 'int32')`);
  });
});

describe('binary ops', () => {
  it('broadcast and accept numbers', () => {
    expect(add(tensor([[1], [2]]), tensor([10, 20, 30])).toNested()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(sub(1, tensor([1, 2])).toArray()).toEqual([0, -1]);
    expect(div(tensor([1]), 0).toArray()).toEqual([Infinity]);
    expect(add(2, 3).toArray()).toEqual([5]);
    expect(maximum(tensor([1, NaN]), 0).toArray()).toEqual([1, NaN]);
    expect(pow(tensor([2]), 10).toArray()).toEqual([1024]);
    expect(add(zeros([0, 3]), zeros([1, 3])).shape).toEqual([0, 3]);
  });

  it('comparisons give float32 ones and zeros', () => {
    const result = greater(tensor([1, 2, 3]), 2);
    expect(result.dtype).toBe('float32');
    expect(result.toArray()).toEqual([0, 0, 1]);
    expect(equal(tensor([NaN]), tensor([NaN])).toArray()).toEqual([0]);
  });

  it('report shape conflicts', () => {
    expect(() => add(zeros([2, 3]), zeros([3, 2]))).toThrow(ShapeError);
  });
});

describe('where', () => {
  it('selects with broadcasting', () => {
    expect(where(tensor([[1], [0]]), tensor([1, 2]), -1).toNested()).toEqual([[1, 2], [-1, -1]]);
  });

  it('keeps int32 when both branches are int32, else needs float32', () => {
    const a = tensor(new Int32Array([1, 2]));
    expect(where(tensor([1, 0]), a, tensor(new Int32Array([3, 4]))).dtype).toBe('int32');
    expect(() => where(tensor([1, 0]), a, 0)).toThrow(DTypeError);
    expect(() => where(tensor([1, 0]), tensor([1, 2, 3]), 0)).toThrow('where: cannot broadcast [2] with [3]');
  });
});
