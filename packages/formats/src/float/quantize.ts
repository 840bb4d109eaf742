/**
 * The float quantize kernel: one exact rounding from float32 into a float format, on bit patterns.
 *
 * A positive float32 magnitude `a` (its bits) is an integer significand times 2^lsbExponent. The
 * target format spaces its values 2^q apart around `a` (q = exponent - mantissaBits, or the fixed
 * subnormal spacing below the smallest normal). Rounding drops the low d = q - lsbExponent bits of
 * the significand; while d <= 23 that is a mask on the bit pattern, and adding 1 << d carries into
 * the exponent field exactly as the next binade requires. A result beyond max is an overflow.
 */
import { forEachRandomRun, mix32 } from '../random.js';
import type { ResolvedOptions } from '../options.js';
import { MagnitudeMode, NAN_BITS, SIGN_BIT, pow2Bits, type FloatPlan } from './plan.js';

// Module-local copies of imported values that the loops read. The loaders that run tests and
// benchmarks (vitest, tsx) turn every imported binding into a getter call on each use, which cost
// more than the rounding itself (profiled: nearest-even ran 6x slower, stochastic 50x).
const NEAREST_EVEN = MagnitudeMode.NearestEven;
const NEAREST_AWAY = MagnitudeMode.NearestAway;
const DOWN = MagnitudeMode.Down;
const UP = MagnitudeMode.Up;
const ODD = MagnitudeMode.Odd;
const STOCHASTIC = MagnitudeMode.Stochastic;
const NAN = NAN_BITS;
const SIGN = SIGN_BIT;
const mix = mix32;
const powerOfTwoBits = pow2Bits;

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
function quantizeBits(plan: FloatPlan, x: number, positiveMode: MagnitudeMode, negativeMode: MagnitudeMode, random: number, randomBits: number): number {
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

/**
 * Quantizes float32 bit patterns `input` into `output` (may alias). Int32 views: V8 loads a Uint32Array
 * element above 2^31 as a double, and the int32 loop ran ~25 % faster.
 */
export function quantizeFloatBits(plan: FloatPlan, input: Int32Array, output: Int32Array, options: ResolvedOptions): void {
  const [positiveMode, negativeMode] = MODE_BY_SIGN[options.rounding];
  if (plan.unsignedNoZero) {
    quantizeE8M0(plan, input, output, positiveMode);
  } else if (positiveMode === STOCHASTIC) {
    quantizeStochastic(plan, input, output, options);
  } else if (plan.fastShift === 0) {
    // Target as wide as float32 (mantissaBits 23): nothing to drop in the normal range.
    for (let i = 0; i < input.length; i++) output[i] = quantizeBits(plan, input[i], positiveMode, negativeMode, 0, 32);
  } else if (positiveMode === NEAREST_EVEN) {
    quantizeNearestEven(plan, input, output);
  } else if (positiveMode === ODD) {
    quantizeOdd(plan, input, output);
  } else {
    quantizeByAddend(plan, input, output, positiveMode, negativeMode);
  }
}

/*
 * The fast loops below handle a magnitude `a` that is normal both in float32 and in the target
 * (a >= fastLowBits): there the number of dropped bits is the constant fastShift (>= 1), so rounding
 * is "add something, mask the low bits", and a carry out of the mantissa moves into the exponent
 * field exactly as the next binade requires. Nearest-even and stochastic rounding, the modes used
 * in training, also inline the target-subnormal range (a few percent of typical data, and a call
 * there cost a third of the loop's time). Anything else (zero, tiny values, overflow, Inf, NaN)
 * takes the general per-element path, which gives the same result for every input.
 */

/** Round-to-nearest-even: add half - 1 plus the kept lsb, then mask. */
function quantizeNearestEven(plan: FloatPlan, input: Int32Array, output: Int32Array): void {
  const { fastLowBits, fastShift, maxBits, subnormalLowBits, subnormalShiftBase } = plan;
  const mask = -1 << fastShift;
  // With no mantissa bits the kept significand is the implicit 1 (odd): ties always round up.
  const lsbAnd = fastShift === 23 ? 0 : 1;
  const addend = (1 << (fastShift - 1)) - lsbAnd;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const a = x & 0x7fffffff;
    const rounded = (a + addend + ((a >>> fastShift) & lsbAnd)) & mask;
    if (a >= fastLowBits && rounded <= maxBits) {
      output[i] = rounded | (x ^ a);
    } else if (a >= subnormalLowBits && a < fastLowBits) {
      // Target subnormal: d varies; the lsb test ORs in the implicit bit, the lsb when d = 23.
      const d = subnormalShiftBase - (a >>> 23);
      output[i] = ((a + (1 << (d - 1)) - 1 + (((a | 0x00800000) >>> d) & 1)) & (-1 << d)) | (x ^ a);
    } else {
      output[i] = quantizeBits(plan, x, NEAREST_EVEN, NEAREST_EVEN, 0, 32);
    }
  }
}

