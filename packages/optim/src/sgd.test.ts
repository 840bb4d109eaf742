import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@lowbit/tensor';
import { sgd } from './sgd.js';
import { param, setGrad, values } from './helpers.testutil.js';

/** Runs `steps` steps of a definition on w with the same gradient each step; returns w after each. */
function run(definition: ReturnType<typeof sgd>, w: number[], gradients: number[][]): number[][] {
  const p = param(w, { name: 'w' });
  const optimizer = definition.create([p]);
  return gradients.map((g) => {
    setGrad(p, g);
    optimizer.step();
    return values(p);
  });
}

function expectClose(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(v, `step ${i} value ${j}`).toBeCloseTo(expected[i][j], 6)));
}

describe('sgd (PyTorch semantics, hand-computed)', () => {
  const g = [0.5, 0.25];

  it('plain: w - lr g', () => {
    expectClose(run(sgd({ learningRate: 0.1 }), [1, -2], [g, g]), [
      [0.95, -2.025],
      [0.9, -2.05],
    ]);
  });

  it('momentum: the buffer starts as the first gradient, then b = mu b + g', () => {
    // step 1: b = g; step 2: b = 0.9 g + g = 1.9 g
    expectClose(run(sgd({ learningRate: 0.1, momentum: 0.9 }), [1, -2], [g, g]), [
      [0.95, -2.025],
      [0.95 - 0.1 * 0.95, -2.025 - 0.1 * 0.475],
    ]);
  });

  it('dampening scales the gradient in the buffer from the second step on', () => {
    // step 1: b = g (undampened); step 2: b = 0.9 · 0.5 + 0.5 · 0.5 = 0.7
    expectClose(run(sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.5 }), [1], [[0.5], [0.5]]), [[0.95], [0.95 - 0.07]]);
  });

  it('Nesterov: d = g + mu b', () => {
    // step 1: b = 0.5, d = 0.5 + 0.45 = 0.95; step 2: b = 0.95, d = 0.5 + 0.855 = 1.355
    expectClose(run(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), [1], [[0.5], [0.5]]), [[0.905], [0.905 - 0.1355]]);
  });

  it('weight decay adds lambda w to the gradient (before momentum)', () => {
    // d = g + 0.1 w = [0.6, 0.05]; with momentum the buffer starts as d
    expectClose(run(sgd({ learningRate: 0.1, weightDecay: 0.1 }), [1, -2], [g]), [[0.94, -2.005]]);
    const twoSteps = run(sgd({ learningRate: 0.1, weightDecay: 0.1, momentum: 0.5 }), [1], [[0.5], [0.5]]);
    const b2 = 0.5 * 0.6 + (0.5 + 0.1 * 0.94);
    expectClose(twoSteps, [[0.94], [0.94 - 0.1 * b2]]);
  });

  it('is float32 arithmetic, operation by operation', () => {
    const [[w]] = run(sgd({ learningRate: 0.1 }), [1], [[0.3]]);
    expect(w).toBe(Math.fround(1 + Math.fround(Math.fround(-0.1) * Math.fround(0.3))));
  });

  it('evaluates a learning-rate schedule at the number of steps taken before', () => {
    const p = param([0], { name: 'w' });
    const optimizer = sgd({ learningRate: (step) => 10 ** -step }).create([p]);
    for (let i = 0; i < 3; i++) {
      setGrad(p, [-1]);
      optimizer.step();
      expect(optimizer.statistics()?.hyperparameters.learningRate).toBe(10 ** -i);
    }
    expect(values(p)[0]).toBeCloseTo(1.11, 6);
  });

  it('leaves parameters without a gradient alone and marks them skipped', () => {
    const a = param([1], { name: 'a' });
    const b = param([1], { name: 'b' });
    const optimizer = sgd({ learningRate: 0.1, momentum: 0.9 }).create([a, b]);
    setGrad(a, [1]);
    optimizer.step();
    expect(values(b)).toEqual([1]);
    expect(optimizer.statistics()?.parameters.map((r) => r.skipped)).toEqual([false, true]);
    optimizer.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('rejects bad options with the value and a hint', () => {
    expect(() => sgd({} as never)).toThrow(/sgd: invalid learningRate: undefined/);
    expect(() => sgd({ learningRate: 0.1, momentum: -1 })).toThrow(ArgumentError);
    expect(() => sgd({ learningRate: 0.1, nesterov: true })).toThrow(/nesterov.*momentum > 0 and dampening 0/);
    expect(() => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true, dampening: 0.1 })).toThrow(/dampening 0\.1/);
    expect(() => sgd({ learningRate: 'fast' as never })).toThrow(/learningRate: "fast"/);
  });
});
