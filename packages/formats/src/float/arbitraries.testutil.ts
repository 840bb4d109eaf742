/**
 * fast-check generators for float property tests: valid random float specs (every specials option,
 * overflow rule, subnormals on/off, any bias the constructor accepts) and float32 inputs aimed at
 * the format's interesting places (grid values, midpoints, their float32 neighbours, the ends of the
 * range) as well as arbitrary bit patterns (NaN payloads, Inf, float32 subnormals).
 */
import fc from 'fast-check';
import type { FloatFormat, FloatOverflow, FloatSpec, FloatSpecials, Rounding } from '../types.js';
import { float32Bits, float32FromBits, referenceMax, referenceSpacing } from './reference.testutil.js';

export const FLOAT32_MAX = 3.4028234663852886e38;

/** Overflow rules the constructor accepts for these specials (ieee without mantissa has no NaN). */
export function allowedOverflows(specials: FloatSpecials, mantissaBits: number): FloatOverflow[] {
  switch (specials) {
    case 'ieee':
      return mantissaBits > 0 ? ['infinity', 'nan', 'saturate'] : ['infinity', 'saturate'];
    case 'finite':
      return ['saturate'];
    default:
      return ['nan', 'saturate'];
  }
}

/**
 * Biases for which every value is a float32: max <= float32 max and the finest spacing
 * 2^(1 - bias - mantissaBits) >= 2^-149, subnormals or not (and |bias| <= 1000). Empty (low > high)
 * when no bias works.
 */
export function validBiasRange(fields: Omit<FloatSpec, 'kind' | 'bias' | 'overflow'>): [low: number, high: number] {
  const atZero = referenceMax({ ...fields, kind: 'float', bias: 0, overflow: 'saturate' });
  let low = Math.floor(Math.log2(atZero / FLOAT32_MAX)) - 1;
  while (atZero * 2 ** -low > FLOAT32_MAX) low++;
  const high = 150 - fields.mantissaBits;
  return [Math.max(low, -1000), Math.min(high, 1000)];
}

export function defaultBias(exponentBits: number): number {
  return 2 ** (exponentBits - 1) - 1;
}

/** Valid random float specs (e8m0 excluded: it is a fixed ml_dtypes type). */
export const floatSpecArbitrary: fc.Arbitrary<FloatSpec> = fc
  .record({
    exponentBits: fc.integer({ min: 1, max: 8 }),
    mantissaBits: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 23 })),
    specials: fc.constantFrom<FloatSpecials>('ieee', 'fn', 'fnuz', 'finite'),
    subnormals: fc.boolean(),
    overflowChoice: fc.nat(2),
    // Mostly near the default bias (ranges that overlap ordinary values), sometimes anywhere valid.
    biasShift: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constant(0)),
    biasAnywhere: fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { freq: 4 }),
  })
  .map(({ exponentBits, mantissaBits, specials, subnormals, overflowChoice, biasShift, biasAnywhere }): FloatSpec => {
    let E = exponentBits;
    if (specials === 'ieee' && E < 2) E = 2; // the top exponent code is Inf/NaN
    if (specials === 'fn' && mantissaBits === 0 && E < 2) E = 2;
    const fields = { exponentBits: E, mantissaBits, subnormals, specials };
    let [low, high] = validBiasRange(fields);
    // E8 with 23 mantissa bits and no Inf/NaN codes needs more range than float32 has.
    while (low > high) [low, high] = validBiasRange({ ...fields, mantissaBits: --fields.mantissaBits });
    const bias =
      biasAnywhere !== null ? low + Math.floor(biasAnywhere * (high - low + 1)) : Math.min(high, Math.max(low, defaultBias(E) + biasShift));
    const overflows = allowedOverflows(specials, fields.mantissaBits);
    return { kind: 'float', ...fields, bias, overflow: overflows[overflowChoice % overflows.length] };
  });

