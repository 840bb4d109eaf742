/**
 * The float quantize kernel: one exact rounding from float32 into a float format, on bit patterns.
 *
 * A positive float32 magnitude `a` (its bits) is an integer significand times 2^lsbExponent. The
 * target format spaces its values 2^q apart around `a` (q = exponent - mantissaBits, or the fixed
 * subnormal spacing below the smallest normal). Rounding drops the low d = q - lsbExponent bits of
 * the significand; while d <= 23 that is a mask on the bit pattern, and adding 1 << d carries into
 * the exponent field exactly as the next binade requires. A result beyond max is an overflow.
 */
import { bitsAt, streamKey } from '../random.js';
import type { ResolvedOptions } from '../options.js';
import { MagnitudeMode, NAN_BITS, SIGN_BIT, pow2Bits, type FloatPlan } from './plan.js';

const TWO_32 = 4294967296;

const MODE_BY_SIGN: Record<ResolvedOptions['rounding'], [MagnitudeMode, MagnitudeMode]> = {
  'nearest-even': [MagnitudeMode.NearestEven, MagnitudeMode.NearestEven],
  'nearest-away': [MagnitudeMode.NearestAway, MagnitudeMode.NearestAway],
  'toward-zero': [MagnitudeMode.Down, MagnitudeMode.Down],
  'toward-positive': [MagnitudeMode.Up, MagnitudeMode.Down],
  'toward-negative': [MagnitudeMode.Down, MagnitudeMode.Up],
  odd: [MagnitudeMode.Odd, MagnitudeMode.Odd],
  stochastic: [MagnitudeMode.Stochastic, MagnitudeMode.Stochastic],
};

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
      case MagnitudeMode.NearestEven: up = remainder > half || (remainder === half && lsb === 1); break;
      case MagnitudeMode.NearestAway: up = remainder >= half; break;
      case MagnitudeMode.Down: up = false; break;
      case MagnitudeMode.Up: up = true; break;
      case MagnitudeMode.Odd: up = lsb === 0; break;
      default:
        // Round up with probability remainder / 2^d, resolved with `randomBits` bits.
        up = d <= randomBits ? random >>> (randomBits - d) < remainder : random < remainder >>> (d - randomBits);
    }
    return up ? a - remainder + (1 << d) : a - remainder;
  }
  // The whole magnitude is below one spacing 2^q: the result is 0 or 2^q.
  const q = d + (a >= 0x00800000 ? (a >>> 23) - 150 : -149);
  const halfBits = pow2Bits(q - 1);
  let up: boolean;
  switch (mode) {
    case MagnitudeMode.NearestEven: up = a > halfBits; break;
    case MagnitudeMode.NearestAway: up = a >= halfBits; break;
    case MagnitudeMode.Down: up = false; break;
    case MagnitudeMode.Up: up = true; break;
    case MagnitudeMode.Odd: up = true; break;
    default: up = random < Math.floor(significand * 2 ** (randomBits - d));
  }
  return up ? pow2Bits(q) : 0;
}

/** Result bits for input bits `x` under a mode; `random` is used by stochastic rounding only. */
function quantizeBits(plan: FloatPlan, x: number, positiveMode: MagnitudeMode, negativeMode: MagnitudeMode, random: number, randomBits: number): number {
  const sign = x & SIGN_BIT;
  const a = x & 0x7fffffff;
  if (a >= 0x7f800000) {
    if (a > 0x7f800000) return (x | 0x00400000) >>> 0; // NaN in, quiet NaN out
    return plan.infinityBits[sign ? 1 : 0];
  }
  if (a === 0) return plan.signedZero ? x >>> 0 : 0;
  const mode = sign ? negativeMode : positiveMode;
  const d = a >= plan.fastLowBits ? plan.fastShift : shiftFor(plan, a);
  const rounded = d > 0 ? roundMagnitude(a, d, mode, random, randomBits) : a;
  if (rounded > plan.maxBits) return plan.overflowBits[sign ? 1 : 0][mode];
  if (rounded === 0) return plan.signedZero ? sign >>> 0 : 0;
  return (rounded | sign) >>> 0;
}

