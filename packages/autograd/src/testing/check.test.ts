import { tensor, mul as tensorMul } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { customGradient } from '../record.js';
import { abs, exp, mul, sum } from '../ops/index.js';
import { checkGradient, GradientCheckError } from './check.js';

describe('checkGradient', () => {
  it('passes a correct gradient and reports how close it was', () => {
    const report = checkGradient((x, y) => mul(exp(x), y), [tensor([0.5, -1, 2]), tensor([1.5, 0.25, -2])]);
    expect(report.worstRatio).toBeLessThan(0.1);
    expect(report.inputs.map((input) => input.index)).toEqual([0, 1]);
    expect(report.evaluations).toBe(4 * 6);
  });

  it('fails a wrong gradient with a GradientCheckError naming the element', () => {
    const wrong = customGradient((x) => tensorMul(x, x), (dy, { inputs: [x] }) => tensorMul(dy, x), { name: 'halfSquare' });
    expect(() => checkGradient((x) => wrong(x), [tensor([3])], { label: 'square' })).toThrow(GradientCheckError);
    expect(() => checkGradient((x) => wrong(x), [tensor([3])], { label: 'square', seed: 2 })).toThrow(
      /^square: 1 gradient value\(s\) differ from central finite differences \(h = epsilon 0.015625 x max\(\|x\|, 1\)\):\n {2}input 0 \[0\] = 3: analytic -?[0-9.]+, numeric -?[0-9.]+, error/,
    );
  });

  it('says when an element sits on a kink', () => {
    expect(() => checkGradient((x) => sum(abs(x)), [tensor([0.001])])).toThrow(/D\(h\) and D\(h\/2\) disagree: x may sit near a kink or a tie/);
  });

  it('skips int32 inputs and checks only the inputs asked for', () => {
    const report = checkGradient((x, _labels, y) => mul(x, y), [tensor([1, 2]), tensor(new Int32Array([0, 1])), tensor([3, 4])], { wrt: [2] });
    expect(report.inputs.map((input) => input.index)).toEqual([2]);
  });
});
