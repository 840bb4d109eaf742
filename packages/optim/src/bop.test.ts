import { describe, expect, it } from 'vitest';
import { binaryFormat, randomUint32 } from '@lowbit/formats';
import { ArgumentError } from '@lowbit/tensor';
import { bop } from './bop.js';
import { linearSchedule, scheduleValue, type Schedule } from './schedule.js';
import { param, setGrad, values } from './helpers.testutil.js';

const binary = binaryFormat();
const fround = Math.fround;

/** Seeded values in [-1, 1). */
function uniform(seed: number, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => scale * (randomUint32(seed, i) / 2 ** 31 - 1));
}

describe('bop: the flip rule', () => {
  it('flips exactly when |m| > tau and sign(m) = sign(w), strictly, with sign(0) = +1', () => {
    // gamma = 1 makes m = g, so each case below is one (w, m) pair.
    const cases: [w: number, m: number, expected: number][] = [
      [1, 0.6, -1], // same sign, above tau: flip
      [1, -0.6, 1], // opposite sign: keep
      [-1, -0.6, 1], // same sign: flip
      [-1, 0.6, -1], // opposite sign: keep
      [1, 0.5, 1], // |m| == tau: no flip (strict >)
      [-1, -0.5, -1], // |m| == tau: no flip (Larq's formula would give +1 here)
      [1, 0, 1], // m = 0 never flips
      [1, 0.3, 1], // below tau
    ];
    const w = param(cases.map((c) => c[0]), { name: 'w', format: binary });
    const optimizer = bop({ adaptivity: 1, threshold: 0.5 }).create([w]);
    setGrad(w, cases.map((c) => c[1]));
    optimizer.step();
    expect(values(w)).toEqual(cases.map((c) => c[2]));
    expect(optimizer.statistics()?.parameters[0]).toMatchObject({ flips: 2, flipRatio: 2 / cases.length });
    expect(optimizer.statistics()?.totals).toMatchObject({ flips: 2, flipRatio: 2 / cases.length });
  });

  it('treats a zero weight of a float32 parameter as +1 and makes every weight ±1 (Larq)', () => {
    const w = param([0, 0, 0.25, -3], { name: 'w' });
    const optimizer = bop({ adaptivity: 1, threshold: 0.1 }).create([w]);
    setGrad(w, [0.6, -0.6, 0, 0]);
    optimizer.step();
    expect(values(w)).toEqual([-1, 1, 1, -1]);
  });

  it('keeps the scale of a binary format', () => {
    const w = param([0.5, -0.5], { name: 'w', format: binaryFormat({ scale: 0.5 }) });
    const optimizer = bop({ adaptivity: 1, threshold: 0 }).create([w]);
    setGrad(w, [1, 1]);
    optimizer.step();
    expect(values(w)).toEqual([-0.5, -0.5]);
  });
});

/** Bop written out per value, float32 per operation: the unquantized reference. */
function referenceBop(w0: Float32Array, gradients: Float32Array[], gamma: Schedule, tau: Schedule): { w: Float32Array; m: Float32Array; flips: number[] } {
  const w = Float32Array.from(w0);
  const m = new Float32Array(w.length);
  const flips: number[] = [];
  gradients.forEach((g, step) => {
    const gamma32 = fround(scheduleValue(gamma, step));
    const tau32 = fround(scheduleValue(tau, step));
    let count = 0;
    for (let i = 0; i < w.length; i++) {
      m[i] = fround(m[i] + fround(gamma32 * fround(g[i] - m[i])));
      const s = w[i] < 0 ? -1 : 1;
      const flip = Math.abs(m[i]) > tau32 && Math.sign(m[i]) === s;
      if (flip) count++;
      w[i] = flip ? -s : s;
    }
    flips.push(count);
  });
  return { w, m, flips };
}

describe('bop with float32 momentum', () => {
  const n = 500;
  const steps = 30;
  const w0 = Float32Array.from(uniform(1, n), (v) => (v < 0 ? -1 : 1));
  const gradients = Array.from({ length: steps }, (_, t) => uniform(100 + t, n, 1e-3));

  for (const [label, gamma, tau] of [
    ['constant gamma and tau', 1e-2, 1e-5],
    ['scheduled gamma and tau', linearSchedule({ initial: 0.05, final: 0.005, steps: 20 }), (step: number) => 1e-6 * (1 + step)],
  ] as [string, Schedule, Schedule][]) {
    it(`equals the unquantized reference bit for bit (${label})`, () => {
      const w = param(w0, { name: 'w', format: binary });
      const optimizer = bop({ adaptivity: gamma, threshold: tau }).create([w]);
      const flips: number[] = [];
      for (const g of gradients) {
        setGrad(w, g);
        optimizer.step();
        flips.push(optimizer.statistics()!.parameters[0].flips!);
        expect(values(w).every((v) => v === 1 || v === -1)).toBe(true);
      }
      const reference = referenceBop(w0, gradients, gamma, tau);
      expect(new Uint32Array(optimizer.readState('w', 'momentum').buffer)).toEqual(new Uint32Array(reference.m.buffer));
      expect(Float32Array.from(values(w))).toEqual(reference.w);
      expect(flips).toEqual(reference.flips);
      expect(flips.some((f) => f > 0)).toBe(true);
      expect(optimizer.statistics()?.hyperparameters).toEqual({ adaptivity: scheduleValue(gamma, steps - 1), threshold: scheduleValue(tau, steps - 1) });
    });
  }

  it('has Larq defaults gamma 1e-4, tau 1e-8 and takes no learning rate', () => {
    expect(bop().config).toMatchObject({ adaptivity: 1e-4, threshold: 1e-8 });
    expect(() => bop({ learningRate: 0.1 } as never)).toThrow(/bop: invalid learningRate: 0\.1.*set adaptivity \(gamma\) and threshold \(tau\)/);
    expect(() => bop({ threshold: -1 })).toThrow(ArgumentError);
    expect(() => bop({ adaptivity: 2 })).toThrow(/bop: invalid adaptivity: 2/);
    // A schedule is checked where it is evaluated.
    const w = param([1], { name: 'w' });
    setGrad(w, [1]);
    expect(() => bop({ threshold: (step) => -step }).create([w]).step()).not.toThrow();
    expect(() => bop({ adaptivity: () => 2 }).create([w]).step()).toThrow(/adaptivity at step 0: 2/);
  });
});
