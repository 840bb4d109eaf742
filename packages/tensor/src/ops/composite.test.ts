import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { logSoftmax, softmax } from './composite.js';
import { sum } from './reduce.js';

describe('softmax and logSoftmax', () => {
  it('are stable for large logits and normalised', () => {
    const p = softmax(tensor([[1000, 1000], [0, Math.log(3)]]));
    const [first, second] = p.toNested() as number[][];
    expect(first).toEqual([0.5, 0.5]);
    expect(second[0]).toBeCloseTo(0.25, 6);
    expect(second[1]).toBeCloseTo(0.75, 6);
    expect(sum(p, { axis: -1 }).toArray().every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    const logP = logSoftmax(tensor([0, 0, 0, 0]));
    expect(logP.toArray().every((v) => Math.abs(v - Math.log(0.25)) < 1e-6)).toBe(true);
    expect(() => softmax(tensor([1, 2]), 1)).toThrow('softmax: invalid axis: 1 (allowed: an integer in [-1, 0])');
  });
});
