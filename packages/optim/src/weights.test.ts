import { describe, expect, it } from 'vitest';
import { binaryFormat, fixedPointFormat, floatFormat, elementFormatFromName, scaledFormat } from '@lowbit/formats';
import { adam } from './adam.js';
import { sgd } from './sgd.js';
import { param, setGrad, values } from './helpers.testutil.js';

const fixed = fixedPointFormat({ wordBits: 8, fractionBits: 4 }); // step 1/16
const step = 1 / 16;

describe('weights stored only in their format (no master copy)', () => {
  it('nearest: an update below half a step is lost every time, and counted as lost', () => {
    const w = param(new Float32Array(100), { name: 'w', format: fixed });
    const optimizer = sgd({ learningRate: 1 }).create([w]);
    for (let t = 0; t < 5; t++) {
      setGrad(w, new Float32Array(100).fill(-0.3 * step));
      optimizer.step();
    }
    expect(values(w).every((v) => v === 0)).toBe(true);
    expect(optimizer.statistics()!.parameters[0]).toMatchObject({ updatesNonZero: 100, updatesLost: 100, updatesLostFraction: 1 });
    expect(optimizer.statistics()!.parameters[0].gavg).toBeCloseTo(0.3, 6);
  });

  // Each value moves up one step with probability p = 0.3: the mean over n values estimates the
  // update with standard deviation step · sqrt(p (1 - p) / n); 6 sigma bounds a false failure by ~2e-9.
  const n = 20_000;
  const bound = (p: number, scale: number, count: number) => 6 * scale * Math.sqrt((p * (1 - p)) / count);

  it('stochastic (the Parameter rounds with its own stream): unbiased within 6 sigma, and lost ~70 %', () => {
    const w = param(new Float32Array(n), { name: 'w', format: fixed, rounding: 'stochastic', seed: 3 });
    const optimizer = sgd({ learningRate: 1 }).create([w]);
    setGrad(w, new Float32Array(n).fill(-0.3 * step));
    optimizer.step();
    const mean = values(w).reduce((a, b) => a + b, 0) / n;
    expect(values(w).every((v) => v === 0 || v === step)).toBe(true);
    expect(Math.abs(mean - 0.3 * step)).toBeLessThan(bound(0.3, step, n));
    const lost = optimizer.statistics()!.parameters[0].updatesLostFraction!;
    expect(Math.abs(lost - 0.7)).toBeLessThan(6 * Math.sqrt((0.3 * 0.7) / n));
  });

  it('stochastic in a float format (E4M3 at 1, spacing 1/8; update 0.01): unbiased within 6 sigma over 10 steps', () => {
    const e4m3 = elementFormatFromName('float8_e4m3fn');
    const w = param(new Float32Array(n).fill(1), { name: 'w', format: e4m3 });
    // weights.rounding overrides the Parameter's nearest rounding for the optimizer's writes.
    const optimizer = sgd({ learningRate: 1, weights: { rounding: 'stochastic' } }).create([w]);
    for (let t = 0; t < 10; t++) {
      setGrad(w, new Float32Array(n).fill(-0.01));
      optimizer.step();
    }
    const mean = values(w).reduce((a, b) => a + b, 0) / n;
    // Each step is an independent Bernoulli move of 1/8 with p = 0.08 while w stays in [1, 2).
    expect(Math.abs(mean - 1.1)).toBeLessThan(bound(0.08, 0.125, n) * Math.sqrt(10));
    expect(optimizer.statistics()!.parameters[0].gavg).toBeGreaterThan(0.04);
  });

  it('weights.format: the optimizer owns the format of a float32 Parameter (QPyTorch weight quantizer)', () => {
    const w = param(new Float32Array(n), { name: 'w' });
    const optimizer = sgd({ learningRate: 1, seed: 9, weights: { format: fixed, rounding: 'stochastic' } }).create([w]);
    setGrad(w, new Float32Array(n).fill(-0.3 * step));
    optimizer.step();
    const mean = values(w).reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - 0.3 * step)).toBeLessThan(bound(0.3, step, n));
    expect(optimizer.state().streams['w/weight']).toBe(n);
  });
});

describe('statistics: false', () => {
  it('skips the lost-update and Gavg passes but still counts state', () => {
    const w = param([0, 0], { name: 'w', format: fixed });
    const optimizer = sgd({ learningRate: 1, momentum: 0.5, statistics: false }).create([w]);
    setGrad(w, [1, 0]);
    optimizer.step();
    const record = optimizer.statistics()!.parameters[0];
    expect(record.updatesLost).toBeUndefined();
    expect(record.gavg).toBeUndefined();
    expect(record.state[0]).toMatchObject({ slot: 'momentum', unchanged: 1 });
  });
});