/** How to make one float32 input; resolved against a format by `resolveInputs`. */
export type InputRecipe =
  | { kind: 'bits'; bits: number }
  | { kind: 'float'; value: number }
  | { kind: 'code' | 'midpoint'; position: number; nudge: number; negative: boolean }
  | { kind: 'landmark'; which: number; nudge: number; negative: boolean };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const nudge = fc.oneof(fc.constant(0), fc.integer({ min: -2, max: 2 }));

export const inputRecipeArbitrary: fc.Arbitrary<InputRecipe> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bits' as const), bits: fc.nat({ max: 0xffffffff }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('float' as const), value: fc.float() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('code' as const, 'midpoint' as const), position, nudge, negative: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('landmark' as const), which: fc.nat(7), nudge, negative: fc.boolean() }) },
);

export const inputRecipesArbitrary = fc.array(inputRecipeArbitrary, { minLength: 1, maxLength: 48 });

/** Moves a float32 value by `steps` units in the last place of its magnitude (never across zero). */
export function nudgeFloat32(value: number, steps: number): number {
  if (steps === 0 || !Number.isFinite(value)) return value;
  const bits = float32Bits(value);
  const magnitude = Math.min(Math.max((bits & 0x7fffffff) + steps, 0), 0x7f7fffff);
  return float32FromBits((bits & 0x80000000) | magnitude);
}

/** Positive magnitudes where formats change behaviour. */
function landmarks(format: FloatFormat): number[] {
  const { max, smallestNormal, smallestSubnormal } = format.range;
  const spacingAtMax = referenceSpacing(format.spec, max);
  return [max, max + spacingAtMax / 2, max + spacingAtMax, smallestNormal, smallestNormal / 2, smallestSubnormal, smallestSubnormal / 2, 1];
}

function gridValue(format: FloatFormat, code: number): number {
  return format.decode([code])[0];
}

export function resolveInput(format: FloatFormat, recipe: InputRecipe): number {
  switch (recipe.kind) {
    case 'bits':
      return float32FromBits(recipe.bits);
    case 'float':
      return recipe.value;
    case 'landmark': {
      const value = Math.fround(landmarks(format)[recipe.which % 8]);
      return nudgeFloat32(recipe.negative ? -value : value, recipe.nudge);
    }
    default: {
      // Codes of the positive half: grid values and the midpoints between neighbours.
      const positiveCodes = 2 ** (format.bits - 1);
      const code = Math.floor(recipe.position * positiveCodes);
      const value = gridValue(format, code);
      let magnitude = value;
      if (recipe.kind === 'midpoint' && code + 1 < positiveCodes) {
        const next = gridValue(format, code + 1);
        if (Number.isFinite(next) && Number.isFinite(value)) magnitude = Math.fround((value + next) / 2);
      }
      if (Number.isNaN(magnitude)) magnitude = format.range.max;
      return nudgeFloat32(recipe.negative ? -magnitude : magnitude, recipe.nudge);
    }
  }
}

export function resolveInputs(format: FloatFormat, recipes: readonly InputRecipe[]): Float32Array {
  return Float32Array.from(recipes, (recipe) => resolveInput(format, recipe));
}

export const DETERMINISTIC_ROUNDINGS: readonly Rounding[] = ['nearest-even', 'nearest-away', 'toward-zero', 'toward-positive', 'toward-negative', 'odd'];

export const stochasticOptionsArbitrary = fc.record({
  seed: fc.oneof(fc.nat(), fc.constant(0), fc.maxSafeNat()),
  // Offsets near a multiple of 2^32 make runs cross a change of the generator's stream key.
  offset: fc.oneof(fc.nat(1000), fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 + 40 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 100_000 })),
  randomBits: fc.oneof(fc.constant(32), fc.integer({ min: 1, max: 32 })),
});

export function describeSpec(spec: FloatSpec): string {
  return JSON.stringify(spec);
}
