/**
 * Stochastic rounding, in blocks of 2048 elements (nearest-even has its own loop, nearest.ts):
 * a branch-free pass rounds every element as if it were in the fast range and appends the index of
 * each one that is not, then a second pass redoes those with the per-element functions.
 *
 * Fast range: magnitudes `a` normal both in float32 and in the target and not above max
 * (fastLowBits <= a <= maxBits). There the number of dropped bits is the constant fastShift (>= 1),
 * so rounding is "add something, mask the low bits", and a carry out of the mantissa moves into the
 * exponent field exactly as the next binade requires (a result never passes max, which is on the
 * grid). The same arithmetic keeps ±0, so zeros (half of a ReLU output) are fast too, except in
 * fnuz formats, which have no -0 (zeroSlow = -1 sends their zeros to the second pass). Everything
 * else (typically a few percent: target subnormals) goes to the general path of round.ts, with
 * target subnormals handled inline first.
 *
 * Why blocks: a per-element branch mispredicted on such data, and V8 inlined the slow path into the
 * loop; the two passes ran up to 2x faster (scripts/bench-quantize.ts). The first pass touches as
 * few typed arrays as possible (every access pays a detach check once any ArrayBuffer in the
 * process has been transferred, as test runners do): it records only indices, unless the output
 * overwrites the input, when it also keeps the input bits of the slow elements (~8 % slower).
 */
import { forEachRandomRun, mix32 } from '../random.js';
import type { ResolvedOptions } from '../options.js';
import { MagnitudeMode, type FloatPlan } from './plan.js';
import { quantizeBits } from './round.js';

// Module-local copies of imported values (test loaders turn imported bindings into getter calls).
const STOCHASTIC = MagnitudeMode.Stochastic;
const mix = mix32;
const roundGeneral = quantizeBits;

const BLOCK = 2048;
const slowIndex = new Int32Array(BLOCK);
/** The input bits of each slow element, kept only when `output` is `input`. */
const slowValue = new Int32Array(BLOCK);

/**
 * Stochastic rounding. Element i uses the random word of counter offset + i (random.ts). In the
 * fast range the comparison of roundMagnitude (the top randomBits random bits against the
 * remainder truncated to randomBits bits) needs no branch: both sides are shifted once (below
 * 2^31), and the sign of their difference is the carry.
 */
export function quantizeStochastic(plan: FloatPlan, input: Int32Array, output: Int32Array, options: ResolvedOptions, aliased: boolean): void {
  const { seed, offset, randomBits } = options;
  const { fastLowBits, fastShift, maxBits } = plan;
  const compared = Math.min(fastShift, randomBits);
  // fastShift 0 (mantissaBits 23) keeps every bit: a shift by 32 would be a shift by 0 in JS, so
  // shift by 31 instead; 0 or 1 never beats the remainder 0.
  const randomShift = Math.min(32 - compared, 31);
  const remainderShift = fastShift - compared;
  const lowMask = (1 << fastShift) - 1;
  const zeroSlow = plan.signedZero ? 0 : -1;
  forEachRandomRun(seed, offset, input.length, (runStart, runEnd, first, second, low) => {
    // The low counter word only enters the hash through xor: int32 wrap-around is what we want.
    stochasticRun(plan, input, output, runStart, runEnd, (low - runStart) | 0, first, second, fastLowBits, maxBits, zeroSlow, fastShift, lowMask,
      randomShift, remainderShift, randomBits, aliased);
  });
}

/** One run of counters that share a stream key (see the drivers' comment above). */
function stochasticRun(plan: FloatPlan, input: Int32Array, output: Int32Array, runStart: number, runEnd: number, counterBase: number, first: number,
  second: number, fastLowBits: number, maxBits: number, zeroSlow: number, fastShift: number, lowMask: number, randomShift: number,
  remainderShift: number, randomBits: number, aliased: boolean): void {
  for (let start = runStart; start < runEnd; start += BLOCK) {
    const end = Math.min(start + BLOCK, runEnd);
    const count = aliased
      ? stochasticKeepingInputs(input, output, start, end, counterBase, first, second, fastLowBits, maxBits, zeroSlow, fastShift, lowMask, randomShift, remainderShift, slowIndex, slowValue)
      : stochasticBlock(input, output, start, end, counterBase, first, second, fastLowBits, maxBits, zeroSlow, fastShift, lowMask, randomShift, remainderShift, slowIndex);
    for (let k = 0; k < count; k++) {
      const i = slowIndex[k];
      const bits = mix(mix(((counterBase + i) | 0) ^ first) ^ second);
      output[i] = stochasticOutside(plan, aliased ? slowValue[k] : input[i], bits, randomBits);
    }
  }
}

/** The fast pass of stochastic rounding. Returns the slow count. */
function stochasticBlock(input: Int32Array, output: Int32Array, start: number, end: number, counterBase: number, first: number, second: number,
  fastLowBits: number, maxBits: number, zeroSlow: number, fastShift: number, lowMask: number, randomShift: number, remainderShift: number,
  slowIndex: Int32Array): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const bits = mix(mix(((counterBase + i) | 0) ^ first) ^ second);
    const x = input[i];
    const a = x & 0x7fffffff;
    const up = ((bits >>> randomShift) - ((a & lowMask) >>> remainderShift)) >>> 31;
    output[i] = ((a & ~lowMask) + (up << fastShift)) | (x ^ a);
    slowIndex[count] = i;
    count += (((a - fastLowBits) | (maxBits - a)) & (zeroSlow | -a)) >>> 31;
  }
  return count;
}

/** stochasticBlock for output === input: also keeps the input bits of the slow elements. */
function stochasticKeepingInputs(input: Int32Array, output: Int32Array, start: number, end: number, counterBase: number, first: number, second: number,
  fastLowBits: number, maxBits: number, zeroSlow: number, fastShift: number, lowMask: number, randomShift: number, remainderShift: number,
  slowIndex: Int32Array, slowValue: Int32Array): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const bits = mix(mix(((counterBase + i) | 0) ^ first) ^ second);
    const x = input[i];
    const a = x & 0x7fffffff;
    const up = ((bits >>> randomShift) - ((a & lowMask) >>> remainderShift)) >>> 31;
    output[i] = ((a & ~lowMask) + (up << fastShift)) | (x ^ a);
    slowIndex[count] = i;
    slowValue[count] = x;
    count += (((a - fastLowBits) | (maxBits - a)) & (zeroSlow | -a)) >>> 31;
  }
  return count;
}

function stochasticOutside(plan: FloatPlan, x: number, bits: number, randomBits: number): number {
  const a = x & 0x7fffffff;
  if (a >= plan.subnormalLowBits && a < plan.fastLowBits) {
    const d = plan.subnormalShiftBase - (a >>> 23);
    const compared = d < randomBits ? d : randomBits;
    const lowMask = (1 << d) - 1;
    const up = ((bits >>> (32 - compared)) - ((a & lowMask) >>> (d - compared))) >>> 31;
    return ((a & ~lowMask) + (up << d)) | (x ^ a);
  }
  return roundGeneral(plan, x, STOCHASTIC, STOCHASTIC, bits >>> (32 - randomBits), randomBits);
}
