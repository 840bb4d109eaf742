/**
 * Behaviour of the differentiable ops beyond the finite-difference table: values equal the tensor
 * ops, ties and kinks get the documented subgradients, constants stay constants.
 */
import * as T from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { variable } from '../variable.js';
import * as A from './index.js';

const leaf = (values: number[], shape?: number[]) => variable(T.tensor(values, shape), { requiresGrad: true });

describe('differentiable ops', () => {
  it('compute exactly what the tensor ops compute', () => {
    const a = T.tensor([[0.1, -2], [3, 0.7]]);
    const b = T.tensor([0.3, -0.4]);
    expect(A.matmul(a, T.reshape(b, [2, 1])).toArray()).toEqual(T.matmul(a, T.reshape(b, [2, 1])).toArray());
    expect(A.softmax(a).toArray()).toEqual(T.softmax(a).toArray());
    expect(A.div(a, b).toArray()).toEqual(T.div(a, b).toArray());
  });

  it('maximum, minimum and max share the gradient evenly on ties', () => {
    const a = leaf([1, 2, 3]);
    const b = leaf([1, 5, 0]);
    backward(A.sum(A.maximum(a, b)));
    expect(a.grad?.toArray()).toEqual([0.5, 0, 1]);
    expect(b.grad?.toArray()).toEqual([0.5, 1, 0]);
    const x = leaf([4, 1, 4, 4]);
    backward(A.max(x));
    expect(x.grad?.toArray()).toEqual([1 / 3, 0, 1 / 3, 1 / 3].map(Math.fround));
  });

  it('relu, abs and sign have gradient 0 at 0; clip passes at its bounds', () => {
    const x = leaf([-1, 0, 2]);
    backward(A.sum(A.add(A.add(A.relu(x), A.abs(x)), A.sign(x))));
    expect(x.grad?.toArray()).toEqual([-1, 0, 2]);
    const y = leaf([-1, -0.5, 1, 1.5]);
    backward(A.sum(A.clip(y, -1, 1)));
    expect(y.grad?.toArray()).toEqual([1, 1, 1, 0]);
  });

  it('comparisons, argmax and int32 casts give constants even from tracked inputs', () => {
    const x = leaf([1, 2]);
    for (const result of [A.greater(x, 1), A.argmax(x), A.cast(x, 'int32'), A.equal(x, x)]) {
      expect(result.requiresGrad).toBe(false);
      expect(result.creator).toBeNull();
    }
  });

  it('slice scatters the gradient back, negative steps included', () => {
    const x = leaf([0, 1, 2, 3, 4, 5, 6]);
    backward(A.sum(A.mul(A.slice(x, [{ start: -2, stop: 0, step: -2 }]), T.tensor([10, 20, 30]))));
    expect(x.grad?.toArray()).toEqual([0, 30, 0, 20, 0, 10, 0]);
  });

  it('maxPool2dBackward routes its gradient by the first maximum of each window of x', () => {
    const dy = leaf([1], [1, 1, 1, 1]);
    const x = T.tensor([3, 7, 7, 1], [1, 1, 2, 2]);
    const routed = A.maxPool2dBackward(dy, x, { kernelSize: 2 });
    expect(routed.toArray()).toEqual([0, 1, 0, 0]);
    routed.backward({ gradient: T.tensor([10, 20, 30, 40], [1, 1, 2, 2]) });
    expect(dy.grad?.toArray()).toEqual([20]);
  });

  it('a number operand lives on the backend of the tensor operand', () => {
    const x = leaf([1, 2]);
    const y = A.sub(3, x);
    expect(y.toArray()).toEqual([2, 1]);
    backward(A.sum(y));
    expect(x.grad?.toArray()).toEqual([-1, -1]);
  });
});
