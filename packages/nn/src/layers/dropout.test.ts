import { ones, randomNormal } from '@lowbit/tensor';
import { variable } from '@lowbit/autograd';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout.js';
import { Sequential } from './sequential.js';

describe('Dropout', () => {
  it('zeroes values with probability p and scales the rest by 1 / (1 - p)', () => {
    const values = new Dropout({ p: 0.25, seed: 1 }).forward(ones([100, 100])).toArray();
    const kept = values.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    // 10,000 Bernoulli(0.75) draws: standard deviation 43; allow 5 of them.
    expect(Math.abs(kept.length - 7500)).toBeLessThan(5 * 43);
  });

  it('is reproducible from its seed, differs at every step, and does not depend on how steps are split', () => {
    const first = new Dropout({ seed: 7 });
    const second = new Dropout({ seed: 7 });
    const a1 = first.forward(ones([4, 8])).toArray();
    const a2 = first.forward(ones([4, 8])).toArray();
    expect(second.forward(ones([4, 8])).toArray()).toEqual(a1);
    expect(a2).not.toEqual(a1);
    // One call on 64 values draws the masks of the two calls on 32: the counter advances by values.
    expect(new Dropout({ seed: 7 }).forward(ones([8, 8])).toArray()).toEqual([...a1, ...a2]);
    expect(new Dropout({ seed: 8 }).forward(ones([4, 8])).toArray()).not.toEqual(a1);
  });

  it('passes values unchanged in evaluation mode and with p = 0; p = 1 zeroes everything', () => {
    const x = randomNormal([3, 5], { seed: 2 });
    const dropout = new Dropout({ p: 0.5, seed: 3 });
    dropout.eval();
    expect(dropout.forward(x).toArray()).toEqual(x.toArray());
    expect(dropout.position).toBe(0);
    expect(new Dropout({ p: 0 }).forward(x).toArray()).toEqual(x.toArray());
    expect(new Dropout({ p: 1 }).forward(x).toArray().every((v) => v === 0)).toBe(true);
  });

  it('sends the gradient through the kept values only, scaled', () => {
    const x = variable(ones([2, 50]), { requiresGrad: true });
    const y = new Dropout({ p: 0.5, seed: 4 }).forward(x);
    y.backward({ gradient: ones([2, 50]) });
    expect(x.grad!.toArray()).toEqual(y.toArray());
  });

  it('keeps its stream position in the state dict, so a restored model draws the same masks', () => {
    const model = new Sequential(new Dropout({ seed: 5 }));
    model.forward(ones([10]));
    const state = model.stateDict();
    expect(state.extra).toEqual({ '0': { position: 10 } });
    const next = model.forward(ones([10])).toArray();
    const restored = new Sequential(new Dropout({ seed: 5 }));
    restored.loadStateDict(state);
    expect(restored.forward(ones([10])).toArray()).toEqual(next);
  });

  it('rejects a bad p', () => {
    expect(() => new Dropout({ p: 1.5 })).toThrow('Dropout: invalid p: 1.5 (allowed: a probability in [0, 1])');
  });
});
