import { describe, expect, it } from 'vitest';
import { floatFormat } from '../float/index.js';
import { randomUint32 } from '../random.js';
import { fixedPointFormat } from './index.js';

const TWO_32 = 2 ** 32;
const bitsOf = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

/** Values spread over the range (and beyond it), reproducible. */
function spreadValues(count: number, seed: number, magnitude: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => (randomUint32(seed, i) / TWO_32 - 0.5) * 2 * magnitude);
}

describe('fixed point stochastic rounding is chunking-invariant', () => {
  const values = spreadValues(1000, 3, 10);
  const cases = [
    ['saturate, offset 0', { wordBits: 8, fractionBits: 4 }, 0],
    ['wrap, offset 12345', { wordBits: 6, fractionBits: 2, overflow: 'wrap' as const }, 12345],
    ['across the 2^32 counter boundary', { wordBits: 8, fractionBits: 4 }, TWO_32 - 400],
    ['across the second 2^32 boundary', { wordBits: 12, fractionBits: 6, signed: false }, 2 * TWO_32 - 1],
  ] as const;

  it.each(cases)('%s', (_label, input, offset) => {
    const format = fixedPointFormat(input);
    const options = { rounding: 'stochastic' as const, seed: 99, offset, randomBits: 24 };
    const whole = bitsOf(format.quantize(values, options));
    for (const split of [1, 333, 400, 999]) {
      const head = format.quantize(values.subarray(0, split), options);
      const tail = format.quantize(values.subarray(split), { ...options, offset: offset + split });
      expect([...bitsOf(head), ...bitsOf(tail)], `split at ${split}`).toEqual(whole);
    }
    // One element at a time: every element derives its own stream key from its own counter.
    const single = Array.from(values, (x, i) => bitsOf(format.quantize(Float32Array.of(x), { ...options, offset: offset + i }))[0]);
    expect(single).toEqual(whole);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const format = fixedPointFormat({ wordBits: 8, fractionBits: 4 });
    const first = bitsOf(format.quantize(values, { rounding: 'stochastic', seed: 1 }));
    expect(bitsOf(format.quantize(values, { rounding: 'stochastic', seed: 1 }))).toEqual(first);
    expect(bitsOf(format.quantize(values, { rounding: 'stochastic', seed: 2 }))).not.toEqual(first);
  });
});

describe('fixed point stochastic rounding is unbiased', () => {
  const count = 200_000;
  const step = 1 / 16;
  // value, randomBits, probability of rounding up: floor(fraction · 2^randomBits) / 2^randomBits.
  const cases: [value: number, randomBits: number, probability: (fraction: number) => number][] = [
    [Math.fround(5.3 * step), 32, (fraction) => fraction],
    [Math.fround(-2.7 * step), 32, (fraction) => fraction],
    [Math.fround(0.01 * step), 32, (fraction) => fraction],
    [Math.fround(7.75 * step), 32, () => 0.75],
    [Math.fround(3.3 * step), 3, () => 2 / 8], // 0.3 resolved with 3 bits: up iff random < floor(2.4)
    [Math.fround(3.99 * step), 1, () => 1 / 2],
  ];

  it.each(cases)('%s with %s random bits', (value, randomBits, probabilityOf) => {
    const format = fixedPointFormat({ wordBits: 8, fractionBits: 4 });
    const output = format.quantize(new Float32Array(count).fill(value), { rounding: 'stochastic', seed: 2024, randomBits });
    const magnitude = Math.abs(value) / step;
    const down = Math.floor(magnitude);
    const probability = probabilityOf(magnitude - down);
    let ups = 0;
    let neitherNeighbour = 0;
    for (const result of output) {
      const resultMagnitude = Math.abs(result) / step;
      if (resultMagnitude === down + 1) ups++;
      else if (resultMagnitude !== down) neitherNeighbour++;
    }
    expect(neitherNeighbour).toBe(0);
    // Binomial(count, probability): mean count·p, standard deviation sqrt(count·p·(1-p)). Six
    // standard deviations (a 1 in 5·10^8 false alarm) still catch a bias of 0.005 at p = 0.3.
    const sigma = Math.sqrt(count * probability * (1 - probability));
    expect(Math.abs(ups - count * probability)).toBeLessThanOrEqual(6 * sigma + 1e-9);
    // The mean of the roundings is the value itself (up to the resolution of randomBits).
    const mean = output.reduce((sum, x) => sum + x, 0) / count;
    const expectedMean = Math.sign(value) * (down + probability) * step;
    expect(Math.abs(mean - expectedMean)).toBeLessThanOrEqual((6 * sigma * step) / count + 1e-12);
  });
});

describe('fixed point and float stochastic rounding share one definition', () => {
  // In [1, 2) the float format e5m2 spaces its values 2^-2 apart, like fixed_w8_f2: the same seed
  // must give the same roundings, element for element.
  const magnitudes = spreadValues(5000, 8, 1).map((x) => 1 + Math.abs(x));
  const values = Float32Array.from(magnitudes, (x, i) => (i % 2 ? -x : x));

  it.each([32, 16, 5, 1])('randomBits %s', (randomBits) => {
    const options = { rounding: 'stochastic' as const, seed: 5, offset: TWO_32 - 2500, randomBits };
    const fixed = fixedPointFormat({ wordBits: 8, fractionBits: 2 }).quantize(values, options);
    const float = floatFormat({ exponentBits: 5, mantissaBits: 2 }).quantize(values, options);
    expect(bitsOf(fixed)).toEqual(bitsOf(float));
  });
});
