/**
 * Codes of float formats: every code of every format up to 16 bits decodes to a value that encodes
 * back to the same code, every decoded value is exact under every rounding mode (the codec's grid
 * is the kernel's grid), and decode(encode(x)) equals quantize(x) for random specs and inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatSpecError } from '../errors.js';
import { ROUNDINGS, type FloatFormat, type FloatOverflow, type FloatSpecials } from '../types.js';
import {
  allowedOverflows,
  defaultBias,
  floatSpecArbitrary,
  inputRecipesArbitrary,
  resolveInputs,
  stochasticOptionsArbitrary,
  validBiasRange,
} from './arbitraries.testutil.js';
import { floatFormat, type FloatSpecInput } from './index.js';
import { describeFloat32, sameFloat32 } from './reference.testutil.js';

const RUNS = Number(process.env.LOWBIT_PROPERTY_RUNS ?? 300);
const SPECIALS: readonly FloatSpecials[] = ['ieee', 'fn', 'fnuz', 'finite'];

/**
 * Every (E, M) with 1 + E + M <= 16 for each specials option at the default bias; the same without
 * subnormals up to 12 bits (only the subnormal codes differ, and the suite stays fast).
 */
function exhaustiveSpecs(): FloatSpecInput[] {
  const specs: FloatSpecInput[] = [];
  for (const specials of SPECIALS) {
    for (let exponentBits = 1; exponentBits <= 8; exponentBits++) {
      for (let mantissaBits = 0; exponentBits + mantissaBits <= 15; mantissaBits++) {
        specs.push({ exponentBits, mantissaBits, specials });
        if (exponentBits + mantissaBits <= 11) specs.push({ exponentBits, mantissaBits, specials, subnormals: false });
      }
    }
  }
  // Shifted biases (the asymmetric exponent) on a few shapes, for each specials option.
  for (const specials of SPECIALS) {
    for (const [exponentBits, mantissaBits] of [[4, 3], [5, 2], [3, 4], [6, 5], [5, 10]]) {
      for (const shift of [-5, 3, 11]) specs.push({ exponentBits, mantissaBits, specials, bias: defaultBias(exponentBits) + shift });
    }
  }
  return specs;
}

/** The format, or undefined when the spec is impossible (e.g. ieee with one exponent bit). */
function tryFormat(input: FloatSpecInput): FloatFormat | undefined {
  try {
    return floatFormat(input);
  } catch (error) {
    if (error instanceof FormatSpecError) return undefined;
    throw error;
  }
}

describe('float codes, exhaustively up to 16 bits', () => {
  const formats = exhaustiveSpecs()
    .map(tryFormat)
    .filter((format): format is FloatFormat => format !== undefined);

  it('covers several hundred formats', () => {
    expect(formats.length).toBeGreaterThan(300);
  });

  it('decodes every code to a value that encodes back to the same code', () => {
    for (const format of formats) {
      const { exponentBits: E, mantissaBits: M, subnormals, specials } = format.spec;
      const codes = Uint32Array.from({ length: 2 ** format.bits }, (_, code) => code);
      const values = format.decode(codes);
      const roundTrip = format.encode(values.map((value) => (Number.isNaN(value) ? 0 : value)));
      const nanCodes = codes.filter((_, code) => Number.isNaN(values[code]));
      const problems: string[] = [];
      for (let code = 0; code < codes.length && problems.length < 5; code++) {
        const magnitudeCode = code % 2 ** (E + M);
        const field = Math.floor(magnitudeCode / 2 ** M);
        if (Number.isNaN(values[code])) continue; // checked below: NaN codes encode to a NaN code
        if (field === 0 && magnitudeCode !== 0 && !subnormals) {
          // Unused subnormal codes read as zero by design.
          if (values[code] !== 0) problems.push(`code ${code}: unused subnormal code decodes to ${values[code]}`);
          continue;
        }
        if (roundTrip[code] !== code) problems.push(`code ${code} -> ${describeFloat32(values[code])} -> code ${roundTrip[code]}`);
      }
      expect(problems, format.name).toEqual([]);
      // NaN codes: none for 'finite'; the rest encode NaN to one of them.
      if (specials === 'finite') expect(nanCodes.length, format.name).toBe(0);
      if (nanCodes.length > 0) {
        const nanCode = format.encode(Float32Array.of(NaN))[0];
        expect(Number.isNaN(format.decode([nanCode])[0]), format.name).toBe(true);
      }
    }
  });

  it('every decoded value is exact under every rounding mode', () => {
    for (const format of formats) {
      const values = format.decode(Uint32Array.from({ length: 2 ** format.bits }, (_, code) => code));
      for (const rounding of ROUNDINGS) {
        const quantized = format.quantize(values, { rounding, seed: 3 });
        const moved = values.findIndex((value, i) => !sameFloat32(value, quantized[i]));
        expect(moved, `${format.name} ${rounding}: ${describeFloat32(values[moved])} -> ${describeFloat32(quantized[moved])}`).toBe(-1);
      }
    }
  });
});

