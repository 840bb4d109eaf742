import { tensor, ShapeError } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { BackwardError, GradientShapeError } from './errors.js';
import { backward, gradients } from './backward.js';
import { noGrad, isGradientEnabled } from './mode.js';
import { add, mul, sum, tanh } from './ops/index.js';
import { detach, variable, Variable } from './variable.js';

const leaf = (values: number[], shape?: number[]) => variable(tensor(values, shape), { requiresGrad: true });

describe('backward', () => {
  it('accumulates gradients of a variable used along several paths (a diamond)', () => {
    const x = leaf([2, -3]);
    const y = mul(x, x); // x^2
    const z = add(mul(y, x), y); // x^3 + x^2 -> 3x^2 + 2x
    backward(sum(z));
    expect(x.grad?.toArray()).toEqual([16, 21]);
  });

  it('adds into grad across calls until zeroGrad', () => {
    const x = leaf([1, 2]);
    backward(sum(mul(x, 3)));
    backward(sum(mul(x, 3)));
    expect(x.grad?.toArray()).toEqual([6, 6]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('takes a gradient for a non-scalar output', () => {
    const x = leaf([1, 2, 3]);
    mul(x, x).backward({ gradient: tensor([1, 0, -1]) });
    expect(x.grad?.toArray()).toEqual([2, 0, -6]);
  });

  it('leaves constants and non-leaves without grad', () => {
    const x = leaf([1]);
    const c = variable(tensor([5]));
    const y = mul(x, c);
    backward(sum(y));
    expect(c.grad).toBeNull();
    expect(y.grad).toBeNull();
    expect(x.grad?.toArray()).toEqual([5]);
  });

  it('gradients() returns gradients for any variable without touching grad', () => {
    const x = leaf([0.5]);
    const hidden = mul(x, 4);
    const out = sum(tanh(hidden));
    const [dx, dHidden, dUnrelated] = gradients(out, [x, hidden, leaf([1])]);
    const expected = 1 - Math.tanh(2) ** 2;
    expect(dHidden.item()).toBeCloseTo(expected, 6);
    expect(dx.item()).toBeCloseTo(4 * expected, 6);
    expect(dUnrelated.toArray()).toEqual([0]);
    expect(x.grad).toBeNull();
  });

  it('handles deep graphs without overflowing the call stack', () => {
    const x = leaf([1]);
    let y: Variable = x;
    for (let i = 0; i < 12000; i++) y = add(y, 1);
    backward(sum(y));
    expect(x.grad?.toArray()).toEqual([1]);
  });
});

describe('noGrad and detach', () => {
  it('noGrad records nothing and restores the mode, also after a throw', () => {
    const x = leaf([1, 2]);
    const y = noGrad(() => mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(y.creator).toBeNull();
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradientEnabled()).toBe(true);
  });

  it('detach cuts the graph', () => {
    const x = leaf([3]);
    const y = mul(detach(mul(x, x)), x); // the detached x^2 = 9 is a constant factor
    backward(sum(y));
    expect(x.grad?.toArray()).toEqual([9]);
  });
});

describe('errors at the boundary', () => {
  it('backward of a non-scalar without a gradient is a BackwardError that says what to do', () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => backward(mul(x, 2))).toThrow(BackwardError);
    expect(() => backward(mul(x, 2))).toThrow(
      'backward: the output has shape [2,3] (6 values); without { gradient } backward needs a single value such as a loss. Reduce it first (sum, mean) or pass { gradient } shaped [2,3]',
    );
  });

  it('a gradient of the wrong shape is a GradientShapeError with both shapes', () => {
    const x = leaf([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = mul(x, 2);
    expect(() => y.backward({ gradient: tensor([1, 2, 3]) })).toThrow(GradientShapeError);
    expect(() => y.backward({ gradient: tensor([1, 2, 3]) })).toThrow(
      'backward: the gradient has shape [3] but the output has shape [2,3]; they must be equal (no broadcasting)',
    );
  });

  it('backward of something that requires no gradient explains why', () => {
    const y = sum(variable(tensor([1, 2])));
    expect(() => backward(y)).toThrow(/backward: the output does not require a gradient: no input of its computation requires one/);
  });

  it('an int32 variable cannot require a gradient', () => {
    expect(() => variable(tensor(new Int32Array([1, 2])), { requiresGrad: true })).toThrow(
      'variable: invalid requiresGrad: true (allowed: false for an int32 tensor). only float32 values have gradients',
    );
  });

  it('shape errors of the forward op come from @lowbit/tensor, at the call', () => {
    expect(() => add(leaf([1, 2]), leaf([1, 2, 3]))).toThrow(ShapeError);
  });
});