/** Nearest-away and the directed modes: add a constant per sign (half, 0 or 2^d - 1), then mask. */
function quantizeByAddend(plan: FloatPlan, input: Int32Array, output: Int32Array, positiveMode: MagnitudeMode, negativeMode: MagnitudeMode): void {
  const { fastLowBits, fastShift, maxBits } = plan;
  const mask = -1 << fastShift;
  const addendFor = (mode: MagnitudeMode) => (mode === NEAREST_AWAY ? 1 << (fastShift - 1) : mode === UP ? ~mask : 0);
  const positiveAddend = addendFor(positiveMode);
  const negativeAddend = addendFor(negativeMode);
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const a = x & 0x7fffffff;
    const rounded = (a + (x === a ? positiveAddend : negativeAddend)) & mask;
    output[i] = a >= fastLowBits && rounded <= maxBits ? rounded | (x ^ a) : quantizeBits(plan, x, positiveMode, negativeMode, 0, 32);
  }
}

/** Round-to-odd: an inexact magnitude keeps its truncation with the lowest kept bit set. */
function quantizeOdd(plan: FloatPlan, input: Int32Array, output: Int32Array): void {
  const { fastLowBits, fastShift, maxBits } = plan;
  const lowMask = (1 << fastShift) - 1;
  // With no mantissa bits the kept significand is the implicit 1, already odd: truncate.
  const oddBit = fastShift === 23 ? 0 : 1 << fastShift;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const a = x & 0x7fffffff;
    const rounded = (a & ~lowMask) | ((a & lowMask) === 0 ? 0 : oddBit);
    output[i] = a >= fastLowBits && rounded <= maxBits ? rounded | (x ^ a) : quantizeBits(plan, x, ODD, ODD, 0, 32);
  }
}

/** Stochastic rounding. Element i uses the random word of counter offset + i (random.ts). */
function quantizeStochastic(plan: FloatPlan, input: Int32Array, output: Int32Array, options: ResolvedOptions): void {
  const { seed, offset, randomBits } = options;
  forEachRandomRun(seed, offset, input.length, (start, end, first, second, low) => {
    // The low counter word only enters the hash through xor: int32 wrap-around is what we want.
    stochasticRun(plan, input, output, start, end, (low - start) | 0, first, second, randomBits);
  });
}

/**
 * One run of elements that share a stream key, in a plain function rather than the closure above:
 * V8 optimises a loop over parameters better than one over captured variables (~2x here). In the fast
 * range the comparison of roundMagnitude (the top randomBits random bits against the remainder
 * truncated to randomBits bits) needs no branch: both sides are shifted once, and the sign of
 * their difference is the carry.
 */
function stochasticRun(plan: FloatPlan, input: Int32Array, output: Int32Array, start: number, end: number, counterBase: number, first: number, second: number, randomBits: number): void {
  const { fastLowBits, fastShift, maxBits, subnormalLowBits, subnormalShiftBase } = plan;
  const dropBits = 32 - randomBits;
  const compared = Math.min(fastShift, randomBits);
  // fastShift 0 (mantissaBits 23) keeps every bit: shift the random word below 2^31 so it never wins.
  const randomShift = Math.max(32 - compared, 1);
  const remainderShift = fastShift - compared;
  const lowMask = (1 << fastShift) - 1;
  for (let j = start; j < end; j++) {
    const bits = mix(mix(((counterBase + j) | 0) ^ first) ^ second);
    const x = input[j];
    const a = x & 0x7fffffff;
    const up = ((bits >>> randomShift) - ((a & lowMask) >>> remainderShift)) >>> 31;
    const rounded = (a & ~lowMask) + (up << fastShift);
    if (a >= fastLowBits && rounded <= maxBits) {
      output[j] = rounded | (x ^ a);
    } else if (a >= subnormalLowBits && a < fastLowBits) {
      const d = subnormalShiftBase - (a >>> 23);
      const dCompared = d < randomBits ? d : randomBits;
      const dLowMask = (1 << d) - 1;
      const dUp = ((bits >>> (32 - dCompared)) - ((a & dLowMask) >>> (d - dCompared))) >>> 31;
      output[j] = ((a & ~dLowMask) + (dUp << d)) | (x ^ a);
    } else {
      output[j] = quantizeBits(plan, x, STOCHASTIC, STOCHASTIC, bits >>> dropBits, randomBits);
    }
  }
}

/**
 * E8M0 (ml_dtypes float8_e8m0fnu, the MX scale): unsigned powers of two 2^-127..2^127, no zero.
 * Follows ml_dtypes exactly: zero and negative inputs give NaN (2^-127 when saturating), ±Inf and
 * NaN give NaN, magnitudes below 2^-127 give 2^-127, and under nearest rounding every float32
 * subnormal above 2^-127 gives 2^-126 (ml_dtypes' rounding of subnormal inputs).
 */
function quantizeE8M0(plan: FloatPlan, input: Int32Array, output: Int32Array, mode: MagnitudeMode): void {
  const smallest = powerOfTwoBits(plan.minExponent);
  const nearest = mode === NEAREST_EVEN || mode === NEAREST_AWAY;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    if ((x & 0x7fffffff) >= 0x7f800000) {
      output[i] = NAN; // NaN and ±Inf, saturating or not
      continue;
    }
    if (x <= 0) {
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
