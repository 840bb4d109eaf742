import { describe, expect, it } from 'vitest';
import { ArgumentError, BackendError, DTypeError, ShapeError } from './errors.js';
import { add, argmax, cast, concat, matmul, sum } from './ops/index.js';
import { tensor, zeros } from './creation.js';
import { getBackend } from './backend.js';
import type { Backend } from './kernels/contract.js';
import { referenceBackend } from './reference/index.js';

// One test per error class showing the message a user sees.
describe('named errors', () => {
  it('ShapeError shows both shapes, the axis and a hint', () => {
    const error = captured(() => add(zeros([2, 3]), zeros([4])));
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.name).toBe('ShapeError');
    expect(error.message).toBe(
      'add: cannot broadcast [2,3] with [4]: axis -1 has 3 vs 4; sizes must be equal or one of them 1 ' +
        '(shapes align at the last axis; use expandDims or reshape to line axes up)',
    );
    expect((error as ShapeError).shapes).toEqual([[2, 3], [4]]);
  });

  it('ShapeError for matmul names k of both operands', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: inner sizes differ: a [2,3] has k = 3, b [4,5] has k = 4; the last axis of a must equal the second-to-last of b (transposeA/transposeB swap these)',
    );
  });

  it('DTypeError names the op, the dtype and the fix', () => {
    const indices = argmax(tensor([1, 3, 2]));
    const error = captured(() => sum(indices));
    expect(error).toBeInstanceOf(DTypeError);
    expect(error.message).toBe(`sum: dtype "int32" is not allowed (allowed: 'float32'). x is int32; convert it with cast(x, 'float32')`);
    expect(() => concat([zeros([1]), cast(zeros([1]), 'int32')])).toThrow(DTypeError);
  });

  it('ArgumentError shows the offending value and what is allowed', () => {
    const error = captured(() => sum(zeros([2, 3]), { axis: 2 }));
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toBe('sum: invalid axis: 2 (allowed: an integer in [-2, 1]). negative axes count from the end');
    expect(captured(() => add(zeros([1]), [1, 2] as never)).message).toBe(
      'add: invalid b: [1,2] (allowed: a Tensor). make one with tensor(values, shape)',
    );
  });

  it('BackendError for inputs on two backends, with the move as hint', () => {
    const other: Backend = { ...referenceBackend, name: 'other' };
    const a = tensor([1, 2]);
    const b = tensor([1, 2], [2], { backend: other });
    const error = captured(() => add(a, b));
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toBe(
      `add: inputs live on different backends ('reference' and 'other'); move one first, e.g. x.toBackend('reference')`,
    );
    expect(add(a, b.toBackend(getBackend())).toArray()).toEqual([2, 4]);
  });

  it('BackendError for an unknown backend lists the registered ones', () => {
    expect(() => getBackend('gpu')).toThrow(
      "unknown backend 'gpu' (registered: 'reference'); a backend package registers itself with registerBackend",
    );
  });
});

function captured(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