describe('weights with a master copy (QAT style)', () => {
  it('accumulates small updates in the float32 master; the stored copy follows by rounding', () => {
    const w = param([0, 0], { name: 'w', format: fixed });
    const optimizer = sgd({ learningRate: 1, weights: { masterCopy: true } }).create([w]);
    const seen: number[] = [];
    for (let t = 0; t < 4; t++) {
      setGrad(w, [-0.3 * step, 0.3 * step]);
      optimizer.step();
      seen.push(values(w)[0]);
      expect(optimizer.readState('w', 'master')[0]).toBeCloseTo((t + 1) * 0.3 * step, 7);
    }
    // master 0.3, 0.6, 0.9, 1.2 steps -> stored 0, 1, 1, 1 step (nearest)
    expect(seen).toEqual([0, step, step, step]);
    expect(optimizer.stateMemory().map((r) => [r.slot, r.bytes])).toEqual([['master', 8]]);
    expect(optimizer.statistics()!.parameters[0].updatesLost).toBeUndefined();
  });

  it('keeps the master in an accumulator format as packed codes (QPyTorch acc_quant)', () => {
    const accumulator = floatFormat({ exponentBits: 5, mantissaBits: 6 }); // 12 bits
    const w = param(new Float32Array(10), { name: 'w', format: binaryFormat() });
    const optimizer = adam({ weights: { masterCopy: accumulator } }).create([w]);
    expect(optimizer.stateMemory().find((r) => r.slot === 'master')).toMatchObject({ storage: 'e5m6', bytes: 15 });
    expect(optimizer.stateBytes()).toBe(80 + 15);
  });

  it('ignores masterCopy for float32 weights, which are their own master', () => {
    const optimizer = sgd({ learningRate: 1, weights: { masterCopy: true } }).create([param([1, 2], { name: 'w' })]);
    expect(optimizer.stateBytes()).toBe(0);
  });
});

describe('rounding points on gradients and updates', () => {
  it('gradient: the rule sees the rounded gradient (binary: signSGD)', () => {
    const w = param([0, 0, 0], { name: 'w' });
    const optimizer = sgd({ learningRate: 0.5, gradient: { format: binaryFormat() } }).create([w]);
    setGrad(w, [0.01, -3, 0]);
    optimizer.step();
    expect(values(w)).toEqual([-0.5, 0.5, -0.5]);
  });

  it('update: the update is rounded before it reaches the weight', () => {
    const w = param([0, 0], { name: 'w' });
    const optimizer = sgd({ learningRate: 1, update: { format: fixed } }).create([w]);
    setGrad(w, [-0.3 * step, -0.7 * step]);
    optimizer.step();
    expect(values(w)).toEqual([0, step]);
    expect(optimizer.statistics()!.parameters[0].updatesNonZero).toBe(1);
  });
});

describe('Gavg = mean |update| / quantization step', () => {
  it('uses the shared scale of a scaled integer format (RCT: mean |lr g| / s)', () => {
    // int8 with a power-of-two scale for max |w| = 1: s = 2^-6 (1 / 2^-6 = 64 <= 127).
    const int8 = scaledFormat({ element: fixedPointFormat({ wordBits: 8, fractionBits: 0 }), granularity: 'tensor' });
    const w = param([1, -0.5, 0.25, 0], { name: 'w', format: int8 });
    const optimizer = sgd({ learningRate: 1 }).create([w]);
    setGrad(w, [1 / 256, -1 / 256, 1 / 128, 0]);
    optimizer.step();
    expect(optimizer.statistics()!.parameters[0].gavg).toBeCloseTo((0.25 + 0.25 + 0.5 + 0) / 4, 9);
  });

  it('uses the spacing at each value for floats and float32 for unformatted weights', () => {
    const w = param([1, 3], { name: 'w', format: elementFormatFromName('float8_e4m3fn') });
    const optimizer = sgd({ learningRate: 1 }).create([w]);
    setGrad(w, [-1 / 16, -1 / 16]); // spacing 1/8 at 1 and 1/4 at 3
    optimizer.step();
    expect(optimizer.statistics()!.parameters[0].gavg).toBeCloseTo((0.5 + 0.25) / 2, 9);
    const plain = param([1], { name: 'p' });
    const other = sgd({ learningRate: 1 }).create([plain]);
    setGrad(plain, [-(2 ** -20)]);
    other.step();
    expect(other.statistics()!.parameters[0].gavg).toBe(8); // float32 spacing at 1 is 2^-23
  });
});

describe('checkpoints', () => {
  it('state() and loadState() continue a run exactly, stochastic streams included', () => {
    const e5m2 = elementFormatFromName('float8_e5m2');
    const definition = adam({ learningRate: 0.01, state: { format: e5m2, rounding: 'stochastic' }, gradient: { format: e5m2, rounding: 'stochastic' } });
    const gradients = Array.from({ length: 6 }, (_, t) => Float32Array.from({ length: 20 }, (_, i) => Math.sin(t * 20 + i)));
    const a = param(new Float32Array(20).fill(0.5), { name: 'w' });
    const first = definition.create([a]);
    for (const g of gradients.slice(0, 3)) {
      setGrad(a, g);
      first.step();
    }
    const checkpoint = first.state();
    const b = param(Float32Array.from(values(a)), { name: 'w' });
    const second = definition.create([b]);
    second.loadState(checkpoint);
    expect(second.stepCount).toBe(3);
    for (const g of gradients.slice(3)) {
      setGrad(a, g);
      setGrad(b, g);
      first.step();
      second.step();
    }
    expect(values(b)).toEqual(values(a));
    expect(() => sgd({ learningRate: 1 }).create([b]).loadState(checkpoint)).toThrow(/loadState: kind: expected "sgd", got "adam"/);
    const other = adam({ learningRate: 0.01, state: { format: e5m2, rounding: 'stochastic' }, gradient: { format: e5m2 } }).create([param(new Float32Array(21), { name: 'w' })]);
    expect(() => other.loadState(checkpoint)).toThrow(/w\/firstMoment.count: expected 21, got 20/);
  });
});
