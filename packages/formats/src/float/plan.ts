/**
 * The numbers the float quantize kernel needs, derived once per spec. Everything is expressed on
 * float32 bit patterns: rounding a float32 to a narrower float is integer arithmetic on its bits.
 */
import type { FloatSpec } from '../types.js';
import { float32Bits, floatRange, minNormalExponent } from './spec.js';

/** Rounding of a magnitude: the signed modes become one of these per sign. */
export const enum MagnitudeMode {
  NearestEven = 0,
  NearestAway = 1,
  Down = 2,
  Up = 3,
  Odd = 4,
  Stochastic = 5,
}

export const INFINITY_BITS = 0x7f800000;
export const NAN_BITS = 0x7fc00000;
export const SIGN_BIT = 0x80000000;

export interface FloatPlan {
  spec: FloatSpec;
  mantissaBits: number;
  /** Exponent of the smallest normal value. */
  minExponent: number;
  /** Exponent of the spacing of values below the smallest normal (2^minExponent without subnormals). */
  lowQuantumExponent: number;
  /** Magnitudes with bits >= this are float32-normal and target-normal: shift is 23 - mantissaBits. */
  fastLowBits: number;
  fastShift: number;
  /**
   * Magnitudes with bits in [subnormalLowBits, fastLowBits) are float32-normal and target-subnormal
   * with at most 23 bits to drop: d = subnormalShiftBase - (a >>> 23). Empty without subnormals.
   */
  subnormalLowBits: number;
  subnormalShiftBase: number;
  maxBits: number;
  /** The largest finite value (a number: the nearest-even loop compares float64 results with it). */
  max: number;
  /**
   * Nearest-even by one float64 addition (nearest.ts): the addend C = ±2^(q + 52) for float32 bits x,
   * indexed by x >>> 23 (sign and exponent field), where 2^q is the spacing of the target's values
   * in x's binade. NaN where one exponent field does not determine the spacing (float32 subnormal
   * inputs when the target has normals below 2^-126), which sends those inputs to round.ts.
   */
  nearestEvenAddends: Float64Array;
  /** Result for a magnitude that rounded beyond max, per [sign][mode]: bit patterns as int32. */
  overflowBits: [positive: Int32Array, negative: Int32Array];
  /** Result for ±Inf input (int32 bit pattern). */
  infinityBits: [positive: number, negative: number];
  /** fnuz: zero is unsigned. */
  signedZero: boolean;
  /** e8m0: unsigned, no zero. */
  unsignedNoZero: boolean;
  /** e8m0: result for zero and negative inputs (NaN, or the smallest value when saturating). */
  nonPositiveBits: number;
}

export function pow2Bits(exponent: number): number {
  if (exponent >= -126) return ((exponent + 127) << 23) >>> 0;
  if (exponent >= -149) return 1 << (exponent + 149);
  return 0;
}

export function makeFloatPlan(spec: FloatSpec): FloatPlan {
  const range = floatRange(spec);
  const maxBits = float32Bits(range.max);
  const minExponent = minNormalExponent(spec);
  const mantissaBits = spec.mantissaBits;
  const overflowValue = spec.overflow === 'nan' ? NAN_BITS : INFINITY_BITS;
  const overflowFor = (sign: number) =>
    Int32Array.from([0, 1, 2, 3, 4, 5], (mode) => {
      // IEEE 754: rounding toward zero (and round-to-odd, which truncates) stops at max.
      const staysFinite = spec.overflow === 'saturate' || mode === MagnitudeMode.Down || mode === MagnitudeMode.Odd;
      return (staysFinite ? maxBits : overflowValue) | sign;
    });
  const infinityFor = (sign: number) => {
    if (spec.overflow === 'infinity') return INFINITY_BITS | sign;
    if (spec.overflow === 'nan') return NAN_BITS;
    return maxBits | sign;
  };
  const unsignedNoZero = spec.specials === 'e8m0';
  const fastLowBits = Math.max(pow2Bits(minExponent), 0x00800000);
  const lowQuantumExponent = spec.subnormals ? minExponent - mantissaBits : minExponent;
  return {
    spec,
    mantissaBits,
    minExponent,
    lowQuantumExponent,
    fastLowBits,
    fastShift: 23 - mantissaBits,
    // d <= 23 where the exponent is at least lowQuantumExponent (d = lowQuantumExponent - exponent + 23).
    subnormalLowBits: Math.min(fastLowBits, Math.max(pow2Bits(lowQuantumExponent), 0x00800000)),
    subnormalShiftBase: lowQuantumExponent + 150,
    maxBits,
    max: range.max,
    nearestEvenAddends: nearestEvenAddends(minExponent, mantissaBits, lowQuantumExponent),
    overflowBits: [overflowFor(0), overflowFor(SIGN_BIT)],
    infinityBits: [infinityFor(0), infinityFor(SIGN_BIT)],
    signedZero: spec.specials !== 'fnuz',
    unsignedNoZero,
    nonPositiveBits: nonPositive(spec),
  };
}

/**
 * For x in binade e (|x| in [2^e, 2^(e+1))) the target's spacing is 2^q with q = e - mantissaBits
 * from the smallest normal exponent up, and q = lowQuantumExponent below it. With C = 2^(q + 52),
 * |x| + C lies in [C, 2C) (|x| < 2^(e+1) <= C as mantissaBits <= 23), where float64 values are
 * exactly the multiples of 2^q: the addition rounds |x| to nearest-even on the target's grid, and
 * subtracting C again is exact. Field 0 (zero and float32 subnormals, all below 2^-126) has one
 * spacing only if the target has no normal values there; field 255 (Inf, NaN) gives Inf or NaN.
 */
function nearestEvenAddends(minExponent: number, mantissaBits: number, lowQuantumExponent: number): Float64Array {
  const addends = new Float64Array(512);
  for (let index = 0; index < 512; index++) {
    const field = index & 0xff;
    const exponent = field - 127;
    let q: number;
    if (field === 0) q = minExponent >= -126 ? lowQuantumExponent : NaN;
    else q = exponent >= minExponent ? exponent - mantissaBits : lowQuantumExponent;
    addends[index] = (index & 0x100 ? -1 : 1) * 2 ** (q + 52);
  }
  return addends;
}

function nonPositive(spec: FloatSpec): number {
  return spec.overflow === 'saturate' ? pow2Bits(minNormalExponent(spec)) : NAN_BITS;
}