describe('float codes, random specs and inputs', () => {
  it('decode(encode(x)) equals quantize(x) bit for bit, in every mode', () => {
    fc.assert(
      fc.property(floatSpecArbitrary, inputRecipesArbitrary, stochasticOptionsArbitrary, (spec, recipes, options) => {
        const format = floatFormat(spec);
        // NaN has no code in 'finite' formats and in ieee formats without mantissa bits.
        const noNaNCode = spec.specials === 'finite' || (spec.specials === 'ieee' && spec.mantissaBits === 0);
        const inputs = resolveInputs(format, recipes).filter((x) => !(noNaNCode && Number.isNaN(x)));
        for (const rounding of ROUNDINGS) {
          const quantized = format.quantize(inputs, { rounding, ...options });
          const decoded = format.decode(format.encode(inputs, { rounding, ...options }));
          const mismatch = inputs.findIndex((_, i) => !sameFloat32(decoded[i], quantized[i]));
          expect(mismatch, `${format.name} ${rounding} x=${describeFloat32(inputs[mismatch])}`).toBe(-1);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('float spec validation', () => {
  const rawSpec = fc.record({
    exponentBits: fc.integer({ min: 0, max: 9 }),
    mantissaBits: fc.integer({ min: -1, max: 24 }),
    bias: fc.integer({ min: -1100, max: 1100 }),
    subnormals: fc.boolean(),
    specials: fc.constantFrom<FloatSpecials>('ieee', 'fn', 'fnuz', 'finite'),
    overflow: fc.constantFrom<FloatOverflow>('infinity', 'nan', 'saturate'),
  });

  /** The documented rules, restated independently of spec.ts. */
  function isValid(spec: Required<Omit<FloatSpecInput, 'overflow'>> & { overflow: FloatOverflow }): boolean {
    const { exponentBits: E, mantissaBits: M, specials } = spec;
    if (E < 1 || E > 8 || M < 0 || M > 23) return false;
    if (specials === 'ieee' && E < 2) return false;
    if (specials === 'fn' && M === 0 && E < 2) return false;
    if (!allowedOverflows(specials, M).includes(spec.overflow)) return false;
    const [low, high] = validBiasRange({ exponentBits: E, mantissaBits: M, subnormals: spec.subnormals, specials });
    return spec.bias >= low && spec.bias <= high;
  }

  it('accepts exactly the valid specs and rejects the others with a FormatSpecError', () => {
    fc.assert(
      fc.property(rawSpec, (spec) => {
        let accepted = true;
        try {
          floatFormat(spec);
        } catch (error) {
          expect(error).toBeInstanceOf(FormatSpecError);
          accepted = false;
        }
        expect(accepted, JSON.stringify(spec)).toBe(isValid(spec));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('accepts every spec of the property generator', () => {
    fc.assert(
      fc.property(floatSpecArbitrary, (spec) => {
        expect(() => floatFormat(spec)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects a bias whose grid is finer than float32, with or without subnormals', () => {
    // e2m2 at bias 150: normal values 2^-149 · (1 + f/4) are not float32 numbers.
    expect(() => floatFormat({ exponentBits: 2, mantissaBits: 2, bias: 150, subnormals: false })).toThrow(/at most 148.*below float32/);
    expect(floatFormat({ exponentBits: 2, mantissaBits: 2, bias: 148, subnormals: false }).range.smallestNormal).toBe(2 ** -147);
  });
});
