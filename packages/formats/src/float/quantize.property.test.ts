/**
 * Properties of float quantization over random specs (every exponent/mantissa width, bias,
 * specials option, overflow rule, subnormals on and off) and inputs aimed at grid values,
 * midpoints, their float32 neighbours and the ends of the range.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomUint32 } from '../random.js';
import type { FloatFormat, FloatSpec, Rounding } from '../types.js';
import {
  DETERMINISTIC_ROUNDINGS,
  floatSpecArbitrary,
  inputRecipesArbitrary,
  resolveInputs,
  stochasticOptionsArbitrary,
} from './arbitraries.testutil.js';
import { floatFormat } from './index.js';
import { describeFloat32, neighbours, referenceQuantize, referenceSpacing, sameFloat32 } from './reference.testutil.js';

// LOWBIT_PROPERTY_RUNS=5000 for a deeper search than the default, which keeps the suite fast.
const RUNS = Number(process.env.LOWBIT_PROPERTY_RUNS ?? 300);
const ALL_ROUNDINGS: readonly Rounding[] = [...DETERMINISTIC_ROUNDINGS, 'stochastic'];
const casesArbitrary = fc.record({ spec: floatSpecArbitrary, recipes: inputRecipesArbitrary });

function setup({ spec, recipes }: { spec: FloatSpec; recipes: Parameters<typeof resolveInputs>[1] }): { format: FloatFormat; inputs: Float32Array } {
  const format = floatFormat(spec);
  return { format, inputs: resolveInputs(format, recipes) };
}

/** Mismatches between two float32 arrays, as readable lines (empty when bitwise equal). */
function differences(inputs: Float32Array, actual: Float32Array, expected: ArrayLike<number>): string[] {
  const lines: string[] = [];
  for (let i = 0; i < inputs.length && lines.length < 5; i++) {
    if (!sameFloat32(actual[i], expected[i])) {
      lines.push(`x=${describeFloat32(inputs[i])}: got ${describeFloat32(actual[i])}, expected ${describeFloat32(expected[i])}`);
    }
  }
  return lines;
}

/** |x| within the format's range: no overflow is possible for any mode. */
function inRange(format: FloatFormat, x: number): boolean {
  return Math.abs(x) <= format.range.max;
}

