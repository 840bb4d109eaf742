import { describe, expect, it } from 'vitest';
import { zeros } from '../creation.js';
import { ArgumentError, ShapeError } from '../errors.js';
import { avgPool2dBackward, maxPool2d, pool2dAttributes } from './pool.js';

describe('pooling shape inference', () => {
  it('stride defaults to the window; same padding; explicit padding', () => {
    expect(pool2dAttributes('maxPool2d', [2, 3, 32, 32], { kernelSize: 2 }).outShape).toEqual([2, 3, 16, 16]);
    expect(pool2dAttributes('maxPool2d', [1, 1, 7, 7], { kernelSize: 3, stride: 2, padding: 'same' }).outShape).toEqual([1, 1, 4, 4]);
    expect(pool2dAttributes('avgPool2d', [1, 1, 7, 7], { kernelSize: [3, 2], stride: 1, padding: 1 }).outShape).toEqual([1, 1, 7, 8]);
  });

  it('explains bad options', () => {
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), { kernelSize: 2, padding: 2 })).toThrow(
      'maxPool2d: invalid padding (top): 2 (allowed: less than the window size 2). a window made only of padding has no value',
    );
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), {} as never)).toThrow('maxPool2d: invalid kernelSize: undefined');
    expect(() => maxPool2d(zeros([1, 1, 1, 4]), { kernelSize: 2 })).toThrow(ShapeError);
    expect(() => maxPool2d(zeros([1, 1, 4, 4]), { kernelSize: 2, stride: -1 })).toThrow(ArgumentError);
  });

  it('backward checks dy', () => {
    expect(() => avgPool2dBackward(zeros([1, 1, 3, 3]), { kernelSize: 2, inShape: [1, 1, 4, 4] })).toThrow(
      'avgPool2dBackward: dy has shape [1,1,3,3] but pooling [1,1,4,4] gives [1,1,2,2]; check kernelSize, stride and padding',
    );
  });
});
