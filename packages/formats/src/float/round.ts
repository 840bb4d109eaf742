/**
 * The general per-element rounding of the float kernel: any magnitude, any mode, overflow and
 * special values included. The loops in quantize.ts, nearest.ts and blocks.ts call it for whatever
 * their fast paths do not cover, so it defines the results; they only compute the same bits faster.
 *
 * A positive float32 magnitude `a` (its bits) is an integer significand times 2^lsbExponent. The
 * target format spaces its values 2^q apart around `a` (q = exponent - mantissaBits, or the fixed
 * subnormal spacing below the smallest normal). Rounding drops the low d = q - lsbExponent bits of
 * the significand; while d <= 23 that is a mask on the bit pattern, and adding 1 << d carries into
 * the exponent field exactly as the next binade requires. A result beyond max is an overflow.
 */
import { MagnitudeMode, SIGN_BIT, pow2Bits, type FloatPlan } from './plan.js';

// Module-local copies of imported values. The loaders that run tests and benchmarks (vitest, tsx)
// turn every imported binding into a getter call on each use, which cost more than the rounding
// itself in the loops (profiled: nearest-even ran 6x slower, stochastic 50x).
const NEAREST_EVEN = MagnitudeMode.NearestEven;
const NEAREST_AWAY = MagnitudeMode.NearestAway;
const DOWN = MagnitudeMode.Down;
const UP = MagnitudeMode.Up;
const ODD = MagnitudeMode.Odd;
const SIGN = SIGN_BIT;
const powerOfTwoBits = pow2Bits;

/** Bits to drop from the float32 significand of magnitude `a` (> 0, finite) to land on the grid. */
export function shiftFor(plan: FloatPlan, a: number): number {
  const exponentField = a >>> 23;
  const exponent = exponentField !== 0 ? exponentField - 127 : 31 - Math.clz32(a) - 149;
  const lsbExponent = exponentField !== 0 ? exponent - 23 : -149;
  const q = exponent >= plan.minExponent ? exponent - plan.mantissaBits : plan.lowQuantumExponent;
  return q - lsbExponent;
}

/**
 * Rounds magnitude bits `a` by dropping `d` (>= 1) significand bits. `random` holds `randomBits`
 * random bits (stochastic mode only). May return a value beyond the format's max.
 */
export function roundMagnitude(a: number, d: number, mode: MagnitudeMode, random: number, randomBits: number): number {
  const significand = a >= 0x00800000 ? (a & 0x007fffff) | 0x00800000 : a;
  if (d <= 23) {
    const remainder = significand & ((1 << d) - 1);
    if (remainder === 0) return a;
    const half = 1 << (d - 1);
    const lsb = (significand >>> d) & 1;
    let up: boolean;
    switch (mode) {
      case NEAREST_EVEN: up = remainder > half || (remainder === half && lsb === 1); break;
      case NEAREST_AWAY: up = remainder >= half; break;
      case DOWN: up = false; break;
      case UP: up = true; break;
      case ODD: up = lsb === 0; break;
      default:
        // Round up with probability remainder / 2^d, resolved with `randomBits` bits.
        up = d <= randomBits ? random >>> (randomBits - d) < remainder : random < remainder >>> (d - randomBits);
    }
    return up ? a - remainder + (1 << d) : a - remainder;
  }
  // The whole magnitude is below one spacing 2^q: the result is 0 or 2^q.
  const q = d + (a >= 0x00800000 ? (a >>> 23) - 150 : -149);
  const halfBits = powerOfTwoBits(q - 1);
  let up: boolean;
  switch (mode) {
    case NEAREST_EVEN: up = a > halfBits; break;
    case NEAREST_AWAY: up = a >= halfBits; break;
    case DOWN: up = false; break;
    case UP: up = true; break;
    case ODD: up = true; break;
    default: up = random < Math.floor(significand * 2 ** (randomBits - d));
  }
  return up ? powerOfTwoBits(q) : 0;
}

/**
 * Result bits for input bits `x` under a mode; `random` is used by stochastic rounding only. Bit
 * patterns stay int32 (sign bit = negative number) so V8 never boxes them.
 */
export function quantizeBits(plan: FloatPlan, x: number, positiveMode: MagnitudeMode, negativeMode: MagnitudeMode, random: number, randomBits: number): number {
  const sign = x & SIGN;
  const a = x & 0x7fffffff;
  if (a >= 0x7f800000) {
    if (a > 0x7f800000) return x | 0x00400000; // NaN in, quiet NaN out
    return plan.infinityBits[sign ? 1 : 0];
  }
  if (a === 0) return plan.signedZero ? x : 0;
  const mode = sign ? negativeMode : positiveMode;
  const d = a >= plan.fastLowBits ? plan.fastShift : shiftFor(plan, a);
  const rounded = d > 0 ? roundMagnitude(a, d, mode, random, randomBits) : a;
  if (rounded > plan.maxBits) return plan.overflowBits[sign ? 1 : 0][mode];
  if (rounded === 0) return plan.signedZero ? sign : 0;
  return rounded | sign;
}