describe('float quantize: agreement with the float64 reference model', () => {
  it('every deterministic mode gives the reference result bit for bit', () => {
    fc.assert(
      fc.property(casesArbitrary, (cases) => {
        const { format, inputs } = setup(cases);
        for (const rounding of DETERMINISTIC_ROUNDINGS) {
          const actual = format.quantize(inputs, { rounding });
          const expected = Array.from(inputs, (x) => referenceQuantize(format.spec, x, rounding));
          expect(differences(inputs, actual, expected), `${format.name} ${rounding}`).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('stochastic rounding gives the reference result for the random word of each element', () => {
    fc.assert(
      fc.property(casesArbitrary, stochasticOptionsArbitrary, (cases, options) => {
        const { format, inputs } = setup(cases);
        const actual = format.quantize(inputs, { rounding: 'stochastic', ...options });
        const expected = Array.from(inputs, (x, i) =>
          referenceQuantize(format.spec, x, 'stochastic', { word: randomUint32(options.seed, options.offset + i), randomBits: options.randomBits }),
        );
        expect(differences(inputs, actual, expected), `${format.name} ${JSON.stringify(options)}`).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('float quantize: algebraic properties', () => {
  it('is idempotent bit for bit in every mode', () => {
    fc.assert(
      fc.property(casesArbitrary, stochasticOptionsArbitrary, (cases, options) => {
        const { format, inputs } = setup(cases);
        for (const rounding of ALL_ROUNDINGS) {
          const once = format.quantize(inputs, { rounding, ...options });
          // A second stochastic pass with other random bits must not move an already exact value.
          const twice = format.quantize(once, { rounding, ...options, seed: options.seed === 0 ? 1 : 0 });
          expect(differences(inputs, twice, once), `${format.name} ${rounding}`).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('is monotonic in every deterministic mode (NaN excluded)', () => {
    fc.assert(
      fc.property(casesArbitrary, (cases) => {
        const { format, inputs } = setup(cases);
        const sorted = inputs.filter((x) => !Number.isNaN(x)).sort();
        for (const rounding of DETERMINISTIC_ROUNDINGS) {
          const output = format.quantize(sorted, { rounding });
          let previous = -Infinity;
          for (let i = 0; i < output.length; i++) {
            if (Number.isNaN(output[i])) continue; // overflow to NaN has no order
            expect(output[i], `${format.name} ${rounding} at x=${describeFloat32(sorted[i])}`).toBeGreaterThanOrEqual(previous);
            previous = output[i];
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('nearest modes stay within half a spacing of x (in range)', () => {
    fc.assert(
      fc.property(casesArbitrary, (cases) => {
        const { format, inputs } = setup(cases);
        for (const rounding of ['nearest-even', 'nearest-away'] as const) {
          const output = format.quantize(inputs, { rounding });
          inputs.forEach((x, i) => {
            if (!Number.isFinite(x) || !inRange(format, x)) return;
            const halfSpacing = x === 0 ? 0 : referenceSpacing(format.spec, Math.abs(x)) / 2;
            expect(Math.abs(output[i] - x), `${format.name} ${rounding} x=${describeFloat32(x)}`).toBeLessThanOrEqual(halfSpacing);
          });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('directed modes never cross x (in range)', () => {
    fc.assert(
      fc.property(casesArbitrary, (cases) => {
        const { format, inputs } = setup(cases);
        const up = format.quantize(inputs, { rounding: 'toward-positive' });
        const down = format.quantize(inputs, { rounding: 'toward-negative' });
        const zero = format.quantize(inputs, { rounding: 'toward-zero' });
        inputs.forEach((x, i) => {
          if (Number.isNaN(x) || !inRange(format, x)) return;
          const label = `${format.name} x=${describeFloat32(x)}`;
          expect(up[i], label).toBeGreaterThanOrEqual(x);
          expect(down[i], label).toBeLessThanOrEqual(x);
          expect(Math.abs(zero[i]), label).toBeLessThanOrEqual(Math.abs(x));
          expect(zero[i] * x, label).toBeGreaterThanOrEqual(0); // same sign or zero
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('round-to-odd gives x when exact, else a code with an odd last mantissa bit', () => {
    fc.assert(
      fc.property(casesArbitrary, (cases) => {
        const { format, inputs } = setup(cases);
        const { spec, range } = format;
        const output = format.quantize(inputs, { rounding: 'odd' });
        inputs.forEach((x, i) => {
          if (!Number.isFinite(x) || !inRange(format, x) || output[i] === x) return;
          const magnitude = Math.abs(output[i]);
          // Documented exceptions: with mantissaBits 0 a normal significand is the implicit 1
          // (odd), and without subnormals inexact values below the smallest normal give it.
          if (spec.mantissaBits === 0 && magnitude >= range.smallestNormal) return;
          if (!spec.subnormals && magnitude === range.smallestNormal && Math.abs(x) < range.smallestNormal) return;
          const code = format.encode(Float32Array.of(output[i]))[0];
          expect(code & 1, `${format.name} x=${describeFloat32(x)} -> ${describeFloat32(output[i])}`).toBe(1);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('stochastic rounding gives one of the two neighbours of x (in range)', () => {
    fc.assert(
      fc.property(casesArbitrary, stochasticOptionsArbitrary, (cases, options) => {
        const { format, inputs } = setup(cases);
        const output = format.quantize(inputs, { rounding: 'stochastic', ...options });
        inputs.forEach((x, i) => {
          if (!Number.isFinite(x) || !inRange(format, x) || x === 0) return;
          const [low, high] = neighbours(format.spec, Math.abs(x));
          expect([low, high], `${format.name} x=${describeFloat32(x)}`).toContain(Math.abs(output[i]));
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('float quantize: reproducibility of stochastic rounding', () => {
  // Longer arrays than the kernel's block (2048) so that blocks, runs and chunks all cross.
  const longArbitrary = fc.record({
    spec: floatSpecArbitrary,
    recipes: inputRecipesArbitrary,
    length: fc.integer({ min: 1, max: 5000 }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
    options: stochasticOptionsArbitrary,
  });

  function longInputs(format: FloatFormat, recipes: Parameters<typeof resolveInputs>[1], length: number): Float32Array {
    const base = resolveInputs(format, recipes);
    return Float32Array.from({ length }, (_, i) => base[(i * 7919) % base.length]);
  }

  it('quantizing any split with offset = start index gives the same bits as the whole array', () => {
    fc.assert(
      fc.property(longArbitrary, ({ spec, recipes, length, cuts, options }) => {
        const format = floatFormat(spec);
        const inputs = longInputs(format, recipes, length);
        const whole = format.quantize(inputs, { rounding: 'stochastic', ...options });
        const bounds = [0, ...cuts.map((cut) => Math.floor(cut * length)).sort((a, b) => a - b), length];
        const pieces = new Float32Array(length);
        for (let k = 0; k + 1 < bounds.length; k++) {
          const [start, end] = [bounds[k], bounds[k + 1]];
          const part = format.quantize(inputs.subarray(start, end), { rounding: 'stochastic', ...options, offset: options.offset + start });
          pieces.set(part, start);
        }
        expect(differences(inputs, pieces, whole), format.name).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('in place (out = input) gives the same bits as into a new array, in every mode', () => {
    fc.assert(
      fc.property(longArbitrary, ({ spec, recipes, length, options }) => {
        const format = floatFormat(spec);
        const inputs = longInputs(format, recipes, length);
        for (const rounding of ALL_ROUNDINGS) {
          const fresh = format.quantize(inputs, { rounding, ...options });
          const inPlace = inputs.slice();
          const returned = format.quantize(inPlace, { rounding, ...options, out: inPlace });
          expect(returned).toBe(inPlace);
          expect(differences(inputs, inPlace, fresh), `${format.name} ${rounding}`).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the same (seed, offset) gives the same bits; another seed or offset gives other bits', () => {
    const format = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
    // 0.3 lies strictly between two grid values: each element rounds up with probability 0.6.
    const inputs = new Float32Array(256).fill(0.3);
    const bitsOf = (options: { seed: number; offset: number }) => Array.from(format.quantize(inputs, { rounding: 'stochastic', ...options }));
    expect(bitsOf({ seed: 5, offset: 9 })).toEqual(bitsOf({ seed: 5, offset: 9 }));
    expect(bitsOf({ seed: 5, offset: 9 })).not.toEqual(bitsOf({ seed: 6, offset: 9 }));
    expect(bitsOf({ seed: 5, offset: 9 })).not.toEqual(bitsOf({ seed: 5, offset: 10 }));
    // Element i of offset 9 is element i - 1 of offset 8: the counter is offset + index.
    expect(bitsOf({ seed: 5, offset: 9 }).slice(0, 255)).toEqual(bitsOf({ seed: 5, offset: 8 }).slice(1));
  });
});
