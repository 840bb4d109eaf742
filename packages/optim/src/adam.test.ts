import { describe, expect, it } from 'vitest';
import { adam, adamw } from './adam.js';
import { param, setGrad, values } from './helpers.testutil.js';

/** torch.optim.Adam's single-tensor step written out in float64 (the reference the tests compare with). */
function referenceAdam(w: number, gradients: number[], options: { lr: number; beta1: number; beta2: number; eps: number; wd?: number; decoupled?: boolean }): number[] {
  const { lr, beta1, beta2, eps, wd = 0, decoupled = false } = options;
  let m = 0;
  let v = 0;
  return gradients.map((gradient, index) => {
    const t = index + 1;
    let g = gradient;
    if (decoupled) w *= 1 - lr * wd;
    else g += wd * w;
    m = m + (1 - beta1) * (g - m);
    v = beta2 * v + (1 - beta2) * g * g;
    const denominator = Math.sqrt(v) / Math.sqrt(1 - beta2 ** t) + eps;
    w -= (lr / (1 - beta1 ** t)) * (m / denominator);
    return w;
  });
}

function run(definition: ReturnType<typeof adam>, w: number, gradients: number[]): number[] {
  const p = param([w], { name: 'w' });
  const optimizer = definition.create([p]);
  return gradients.map((g) => {
    setGrad(p, [g]);
    optimizer.step();
    return values(p)[0];
  });
}

const defaults = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

describe('adam (PyTorch semantics)', () => {
  it('first step: bias correction makes the step lr · g / (|g| + epsilon), about lr · sign(g), whatever |g| is', () => {
    for (const g of [0.5, 1e-3, -40]) {
      const [w] = run(adam({ learningRate: 0.1 }), 1, [g]);
      expect(w).toBeCloseTo(1 - (0.1 * g) / (Math.abs(g) + 1e-8), 6);
    }
  });

  it('matches the hand-computed steps (second step by hand)', () => {
    const steps = run(adam({ learningRate: 0.1 }), 1, [0.5, 0.25]);
    // step 2: m = 0.05 + 0.1 (0.25 - 0.05) = 0.07, v = 0.999 · 0.00025 + 0.001 · 0.0625 = 0.00031225
    const denominator = Math.sqrt(0.00031225) / Math.sqrt(1 - 0.999 ** 2) + 1e-8;
    const second = 0.9 - (0.1 / (1 - 0.81)) * (0.07 / denominator);
    expect(steps[0]).toBeCloseTo(0.9, 6);
    expect(steps[1]).toBeCloseTo(second, 6);
    const gradients = [0.5, 0.25, -0.1, 0.3, 0.05, -0.2];
    run(adam({ learningRate: 0.1 }), 1, gradients).forEach((w, i) => expect(w).toBeCloseTo(referenceAdam(1, gradients, defaults)[i], 5));
  });

  it('adds epsilon after the bias-corrected sqrt(v), outside the square root', () => {
    // g = 1e-8: sqrt(v_hat) = 1e-8, so the denominator is 1e-8 + 1e-8 and the step is lr / 2.
    // (epsilon inside the sqrt, or PyTorch's old "epsilon hat", would give a step far from 0.05.)
    const [w] = run(adam({ learningRate: 0.1, epsilon: 1e-8 }), 1, [1e-8]);
    expect(w).toBeCloseTo(0.95, 5);
  });

  it('Adam puts weight decay into the gradient, AdamW decays the weight directly', () => {
    // With g = 0: Adam sees g = 0.1 w and steps by ~lr; AdamW only multiplies by 1 - lr · wd.
    expect(run(adam({ learningRate: 0.1, weightDecay: 0.1 }), 1, [0])[0]).toBeCloseTo(0.9, 6);
    expect(run(adamw({ learningRate: 0.1, weightDecay: 0.1 }), 1, [0])[0]).toBe(Math.fround(0.99));
    const gradients = [0.5, -0.25, 0.125];
    const options = { ...defaults, wd: 0.1 };
    run(adam({ learningRate: 0.1, weightDecay: 0.1 }), 2, gradients).forEach((w, i) => expect(w).toBeCloseTo(referenceAdam(2, gradients, options)[i], 5));
    run(adamw({ learningRate: 0.1, weightDecay: 0.1 }), 2, gradients).forEach((w, i) => expect(w).toBeCloseTo(referenceAdam(2, gradients, { ...options, decoupled: true })[i], 5));
  });

  it('has PyTorch defaults (lr 1e-3; AdamW weight decay 1e-2) and reports its hyperparameters', () => {
    const p = param([1], { name: 'w' });
    const optimizer = adamw().create([p]);
    setGrad(p, [1]);
    optimizer.step();
    expect(optimizer.statistics()?.hyperparameters).toEqual({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2 });
    expect(values(p)[0]).toBeCloseTo(1 * (1 - 1e-5) - 1e-3, 6);
    expect(adam().config).toMatchObject({ learningRate: 1e-3, beta1: 0.9, weightDecay: 0 });
  });

  it('keeps two moments per value: 8 bytes of float32 state per weight', () => {
    const optimizer = adam().create([param(new Float32Array(10), { name: 'w' })]);
    expect(optimizer.stateBytes()).toBe(80);
    expect(optimizer.stateMemory().map((row) => row.slot)).toEqual(['firstMoment', 'secondMoment']);
  });

  it('rejects betas outside [0, 1)', () => {
    expect(() => adam({ beta1: 1 })).toThrow(/adam: invalid beta1: 1/);
    expect(() => adamw({ beta2: -0.1 })).toThrow(/adamw: invalid beta2: -0\.1/);
  });
});
