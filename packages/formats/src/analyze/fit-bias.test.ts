import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatSpecError, RangeAnalysisError } from '../errors.js';
import { floatFormat, type FloatSpecInput } from '../float/index.js';
import { floatSpecArbitrary } from '../float/arbitraries.testutil.js';
import { exponentOffsetFor, fitBias, type FitBiasOptions } from './fit-bias.js';

const E4M3FN: FloatSpecInput = { exponentBits: 4, mantissaBits: 3, specials: 'fn' }; // max 448 = 1.75·2^8 at bias 7
const E5M2: FloatSpecInput = { exponentBits: 5, mantissaBits: 2 }; // max 57344 = 1.75·2^15 at bias 15

interface Row {
  name: string;
  spec: FloatSpecInput;
  maxAbs: number;
  options?: FitBiasOptions;
  bias: number;
  max: number;
  clamped?: boolean;
}

const rows: Row[] = [
  { name: 'e4m3fn, max|x| = 1: 1.75 covers it', spec: E4M3FN, maxAbs: 1, bias: 15, max: 1.75 },
  { name: 'e4m3fn, max|x| = 1.9: its significand exceeds 1.75, one binade more', spec: E4M3FN, maxAbs: 1.9, bias: 14, max: 3.5 },
  { name: 'e4m3fn, max|x| = 1.9, floor-log2 rule: ignores the significand', spec: E4M3FN, maxAbs: 1.9, options: { rule: 'floor-log2' }, bias: 15, max: 1.75 },
  { name: 'e4m3fn, max|x| = 0.01 (floor(log2) = -7): offset 15', spec: E4M3FN, maxAbs: 0.01, bias: 22, max: 448 * 2 ** -15 },
  { name: 'e4m3fn, max|x| = 1 with 2 bits of margin', spec: E4M3FN, maxAbs: 1, options: { marginBits: 2 }, bias: 13, max: 7 },
  { name: 'e4m3fn, max|x| = 1.75 exactly: no margin needed', spec: E4M3FN, maxAbs: 1.75, bias: 15, max: 1.75 },
  { name: 'e4m3fn, max|x| = 448: the default bias', spec: E4M3FN, maxAbs: 448, bias: 7, max: 448 },
  { name: 'e5m2 (gradients), max|x| = 1e-3', spec: E5M2, maxAbs: 1e-3, bias: 40, max: 57344 * 2 ** -25 },
  { name: 'e5m2, max|x| = 1e5: a negative offset', spec: E5M2, maxAbs: 1e5, bias: 14, max: 114688 },
  // Bias 147 is the largest whose finest spacing 2^(1 - 147 - 3) is still a float32 (2^-149).
  { name: 'e4m3fn, max|x| = 1e-40: clamped to the largest valid bias', spec: E4M3FN, maxAbs: 1e-40, bias: 147, max: 448 * 2 ** -140, clamped: true },
  // Bias -112 gives 448·2^119 ≈ 2.98e38 < 3e38, and -113 would exceed float32's max.
  { name: 'e4m3fn, max|x| = 3e38: clamped to the smallest valid bias', spec: E4M3FN, maxAbs: 3e38, bias: -112, max: 448 * 2 ** 119, clamped: true },
  { name: 'e4m3fn at bias 10, max|x| = 0: keeps the bias', spec: { ...E4M3FN, bias: 10 }, maxAbs: 0, bias: 10, max: 448 * 2 ** -3 },
];

describe('fitBias', () => {
  it.each(rows)('$name', ({ spec, maxAbs, options, bias, max, clamped = false }) => {
    const fit = fitBias(maxAbs, spec, options);
    expect(fit.bias).toBe(bias);
    expect(fit.offset).toBe(bias - 2 ** (spec.exponentBits - 1) + 1);
    expect(fit.max).toBe(max);
    expect(fit.clamped).toBe(clamped);
    expect(fit.spec).toEqual({ ...floatFormat(spec).spec, bias });
    expect(floatFormat(fit.spec).range.max).toBe(max);
    expect(exponentOffsetFor(maxAbs, spec, options)).toBe(fit.offset);
  });

  it('cover: the largest bias whose max holds maxAbs · 2^marginBits', () => {
    fc.assert(
      fc.property(
        floatSpecArbitrary,
        fc.double({ min: 2 ** -60, max: 2 ** 60, noNaN: true }),
        fc.integer({ min: -2, max: 4 }),
        (spec, maxAbs, marginBits) => {
          const fit = fitBias(maxAbs, spec, { marginBits });
          const target = maxAbs * 2 ** marginBits;
          if (fit.clamped) return;
          expect(fit.max).toBeGreaterThanOrEqual(target);
          expect(fit.max / 2).toBeLessThan(target); // bias + 1 halves max: it would not hold maxAbs
        },
      ),
      { numRuns: 300 },
    );
  });

  it('floor-log2 equals papers.md: offset = emax - floor(log2 maxAbs) - margin', () => {
    fc.assert(
      fc.property(fc.double({ min: 2 ** -30, max: 2 ** 8, noNaN: true }), fc.integer({ min: 0, max: 3 }), (maxAbs, marginBits) => {
        const offset = exponentOffsetFor(maxAbs, E4M3FN, { rule: 'floor-log2', marginBits });
        let exponent = 0; // floor(log2 maxAbs) by halving/doubling: exact, unlike Math.log2 near 2^k
        while (2 ** exponent > maxAbs) exponent--;
        while (2 ** (exponent + 1) <= maxAbs) exponent++;
        expect(offset).toBe(8 - exponent - marginBits);
      }),
      { numRuns: 200 },
    );
  });

  describe('errors', () => {
    it.each([
      ['NaN', () => fitBias(NaN, E4M3FN), /invalid maxAbs: NaN \(allowed: a finite number >= 0\)/],
      ['Infinity', () => fitBias(Infinity, E4M3FN), /invalid maxAbs: Infinity/],
      ['a negative max', () => fitBias(-1, E4M3FN), /invalid maxAbs: -1/],
      ['a fractional margin', () => fitBias(1, E4M3FN, { marginBits: 0.5 }), /invalid marginBits: 0.5 \(allowed: an integer/],
      ['an unknown rule', () => fitBias(1, E4M3FN, { rule: 'round' as never }), /invalid rule: "round"/],
    ])('rejects %s with a RangeAnalysisError', (_name, call, message) => {
      expect(call).toThrow(RangeAnalysisError);
      expect(call).toThrow(message);
    });

    it('rejects an impossible spec with a FormatSpecError', () => {
      expect(() => fitBias(1, { exponentBits: 4, mantissaBits: 40 })).toThrow(FormatSpecError);
    });
  });
});
