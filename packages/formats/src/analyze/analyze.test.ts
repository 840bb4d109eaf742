import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatSpecError, QuantizeOptionsError, RangeAnalysisError } from '../errors.js';
import { binaryFormat } from '../binary/index.js';
import { fixedPointFormat } from '../fixed/index.js';
import { floatFormat } from '../float/index.js';
import { floatSpecArbitrary, inputRecipesArbitrary, resolveInputs, stochasticOptionsArbitrary } from '../float/arbitraries.testutil.js';
import type { ElementFormat } from '../types.js';
import { analyze, type RangeCounts } from './analyze.js';

const e4m3fn = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const e4m3fnSaturate = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' });
const e5m2 = floatFormat({ exponentBits: 5, mantissaBits: 2 });
const e8m0 = floatFormat({ exponentBits: 8, mantissaBits: 0, specials: 'e8m0' });

const ZERO_COUNTS: RangeCounts = {
  nanInputs: 0, exact: 0, rounded: 0, flushedToZero: 0, overflowed: 0, saturated: 0, becameSpecial: 0, subnormal: 0, zeroInputs: 0, infiniteInputs: 0,
};

// The float8_e4m3fn values: max 448 = 1.75·2^8 (next would be 480), smallest normal 2^-6, subnormals
// k·2^-9. 0.3 -> 0.3125 (spacing 2^-5); 0.004 -> 2·2^-9 (a subnormal); 1e-5 is below half of 2^-9;
// -460 lies beyond max but rounds back to -448 (saturated); 1000 and -Inf become NaN.
const mixed = [0.5, 0.3, 1000, 1e-5, 2 ** -8, 0.004, -460, NaN, 0, -Infinity, 448];

interface Row {
  name: string;
  format: ElementFormat;
  values: number[];
  counts: Partial<RangeCounts>;
  maxAbs: number;
}

const rows: Row[] = [
  {
    name: 'float8_e4m3fn, overflow to NaN',
    format: e4m3fn,
    values: mixed,
    counts: { nanInputs: 1, exact: 4, rounded: 2, flushedToZero: 1, overflowed: 3, saturated: 1, becameSpecial: 2, subnormal: 2, zeroInputs: 1, infiniteInputs: 1 },
    maxAbs: Infinity,
  },
  {
    name: 'float8_e4m3fn saturating: every overflow is saturated',
    format: e4m3fnSaturate,
    values: mixed,
    counts: { nanInputs: 1, exact: 4, rounded: 2, flushedToZero: 1, overflowed: 3, saturated: 3, becameSpecial: 0, subnormal: 2, zeroInputs: 1, infiniteInputs: 1 },
    maxAbs: Infinity,
  },
  {
    // max 57344 = 1.75·2^15; 60000 rounds back to it, 1e6 becomes Inf; 2^-16 is the smallest subnormal.
    name: 'float8_e5m2 (ieee), overflow to Inf',
    format: e5m2,
    values: [60000, 1e6, -(2 ** -16), 2 ** -18, 1.1],
    counts: { exact: 1, rounded: 1, flushedToZero: 1, overflowed: 2, saturated: 1, becameSpecial: 1, subnormal: 1 },
    maxAbs: 1e6,
  },
  {
    // Range [-8, 7.9375], step 1/16: 0.1 -> 0.125, 0.02 -> 0, 100 -> 7.9375, -9 -> -8.
    name: 'fixed point <8,4>',
    format: fixedPointFormat({ wordBits: 8, fractionBits: 4 }),
    values: [1.5, 0.1, 0.02, 100, -8, -9, NaN],
    counts: { nanInputs: 1, exact: 2, rounded: 1, flushedToZero: 1, overflowed: 2, saturated: 2 },
    maxAbs: 100,
  },
  {
    // ±1: 0 -> +1 and 0.5 -> 1 are rounded, -3 -> -1 overflowed.
    name: 'binary',
    format: binaryFormat(),
    values: [0.5, -3, 0, 1],
    counts: { exact: 1, rounded: 2, overflowed: 1, saturated: 1, zeroInputs: 1 },
    maxAbs: 3,
  },
  {
    // Unsigned powers of two from 2^-127: 0 and -1 are below its range (NaN), 3 ties up to 4.
    name: 'float8_e8m0fnu',
    format: e8m0,
    values: [0, -1, 3, 1],
    counts: { exact: 1, rounded: 1, overflowed: 2, becameSpecial: 2, zeroInputs: 1 },
    maxAbs: 3,
  },
];

