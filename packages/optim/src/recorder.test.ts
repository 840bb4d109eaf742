import { describe, expect, it } from 'vitest';
import { binaryFormat } from '@lowbit/formats';
import { bop } from './bop.js';
import { momentumRecorder } from './recorder.js';
import { nameParameters } from './parameters.js';
import { ParameterListError } from './errors.js';
import { param, setGrad } from './helpers.testutil.js';

function run(recorder: ReturnType<typeof momentumRecorder>, order: 'ab' | 'ba', steps = 4) {
  const a = param(new Float32Array(400).fill(1), { name: 'a', format: binaryFormat() });
  const b = param(new Float32Array(300).fill(-1), { name: 'b', format: binaryFormat() });
  const optimizer = bop({ adaptivity: 0.1, threshold: 1, recorder }).create(order === 'ab' ? [a, b] : [b, a]);
  for (let t = 0; t < steps; t++) {
    setGrad(a, Float32Array.from({ length: 400 }, (_, i) => Math.sin(i + t)));
    setGrad(b, Float32Array.from({ length: 300 }, (_, i) => Math.cos(i - t)));
    optimizer.step();
  }
  return recorder.samples();
}

describe('momentumRecorder', () => {
  it('records the same seeded subset of elements at every step, with the momentum before the update', () => {
    const samples = run(momentumRecorder({ fraction: 0.1, seed: 3 }), 'ab');
    const perStep = samples.step!.filter((s) => s === 0).length;
    expect(perStep).toBeGreaterThan(40);
    expect(perStep).toBeLessThan(100);
    expect(samples.momentum.length).toBe(4 * perStep);
    // Step 0 starts from zero momentum; later steps hold m = m + 0.1 (g - m) of the step before.
    expect(samples.momentum.subarray(0, perStep).every((m) => m === 0)).toBe(true);
    const series = Array.from(samples.series!.subarray(0, perStep));
    expect(Array.from(samples.series!.subarray(perStep, 2 * perStep))).toEqual(series);
    for (let k = 0; k < perStep; k++) {
      expect(samples.momentum[perStep + k]).toBe(Math.fround(0 + Math.fround(Math.fround(0.1) * samples.gradient[k])));
    }
    expect(samples.weight!.subarray(0, perStep).every((w) => w === 1 || w === -1)).toBe(true);
    expect(samples.adaptivity!.every((g) => g === Math.fround(0.1))).toBe(true);
  });

  it('chooses elements per parameter and index, not by visiting order', () => {
    const ab = run(momentumRecorder({ fraction: 0.1, seed: 3 }), 'ab');
    const ba = run(momentumRecorder({ fraction: 0.1, seed: 3 }), 'ba');
    const sorted = (s: typeof ab) => Array.from(s.gradient).sort((x, y) => x - y);
    expect(sorted(ba)).toEqual(sorted(ab));
    expect(sorted(run(momentumRecorder({ fraction: 0.1, seed: 4 }), 'ab'))).not.toEqual(sorted(ab));
  });

  it('records every n-th step and stops at its limit', () => {
    const sparse = momentumRecorder({ fraction: 0.5, every: 2 });
    expect(new Set(run(sparse, 'ab').step)).toEqual(new Set([0, 2]));
    const limited = momentumRecorder({ fraction: 1, limit: 1000 });
    expect(run(limited, 'ab').momentum.length).toBe(1000);
    expect(limited.truncated).toBe(true);
    limited.clear();
    expect(limited.count).toBe(0);
    expect(() => momentumRecorder({ fraction: 0 })).toThrow(/momentumRecorder: invalid fraction: 0/);
  });
});

describe('parameter lists', () => {
  it('accept Parameters, records and entries, naming unnamed parameters by position', () => {
    const a = param([1], { name: 'a' });
    const b = param([2]);
    const c = param([3]);
    expect(nameParameters([a, b, { name: 'x', parameter: c }], 'test').map((e) => e.name)).toEqual(['a', 'parameter1', 'x']);
    expect(nameParameters(new Map([['first', a]]), 'test')[0]).toEqual({ name: 'first', parameter: a });
  });

  it('reject repeated parameters, repeated names and non-parameters', () => {
    const a = param([1], { name: 'a' });
    expect(() => nameParameters([a, a], 'sgd')).toThrow(/sgd: the parameter "a" is listed twice/);
    expect(() => nameParameters([a, param([1], { name: 'a' })], 'sgd')).toThrow(/two parameters are named "a"/);
    expect(() => nameParameters([42 as never], 'sgd')).toThrow(ParameterListError);
    expect(() => nameParameters(undefined as never, 'sgd')).toThrow(/must be an iterable/);
  });
});
