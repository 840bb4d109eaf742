import { describe, expect, it } from 'vitest';
import { elementFormatFromName, floatFormat, randomUint32 } from '@lowbit/formats';
import { searchMomentumEncoding } from './encoding-search.js';
import { replayMomentum } from './replay.js';
import { trainBnn } from './bnn.testutil.js';
import { momentumRecorder, type MomentumSamples } from './recorder.js';

const uniform = (seed: number, i: number) => randomUint32(seed, i) / 2 ** 32;

/**
 * Synthetic Bop samples at Larq's defaults (gamma 1e-4, tau 1e-8): |m| log-uniform in 1e-9 .. 1e-6
 * (a third of them below tau), and g such that the update gamma (g - m) is 1 % to 100 % of |m|.
 * Keeping such updates needs about 7 mantissa bits, and the range 2^-30 .. 2^-19 about 4 exponent
 * bits with a bias near 30; float16 (smallest subnormal 2^-24 ≈ 6e-8) cannot even hold tau.
 */
function syntheticSamples(n: number): MomentumSamples {
  const momentum = new Float32Array(n);
  const gradient = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = 10 ** (-9 + 3 * uniform(1, i)) * (uniform(2, i) < 0.5 ? -1 : 1);
    const relative = 10 ** (-2 + 2 * uniform(3, i)) * (uniform(4, i) < 0.5 ? -1 : 1);
    momentum[i] = m;
    gradient[i] = m + (relative * Math.abs(m)) / 1e-4;
  }
  return { momentum, gradient };
}

describe('searchMomentumEncoding', () => {
  const samples = syntheticSamples(20_000);
  const float16 = elementFormatFromName('float16');

  it('picks a narrow encoding with a free bias and lists every candidate', () => {
    const result = searchMomentumEncoding({
      samples,
      adaptivity: 1e-4,
      threshold: 1e-8,
      candidates: { exponentBits: { min: 2, max: 6 }, mantissaBits: { min: 3, max: 10 }, formats: [float16] },
      tolerances: { extraUnchangedFraction: 0.01, flipDisagreement: 0.005 },
    });
    const best = result.best!;
    expect(best).toBeDefined();
    expect(best.passes).toBe(true);
    expect(best.bits).toBeLessThanOrEqual(13);
    expect(best.bits).toBeGreaterThanOrEqual(10);
    const spec = best.spec as { exponentBits: number; mantissaBits: number; bias: number };
    expect(spec.mantissaBits).toBeGreaterThanOrEqual(6);
    expect(spec.bias).toBeGreaterThan(2 ** (spec.exponentBits - 1) - 1 + 10); // shifted far toward small values
    expect(best.format.range.smallestSubnormal).toBeLessThan(1e-9);
    // Nothing narrower passes; the table is ordered by width and holds float16, which fails.
    expect(result.table.filter((row) => row.passes && row.bits < best.bits)).toEqual([]);
    expect(result.table.map((row) => row.bits)).toEqual([...result.table.map((row) => row.bits)].sort((a, b) => a - b));
    expect(result.table.length).toBe(5 * 8 * 5 + 1);
    const half = result.table.find((row) => row.name === 'float16')!;
    expect(half.passes).toBe(false);
    expect(half.flipDisagreement).toBeGreaterThan(0.05);
    expect(half.extraUnchangedFraction).toBeGreaterThan(0.1);
    expect(result.reference.unchanged).toBe(0);
  });

  it('rejects float16 with its default bias for tau = 1e-8, but accepts E5M10 with a free bias', () => {
    const result = searchMomentumEncoding({
      samples,
      adaptivity: 1e-4,
      threshold: 1e-8,
      candidates: { exponentBits: [5], mantissaBits: [10], bias: [15, 35], specials: 'ieee' },
    });
    const [atDefault, shifted] = result.table;
    expect(atDefault.name).toBe('float16');
    expect(atDefault.passes).toBe(false);
    expect(shifted.name).toBe('e5m10_b35');
    expect(shifted.passes).toBe(true);
    expect(result.best?.name).toBe('e5m10_b35');
  });

  it('finds no float32-equivalent loss in float32 itself, and returns undefined when nothing passes', () => {
    const float32 = replayMomentum(samples, floatFormat({ exponentBits: 8, mantissaBits: 23 }), { adaptivity: 1e-4, threshold: 1e-8 });
    const reference = replayMomentum(samples, 'float32', { adaptivity: 1e-4, threshold: 1e-8 });
    expect(float32).toEqual(reference);
    const none = searchMomentumEncoding({ samples, adaptivity: 1e-4, threshold: 1e-8, candidates: { exponentBits: [2], mantissaBits: [1] } });
    expect(none.best).toBeUndefined();
    expect(none.table.every((row) => !row.passes)).toBe(true);
  });

  it('replays samples recorded from a live Bop run, pair by pair or as trajectories', () => {
    const recorder = momentumRecorder({ fraction: 0.2, seed: 5 });
    const live = () => {
      trainBnn({ recorder, adaptivity: 1e-3, threshold: 1e-6 });
      return recorder.samples();
    };
    const options = { candidates: { exponentBits: [3, 4, 5], mantissaBits: { min: 2, max: 14 } }, tolerances: { flipDisagreement: 0.01 } };
    const pairs = searchMomentumEncoding({ samples: live, ...options });
    const recorded = recorder.samples();
    const trajectory = searchMomentumEncoding({ samples: recorded, replay: 'trajectory', ...options });
    expect(pairs.samples).toBe(recorded.momentum.length);
    expect(recorded.adaptivity!.every((g) => g === Math.fround(1e-3))).toBe(true);
    // With gamma = 1e-3 an update is about 2^-10 of the momentum: some 11 mantissa bits are needed
    // (float16's 10 are not enough even with a good bias), and float32 itself loses none.
    expect(pairs.reference.unchanged).toBe(0);
    expect(pairs.best!.bits).toBeGreaterThanOrEqual(14);
    expect(pairs.best!.bits).toBeLessThanOrEqual(17);
    expect(pairs.table.find((row) => row.name === 'e5m10_b41_finite')?.passes).toBe(false);
    // Flip decisions drift apart along trajectories, so a trajectory replay is at least as strict.
    expect(trajectory.best!.bits).toBeGreaterThanOrEqual(pairs.best!.bits);
  });

  it('checks its inputs', () => {
    expect(() => searchMomentumEncoding({ samples: { momentum: new Float32Array(0), gradient: new Float32Array(0) }, adaptivity: 1e-4, threshold: 1e-8 })).toThrow(
      /at least one \(m, g\) sample/,
    );
    expect(() => searchMomentumEncoding({ samples })).toThrow(/pass adaptivity \(gamma\)/);
    expect(() => searchMomentumEncoding({ samples, adaptivity: 1e-4, threshold: 1e-8, replay: 'trajectory' })).toThrow(/series and step columns/);
    expect(() => searchMomentumEncoding({ samples, adaptivity: 1e-4, threshold: 1e-8, candidates: { exponentBits: [9] } })).toThrow(/exponentBits/);
  });
});
