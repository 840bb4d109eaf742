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
    overflowBits: [overflowFor(0), overflowFor(SIGN_BIT)],
    infinityBits: [infinityFor(0), infinityFor(SIGN_BIT)],
    signedZero: spec.specials !== 'fnuz',
    unsignedNoZero,
    nonPositiveBits: nonPositive(spec),
  };
}

function nonPositive(spec: FloatSpec): number {
  return spec.overflow === 'saturate' ? pow2Bits(minNormalExponent(spec)) : NAN_BITS;
}
