import { Tensor, tensor, exp as tensorExp, mul as tensorMul, neg as tensorNeg } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { BackwardError, GradientShapeError, MissingGradientError } from './errors.js';
import { rule } from './gradients/index.js';
import { applyOp, customGradient, registerGradient } from './record.js';
import { sum } from './ops/index.js';
import { variable } from './variable.js';

const leaf = (values: number[]) => variable(tensor(values), { requiresGrad: true });

describe('ops outside the catalog', () => {
  it('applyOp of an op without a rule throws MissingGradientError when an input requires a gradient', () => {
    const square = (x: Tensor) => tensorMul(x, x);
    expect(() => applyOp('mySquare', [leaf([1])], square, undefined)).toThrow(MissingGradientError);
    expect(() => applyOp('mySquare', [leaf([1])], square, undefined)).toThrow(
      'mySquare: no gradient rule for op "mySquare", and an input requires a gradient. Add a rule to GRADIENTS (src/gradients/, catalog ops), ' +
        'register one with registerGradient(op, rule), wrap the computation in customGradient(forward, backward), or detach the inputs / run it under noGrad.',
    );
    // A constant input needs no rule.
    expect(applyOp('mySquare', [variable(tensor([3]))], square, undefined).toArray()).toEqual([9]);
  });

  it('registerGradient makes an op differentiable; catalog names are refused', () => {
    registerGradient('myCube', rule((dy, { inputs: [x] }) => [tensorMul(dy, tensorMul(tensorMul(x, x), 3))]));
    const x = leaf([2]);
    backward(sum(applyOp('myCube', [x], (t) => tensorMul(tensorMul(t, t), t), undefined)));
    expect(x.grad?.toArray()).toEqual([12]);
    expect(() => registerGradient('add', rule((dy) => [dy]))).toThrow(/registerGradient: invalid op: "add" \(allowed: a name outside the tensor catalog\)/);
    expect(() => registerGradient('myCube', rule((dy) => [dy]))).toThrow(/a name without a registered rule/);
  });
});

describe('customGradient', () => {
  it('uses the given backward instead of tracing the forward', () => {
    // exp(-x) with a deliberately recognisable "gradient" to prove which rule ran.
    const f = customGradient((x) => tensorExp(tensorNeg(x)), (dy) => tensorMul(dy, 7), { name: 'sevens' });
    const x = leaf([0, 1]);
    const y = f(x);
    expect(y.creator?.op).toBe('sevens');
    backward(sum(y));
    expect(x.grad?.toArray()).toEqual([7, 7]);
  });

  it('passes saved data from forward to backward', () => {
    const f = customGradient<{ twice: Tensor }>(
      (x) => ({ value: tensorMul(x, x), saved: { twice: tensorMul(x, 2) } }),
      (dy, { saved }) => [tensorMul(dy, saved.twice)],
    );
    const x = leaf([3]);
    backward(sum(f(x)));
    expect(x.grad?.toArray()).toEqual([6]);
  });

  it('tells the rule which inputs need a gradient, so it can skip the others', () => {
    let seen: readonly boolean[] = [];
    const f = customGradient((a, b) => tensorMul(a, b), (dy, { needsGradient }) => {
      seen = needsGradient;
      return [dy, null];
    });
    backward(sum(f(leaf([1]), tensor([2]))));
    expect(seen).toEqual([true, false]);
  });

  it('a rule that returns the wrong number or shape of gradients fails with a named error', () => {
    const wrongCount = customGradient((a, b) => tensorMul(a, b), (dy) => [dy], { name: 'wrongCount' });
    expect(() => backward(sum(wrongCount(leaf([1]), leaf([2]))))).toThrow(BackwardError);
    expect(() => backward(sum(wrongCount(leaf([1]), leaf([2]))))).toThrow(
      'backward: the gradient rule of wrongCount returned 1 gradient(s) for 2 input(s); return one per input (null where none flows)',
    );
    const wrongShape = customGradient((a) => a, () => tensor([1, 2, 3]), { name: 'wrongShape' });
    expect(() => backward(sum(wrongShape(leaf([1, 2]))))).toThrow(GradientShapeError);
    expect(() => backward(sum(wrongShape(leaf([1, 2]))))).toThrow(
      'backward: the gradient rule of wrongShape returned a gradient for input 0 that does not fit: got [3], expected [2]',
    );
  });
});
