import { describe, expect, it } from 'vitest';
import { DatasetOptionsError } from './errors.js';
import { MAX_EPOCH } from './random.js';
import { shuffledIndices } from './shuffle.js';

describe('shuffledIndices', () => {
  // Frozen orders: a change here changes every shuffled training run, so it must be deliberate.
  it.each([
    { seed: 42, epoch: 0, order: [8, 6, 1, 3, 2, 0, 9, 7, 5, 4] },
    { seed: 42, epoch: 1, order: [7, 9, 0, 8, 3, 4, 1, 5, 6, 2] },
  ])('seed $seed epoch $epoch gives the frozen order', ({ seed, epoch, order }) => {
    expect(Array.from(shuffledIndices(10, { seed, epoch }))).toEqual(order);
  });

  it.each([0, 1, 2, 7, 1000, 60000])('is a permutation of 0..%i - 1', (length) => {
    const order = shuffledIndices(length, { seed: 3 });
    expect(order.length).toBe(length);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length }, (_, index) => index));
  });

  it('same seed and epoch: same order, whatever was computed before', () => {
    const first = shuffledIndices(1000, { seed: 5, epoch: 3 });
    shuffledIndices(1000, { seed: 6, epoch: 3 });
    shuffledIndices(500, { seed: 5, epoch: 2 });
    expect(shuffledIndices(1000, { seed: 5, epoch: 3 })).toEqual(first);
  });

  it('another epoch or seed gives another order; large seeds stay distinct', () => {
    const base = Array.from(shuffledIndices(100, { seed: 5, epoch: 0 }));
    for (const options of [{ seed: 5, epoch: 1 }, { seed: 6, epoch: 0 }, { seed: 5 + 2 ** 32, epoch: 0 }, { seed: 5, epoch: MAX_EPOCH }]) {
      expect(Array.from(shuffledIndices(100, options))).not.toEqual(base);
    }
  });

  it('positions are close to uniform (each item lands in the first half about half the time)', () => {
    const firstHalf = new Array<number>(10).fill(0);
    const epochs = 2000;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffledIndices(10, { seed: 1, epoch });
      for (let position = 0; position < 5; position++) firstHalf[order[position]]++;
    }
    // Binomial(2000, 0.5): standard deviation 22; 5 deviations is 112.
    for (const count of firstHalf) expect(Math.abs(count - epochs / 2)).toBeLessThan(112);
  });

  it.each([
    { options: { seed: -1 }, message: 'shuffledIndices: invalid seed: -1 (allowed: a non-negative safe integer)' },
    { options: { seed: 1.5 }, message: 'shuffledIndices: invalid seed: 1.5 (allowed: a non-negative safe integer)' },
    { options: { seed: 1, epoch: -1 }, message: `shuffledIndices: invalid epoch: -1 (allowed: an integer in [0, ${MAX_EPOCH}]). count epochs from 0` },
    { options: { seed: 1, epoch: MAX_EPOCH + 1 }, message: `shuffledIndices: invalid epoch: ${MAX_EPOCH + 1} (allowed: an integer in [0, ${MAX_EPOCH}])` },
  ])('rejects $options', ({ options, message }) => {
    expect(() => shuffledIndices(10, options)).toThrow(DatasetOptionsError);
    expect(() => shuffledIndices(10, options)).toThrow(message);
  });

  it('rejects a bad length', () => {
    expect(() => shuffledIndices(-3, { seed: 1 })).toThrow('shuffledIndices: invalid length: -3 (allowed: an integer in [0, 2147483647])');
  });
});