describe('analyze', () => {
  it.each(rows)('counts by hand: $name', ({ format, values, counts, maxAbs }) => {
    const report = analyze(Float32Array.from(values), format);
    expect(report.formatName).toBe(format.name);
    expect(report.count).toBe(values.length);
    expect(report.counts).toEqual({ ...ZERO_COUNTS, ...counts });
    expect(report.maxAbs).toBe(maxAbs);
    for (const [key, value] of Object.entries(report.counts)) {
      expect(report.fractions[key as keyof RangeCounts]).toBeCloseTo(value / values.length, 12);
    }
  });

  it('histograms floor(log2 |x|) of the finite nonzero inputs', () => {
    const { exponentHistogram } = analyze(Float32Array.from(mixed), e4m3fn);
    // 1e-5 -> -17, 2^-8 and 0.004 -> -8, 0.3 -> -2, 0.5 -> -1, 448 and -460 -> 8, 1000 -> 9.
    expect(exponentHistogram.minExponent).toBe(-17);
    const byExponent = Object.fromEntries(
      exponentHistogram.counts.map((count, k) => [k + exponentHistogram.minExponent, count]).filter(([, count]) => count > 0),
    );
    expect(byExponent).toEqual({ '-17': 1, '-8': 2, '-2': 1, '-1': 1, '8': 2, '9': 1 });
    expect(exponentHistogram.counts).toHaveLength(27);
  });

  it('puts float32 subnormal and extreme inputs in the right exponent bins', () => {
    const values = Float32Array.from([2 ** -149, 3 * 2 ** -149, 2 ** -127 * 1.5, 3.4e38]);
    const { exponentHistogram } = analyze(values, e4m3fn);
    expect(exponentHistogram.minExponent).toBe(-149);
    expect(exponentHistogram.counts[0]).toBe(1); // 2^-149
    expect(exponentHistogram.counts[1]).toBe(1); // 3·2^-149: floor(log2) = -148
    expect(exponentHistogram.counts[-127 - -149]).toBe(1);
    expect(exponentHistogram.counts[127 - -149]).toBe(1);
  });

  it('reports an empty tensor as zeros', () => {
    const report = analyze(new Float32Array(0), e4m3fn);
    expect(report).toEqual({
      formatName: 'float8_e4m3fn', count: 0, counts: ZERO_COUNTS, fractions: ZERO_COUNTS, maxAbs: 0, exponentHistogram: { minExponent: 0, counts: [] },
    });
  });

  it('writes the quantized values to out, equal to quantize with the same options', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 2 ** ((i % 30) - 15));
    const out = new Float32Array(values.length);
    const options = { rounding: 'stochastic' as const, seed: 3, offset: 77 };
    analyze(values, e4m3fn, { ...options, out, chunkLength: 64 });
    expect(out).toEqual(e4m3fn.quantize(values, options));
  });

  it('works in place (out = values): counts the inputs, then overwrites them', () => {
    const values = Float32Array.from(mixed);
    const expected = analyze(values, e4m3fn);
    const quantized = e4m3fn.quantize(values);
    expect(analyze(values, e4m3fn, { out: values, chunkLength: 4 })).toEqual(expected);
    expect(Array.from(values)).toEqual(Array.from(quantized));
  });

  it('gives the same report for any chunk length (stochastic counters follow the index)', () => {
    fc.assert(
      fc.property(floatSpecArbitrary, inputRecipesArbitrary, stochasticOptionsArbitrary, fc.integer({ min: 1, max: 9 }), (spec, recipes, options, chunkLength) => {
        const format = floatFormat(spec);
        const values = resolveInputs(format, recipes);
        const whole = analyze(values, format, { rounding: 'stochastic', ...options });
        expect(analyze(values, format, { rounding: 'stochastic', ...options, chunkLength })).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it('partitions every value into exactly one class, consistent with quantize', () => {
    fc.assert(
      fc.property(floatSpecArbitrary, inputRecipesArbitrary, (spec, recipes) => {
        const format = floatFormat(spec);
        const values = resolveInputs(format, recipes);
        const { counts, count } = analyze(values, format);
        expect(counts.nanInputs + counts.exact + counts.rounded + counts.flushedToZero + counts.overflowed).toBe(count);
        expect(counts.saturated + counts.becameSpecial).toBe(counts.overflowed);
        const quantized = format.quantize(values);
        const unchanged = values.filter((x, i) => x === quantized[i] && Math.abs(x) <= format.range.max).length;
        expect(counts.exact).toBe(unchanged);
      }),
      { numRuns: 200 },
    );
  });

  describe('errors', () => {
    const values = new Float32Array([1, 2]);
    it.each([
      ['values not a Float32Array', () => analyze([1, 2] as unknown as Float32Array, e4m3fn), QuantizeOptionsError, /invalid quantize option values/],
      ['a tensor format', () => analyze(values, {} as ElementFormat), FormatSpecError, /invalid format.*element format/],
      ['chunkLength 0', () => analyze(values, e4m3fn, { chunkLength: 0 }), RangeAnalysisError, /invalid chunkLength: 0 \(allowed: an integer 1\.\./],
      ['out of the wrong length', () => analyze(values, e4m3fn, { out: new Float32Array(3) }), RangeAnalysisError, /invalid out: "Float32Array\(3\)"/],
      ['an unknown rounding', () => analyze(values, e4m3fn, { rounding: 'up' as never }), QuantizeOptionsError, /invalid quantize option rounding: "up"/],
      ['a negative seed, even with no values', () => analyze(new Float32Array(0), e4m3fn, { seed: -1 }), QuantizeOptionsError, /invalid quantize option seed: -1/],
    ])('rejects %s', (_name, call, errorClass, message) => {
      expect(call).toThrow(errorClass);
      expect(call).toThrow(message);
    });
  });
});
