import { describe, expect, it } from 'vitest';
import { calculateGain, fans } from './fans.js';
import { constant, defaultBiasInitializer, defaultWeightInitializer, kaimingNormal, kaimingUniform, normal, ones, uniform, xavierNormal, xavierUniform, zeros } from './initializers.js';
import type { Tensor } from '@lowbit/tensor';

function moments(t: Tensor): { mean: number; variance: number; maxAbs: number; n: number } {
  const values = t.toArray();
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, variance, maxAbs: Math.max(...values.map(Math.abs)), n };
}

/**
 * Sound bounds for n independent draws: the sample mean is within 5 standard errors of 0, and
 * the sample variance within 5 standard errors of the variance (its standard error is
 * sqrt((m4 - sigma^4) / n): m4 = 9/5 sigma^4 for a uniform, 3 sigma^4 for a normal).
 */
function expectDistribution(t: Tensor, variance: number, kind: 'uniform' | 'normal'): void {
  const m = moments(t);
  expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(variance / m.n));
  const fourth = kind === 'uniform' ? 1.8 : 3;
  expect(Math.abs(m.variance - variance)).toBeLessThan(5 * variance * Math.sqrt((fourth - 1) / m.n));
  if (kind === 'uniform') expect(m.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 * variance) * (1 + 1e-7));
}

describe('fans and gains (torch.nn.init)', () => {
  it('fanIn = in x receptive field, fanOut = out x receptive field', () => {
    expect(fans([10, 20])).toEqual({ fanIn: 20, fanOut: 10 });
    expect(fans([16, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 400 });
    expect(() => fans([7])).toThrow('fans: invalid shape: "[7]" (allowed: a shape of rank 2 or more ([out, in, ...kernel])). fan in and fan out are not defined for a vector');
  });

  it('gains', () => {
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    expect(calculateGain('tanh')).toBe(5 / 3);
    expect(calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 15);
  });
});

describe('initializers', () => {
  const shape = [128, 64, 3, 3]; // fanIn 576, fanOut 1152, 73,728 values

  it('kaimingUniform / kaimingNormal: variance gain^2 / fan', () => {
    expectDistribution(kaimingUniform(shape, { seed: 1 }), 2 / 576, 'uniform');
    expectDistribution(kaimingUniform(shape, { seed: 2, mode: 'fanOut', nonlinearity: 'relu' }), 2 / 1152, 'uniform');
    expectDistribution(kaimingNormal(shape, { seed: 3 }), 2 / 576, 'normal');
    expectDistribution(kaimingNormal(shape, { seed: 4, mode: 'fanOut', nonlinearity: 'tanh' }), (25 / 9) / 1152, 'normal');
  });

  it('xavierUniform / xavierNormal: variance gain^2 2 / (fanIn + fanOut)', () => {
    expectDistribution(xavierUniform(shape, { seed: 5 }), 2 / 1728, 'uniform');
    expectDistribution(xavierNormal(shape, { seed: 6, gain: 2 }), (4 * 2) / 1728, 'normal');
  });

  it('uniform, normal, constants', () => {
    const u = uniform([20000], { low: 2, high: 4, seed: 7 });
    expect(Math.min(...u.toArray())).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u.toArray())).toBeLessThan(4);
    expectDistribution(normal([20000], { seed: 8, stddev: 0.5 }), 0.25, 'normal');
    expect(zeros([2]).toArray()).toEqual([0, 0]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(constant([2], 0.5).toArray()).toEqual([0.5, 0.5]);
  });

  it('PyTorch defaults for Linear/Conv2d: weight and bias in U(-1/sqrt(fanIn), 1/sqrt(fanIn))', () => {
    const weight = defaultWeightInitializer(shape, { seed: 9, fanIn: 576, fanOut: 1152 });
    expectDistribution(weight, 1 / (3 * 576), 'uniform');
    const bias = defaultBiasInitializer([4000], { seed: 10, fanIn: 576, fanOut: 1152 });
    expectDistribution(bias, 1 / (3 * 576), 'uniform');
    expect(defaultBiasInitializer([3], { seed: 1, fanIn: 0, fanOut: 0 }).toArray()).toEqual([0, 0, 0]);
  });

  it('is reproducible from the seed', () => {
    expect(kaimingNormal([4, 4], { seed: 11 }).toArray()).toEqual(kaimingNormal([4, 4], { seed: 11 }).toArray());
    expect(kaimingNormal([4, 4], { seed: 11 }).toArray()).not.toEqual(kaimingNormal([4, 4], { seed: 12 }).toArray());
  });

  it('rejects bad options', () => {
    expect(() => kaimingUniform(shape, { mode: 'fan_in' as never })).toThrow("kaimingUniform: invalid mode: \"fan_in\" (allowed: 'fanIn' or 'fanOut')");
    expect(() => xavierUniform(shape, { gain: -1 })).toThrow('xavierUniform: invalid gain: -1');
    expect(() => kaimingNormal(shape, { nonlinearity: 'gelu' as never })).toThrow('calculateGain: invalid nonlinearity: "gelu"');
  });
});