/** Quantizes float32 bit patterns `input` into `output` (may alias). */
export function quantizeFloatBits(plan: FloatPlan, input: Uint32Array, output: Uint32Array, options: ResolvedOptions): void {
  const [positiveMode, negativeMode] = MODE_BY_SIGN[options.rounding];
  if (plan.unsignedNoZero) {
    quantizeE8M0(plan, input, output, positiveMode);
    return;
  }
  if (positiveMode === MagnitudeMode.NearestEven) {
    quantizeNearestEven(plan, input, output);
    return;
  }
  if (positiveMode !== MagnitudeMode.Stochastic) {
    for (let i = 0; i < input.length; i++) output[i] = quantizeBits(plan, input[i], positiveMode, negativeMode, 0, 32);
    return;
  }
  const { seed, offset, randomBits } = options;
  const dropBits = 32 - randomBits;
  // Counters offset + i; the key changes only where the counter crosses a multiple of 2^32.
  let i = 0;
  while (i < input.length) {
    const counter = offset + i;
    const high = Math.floor(counter / TWO_32);
    const low = counter - high * TWO_32;
    const end = i + Math.min(input.length - i, TWO_32 - low);
    const { first, second } = streamKey(seed, high);
    for (let j = i; j < end; j++) {
      const random = bitsAt(first, second, (low + j - i) >>> 0) >>> dropBits;
      output[j] = quantizeBits(plan, input[j], MagnitudeMode.Stochastic, MagnitudeMode.Stochastic, random, randomBits);
    }
    i = end;
  }
}

/**
 * Round-to-nearest-even with the common case inlined: a magnitude that is normal both in float32 and
 * in the target rounds with the classic bias trick (add half - 1 plus the kept lsb, then mask).
 */
function quantizeNearestEven(plan: FloatPlan, input: Uint32Array, output: Uint32Array): void {
  const { fastLowBits, fastShift, maxBits } = plan;
  if (fastShift === 0) {
    for (let i = 0; i < input.length; i++) output[i] = quantizeBits(plan, input[i], 0, 0, 0, 32);
    return;
  }
  const mask = ~((1 << fastShift) - 1);
  const halfMinusOne = (1 << (fastShift - 1)) - 1;
  // With no mantissa bits the kept significand is the implicit 1: ties always round up.
  const lsbShift = fastShift === 23 ? 31 : fastShift;
  const lsbOr = fastShift === 23 ? 1 : 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const a = x & 0x7fffffff;
    if (a >= fastLowBits && a < 0x7f800000) {
      const rounded = (a + halfMinusOne + (((a >>> lsbShift) & 1) | lsbOr)) & mask;
      if (rounded <= maxBits) {
        output[i] = (rounded | (x & SIGN_BIT)) >>> 0;
        continue;
      }
    }
    output[i] = quantizeBits(plan, x, 0, 0, 0, 32);
  }
}

/**
 * E8M0 (ml_dtypes float8_e8m0fnu, the MX scale): unsigned powers of two 2^-127..2^127, no zero.
 * Follows ml_dtypes exactly: zero and negative inputs give NaN (2^-127 when saturating), ±Inf and
 * NaN give NaN, magnitudes below 2^-127 give 2^-127, and under nearest rounding every float32
 * subnormal above 2^-127 gives 2^-126 (ml_dtypes' rounding of subnormal inputs).
 */
function quantizeE8M0(plan: FloatPlan, input: Uint32Array, output: Uint32Array, mode: MagnitudeMode): void {
  const smallest = pow2Bits(plan.minExponent);
  const nearest = mode === MagnitudeMode.NearestEven || mode === MagnitudeMode.NearestAway;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    if ((x & 0x7fffffff) >= 0x7f800000) {
      output[i] = NAN_BITS; // NaN and ±Inf, saturating or not
      continue;
    }
    if (x === 0 || x >= SIGN_BIT) {
      output[i] = plan.nonPositiveBits;
      continue;
    }
    if (x < smallest) {
      output[i] = smallest;
      continue;
    }
    if (nearest && x < 0x00800000) {
      output[i] = x === smallest ? smallest : 0x00800000;
      continue;
    }
    const rounded = roundMagnitude(x, shiftFor(plan, x), mode, 0, 32);
    output[i] = rounded > plan.maxBits ? plan.overflowBits[0][mode] : rounded;
  }
}
