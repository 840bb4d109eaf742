/**
 * The float quantize kernel: one exact rounding from float32 into a float format, on bit patterns
 * (the method is described in round.ts). This file picks the loop for a rounding mode.
 */
import type { ResolvedOptions } from '../options.js';
import { quantizeStochastic } from './blocks.js';
import { quantizeNearestEven } from './nearest.js';
import { MagnitudeMode, NAN_BITS, pow2Bits, type FloatPlan } from './plan.js';
import { quantizeBits, roundMagnitude, shiftFor } from './round.js';

// Module-local copies of imported values (test loaders turn imported bindings into getter calls,
// which cost more than the rounding itself in a loop).
const NEAREST_EVEN = MagnitudeMode.NearestEven;
const NEAREST_AWAY = MagnitudeMode.NearestAway;
const UP = MagnitudeMode.Up;
const ODD = MagnitudeMode.Odd;
const STOCHASTIC = MagnitudeMode.Stochastic;
const NAN = NAN_BITS;
const powerOfTwoBits = pow2Bits;
const roundGeneral = quantizeBits;
const roundMagnitudeBits = roundMagnitude;
const shiftOf = shiftFor;

const MODE_BY_SIGN: Record<ResolvedOptions['rounding'], [MagnitudeMode, MagnitudeMode]> = {
  'nearest-even': [MagnitudeMode.NearestEven, MagnitudeMode.NearestEven],
  'nearest-away': [MagnitudeMode.NearestAway, MagnitudeMode.NearestAway],
  'toward-zero': [MagnitudeMode.Down, MagnitudeMode.Down],
  'toward-positive': [MagnitudeMode.Up, MagnitudeMode.Down],
  'toward-negative': [MagnitudeMode.Down, MagnitudeMode.Up],
  odd: [MagnitudeMode.Odd, MagnitudeMode.Odd],
  stochastic: [MagnitudeMode.Stochastic, MagnitudeMode.Stochastic],
};

/**
 * Quantizes float32 `values` into `out` (may be `values`). Nearest-even runs in nearest.ts on the
 * float values, stochastic rounding in blocks.ts; the other modes work on Int32 views of the bits
 * (V8 loads a Uint32Array element above 2^31 as a double, and the int32 loop ran ~25 % faster) in
 * the loops below, whose fast range is fastLowBits <= |x| <= max: constant shift, result on the
 * grid and not above max.
 *
 * The loops get every constant as a parameter and compute nothing before looping. On a long array
 * V8 first runs a loop function before it has allocated its type feedback, optimises it in the
 * middle of the loop, and later deoptimised the whole-function version on the first operation that
 * had run without feedback (measured 2x slower until re-optimised).
 */
export function quantizeFloat(plan: FloatPlan, values: Float32Array, out: Float32Array, options: ResolvedOptions): void {
  const input = new Int32Array(values.buffer, values.byteOffset, values.length);
  const output = new Int32Array(out.buffer, out.byteOffset, out.length);
  const [positiveMode, negativeMode] = MODE_BY_SIGN[options.rounding];
  const { fastLowBits, fastShift, maxBits } = plan;
  const lowMask = (1 << fastShift) - 1;
  // Writing `output` may overwrite elements of `input` not yet read (then the blocks keep them).
  const aliased = input.buffer === output.buffer;
  if (plan.unsignedNoZero) {
    quantizeE8M0(plan, input, output, positiveMode);
  } else if (positiveMode === STOCHASTIC) {
    quantizeStochastic(plan, input, output, options, aliased);
  } else if (positiveMode === NEAREST_EVEN) {
    quantizeNearestEven(plan, values, input, out, output, plan.nearestEvenAddends, plan.max, plan.signedZero ? -0 : 0);
  } else if (fastShift === 0) {
    // Target as wide as float32 (mantissaBits 23): nothing to drop in the normal range.
    for (let i = 0; i < input.length; i++) output[i] = roundGeneral(plan, input[i], positiveMode, negativeMode, 0, 32);
  } else if (positiveMode === ODD) {
    // With no mantissa bits the kept significand is the implicit 1, already odd: truncate.
    oddLoop(plan, input, output, fastLowBits, maxBits, lowMask, fastShift === 23 ? 0 : 1 << fastShift);
  } else {
    const addendFor = (mode: MagnitudeMode) => (mode === NEAREST_AWAY ? 1 << (fastShift - 1) : mode === UP ? lowMask : 0);
    addendLoop(plan, input, output, fastLowBits, maxBits, ~lowMask, addendFor(positiveMode), addendFor(negativeMode), positiveMode, negativeMode);
  }
}

/** Nearest-away and the directed modes: add a constant per sign (half, 0 or 2^d - 1), then mask. */
function addendLoop(plan: FloatPlan, input: Int32Array, output: Int32Array, fastLowBits: number, maxBits: number, mask: number, positiveAddend: number, negativeAddend: number, positiveMode: MagnitudeMode, negativeMode: MagnitudeMode): void {
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const a = x & 0x7fffffff;
    output[i] = a >= fastLowBits && a <= maxBits ? ((a + (x === a ? positiveAddend : negativeAddend)) & mask) | (x ^ a) : roundGeneral(plan, x, positiveMode, negativeMode, 0, 32);
  }
}

/** Round-to-odd: an inexact magnitude keeps its truncation with the lowest kept bit set. */
function oddLoop(plan: FloatPlan, input: Int32Array, output: Int32Array, fastLowBits: number, maxBits: number, lowMask: number, oddBit: number): void {
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const a = x & 0x7fffffff;
    output[i] = a >= fastLowBits && a <= maxBits ? (a & ~lowMask) | ((a & lowMask) === 0 ? 0 : oddBit) | (x ^ a) : roundGeneral(plan, x, ODD, ODD, 0, 32);
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
    const rounded = roundMagnitudeBits(x, shiftOf(plan, x), mode, 0, 32);
    output[i] = rounded > plan.maxBits ? plan.overflowBits[0][mode] : rounded;
  }
}
