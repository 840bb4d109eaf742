/**
 * Statistics of stochastic rounding. With a fixed seed these tests are deterministic; the bounds are
 * also sound for any seed: a mean more than 6 binomial standard deviations from its expectation
 * happens with probability < 2e-9, while the bounds are tight enough to catch a bias of a tenth of
 * a spacing (asserted below, so the test cannot silently become vacuous).
 */
import { describe, expect, it } from 'vitest';
import type { FloatSpecInput } from './index.js';
import { floatFormat } from './index.js';
import { neighbours } from './reference.testutil.js';

const DRAWS = 100_000;
const SIGMAS = 6;

interface Case {
  name: string;
  spec: FloatSpecInput;
  x: number;
}

const cases: Case[] = [
  { name: 'float8_e4m3fn, 0.3 (f = 0.6)', spec: { exponentBits: 4, mantissaBits: 3, specials: 'fn' }, x: 0.3 },
  { name: 'bfloat16, 1 + 2^-10 (f = 1/8)', spec: { exponentBits: 8, mantissaBits: 7 }, x: 1 + 2 ** -10 },
  { name: 'float8_e5m2, negative subnormal', spec: { exponentBits: 5, mantissaBits: 2 }, x: -(2 ** -16) * 1.3 },
  { name: 'float4_e2m1 finite, 5 (f = 0.5)', spec: { exponentBits: 2, mantissaBits: 1, bias: 1, specials: 'finite' }, x: 5 },
  { name: 'e4m3 without subnormals, below the smallest normal', spec: { exponentBits: 4, mantissaBits: 3, subnormals: false }, x: 2 ** -6 * 0.37 },
  { name: 'e6m0 power of two, 3 (f = 0.5)', spec: { exponentBits: 6, mantissaBits: 0 }, x: 3 },
];

function draws(spec: FloatSpecInput, x: number, options: { seed: number; randomBits?: number }): Float32Array {
  return floatFormat(spec).quantize(new Float32Array(DRAWS).fill(x), { rounding: 'stochastic', ...options });
}

describe('stochastic rounding statistics', () => {
  it.each(cases)('is unbiased: $name', ({ spec, x }) => {
    const format = floatFormat(spec);
    const value = Math.fround(x);
    const [low, high] = neighbours(format.spec, Math.abs(value));
    const spacing = high - low;
    const p = (Math.abs(value) - low) / spacing;
    expect(p).toBeGreaterThan(0); // x is not on the grid
    const output = draws(spec, value, { seed: 11 });
    const mean = output.reduce((sum, v) => sum + v, 0) / DRAWS;
    const sigma = spacing * Math.sqrt((p * (1 - p)) / DRAWS);
    // The bound would catch a bias of a tenth of a spacing by a wide margin.
    expect(SIGMAS * sigma).toBeLessThan(0.02 * spacing);
    // Expected mean: x itself, up to the 2^-32 truncation of the probability (decision 0004).
    expect(Math.abs(mean - value)).toBeLessThanOrEqual(SIGMAS * sigma + spacing * 2 ** -32 + Math.abs(value) * 1e-12);
  });

  it('with randomBits 4 rounds up with probability floor(f · 16) / 16, the documented truncation', () => {
    // 0.3 in float8_e4m3fn: f = 0.6, floor(9.6) / 16 = 9/16 = 0.5625 instead of 0.6.
    const spec: FloatSpecInput = { exponentBits: 4, mantissaBits: 3, specials: 'fn' };
    const [low] = neighbours(floatFormat(spec).spec, Math.fround(0.3));
    const ups = draws(spec, 0.3, { seed: 4, randomBits: 4 }).filter((v) => v > low).length / DRAWS;
    const sigma = Math.sqrt((0.5625 * 0.4375) / DRAWS);
    expect(Math.abs(ups - 0.5625)).toBeLessThanOrEqual(SIGMAS * sigma);
    expect(Math.abs(0.6 - 0.5625)).toBeGreaterThan(2 * SIGMAS * sigma); // and it is told apart from f
  });

  it('with randomBits 4 never rounds up when f < 1/16', () => {
    // bfloat16 at 1 + 2^-12: f = 1/32, floor(f · 16) = 0.
    const output = draws({ exponentBits: 8, mantissaBits: 7 }, 1 + 2 ** -12, { seed: 9, randomBits: 4 });
    expect(output.every((v) => v === 1)).toBe(true);
    // With 32 bits about DRAWS / 32 of them do.
    const full = draws({ exponentBits: 8, mantissaBits: 7 }, 1 + 2 ** -12, { seed: 9 });
    expect(full.filter((v) => v > 1).length).toBeGreaterThan(DRAWS / 32 - SIGMAS * Math.sqrt(DRAWS / 32));
  });
});
