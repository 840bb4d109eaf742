/**
 * The fixed point quantize kernel: value = overflow(round(x · 2^F)) · 2^-F, one exact rounding.
 *
 * Exactness: x is a float32 and 2^F a power of two, so y = x · 2^F is exact in float64 (no
 * overflow or underflow for the validated F), and so is every rounding function below. Once
 * |y| >= 2^23, y is already an integer (a float32 significand has 24 bits). The result n · 2^-F is
 * exact in float64 and, by the spec checks, exactly a float32, so storing it rounds nothing.
 *
 * Saturation clamps y to [low, high] before rounding: the limits are integers and every rounding
 * mode is monotone and leaves integers alone, so this equals clamping the rounded integer, and it
 * keeps |y| small (no special case for ±Inf or huge inputs). Wrapping rounds first, then keeps the
 * low wordBits bits via 32-bit shifts (ToInt32 is exact modulo 2^32 for any finite integer).
 *
 * Saturating results are `n · step + 0`: adding +0 turns the -0 of negative inputs that round to
 * zero (and of the input -0) into +0, since a two's complement integer has no -0; the integer
 * shifts of the wrapping path never make a -0.
 *
 * Every loop reads element i (value and bits) before it writes output[i], so `out` may be the
 * input array itself.
 *
 * NaN in gives NaN out (NaN propagates through every expression below, or is handled explicitly).
 */
import type { ResolvedOptions } from '../options.js';
import { forEachRandomRun, mix32 } from '../random.js';
import type { Rounding } from '../types.js';

/** Adding and subtracting 1.5 · 2^52 rounds |y| < 2^51 to an integer, ties to even (float64 RNE). */
const ROUND_EVEN_MAGIC = 6755399441055744;
/** From here on a float32 times a power of two is an integer. */
const INTEGER_THRESHOLD = 2 ** 23;
/**
 * Module-local copy of an imported function the loops call: the loaders that run tests and
 * benchmarks (vitest, tsx) turn each use of an imported binding into a getter call. The random
 * word of a counter is mix(mix(counterLow ^ first) ^ second), i.e. bitsAt in src/random.ts.
 */
const mix = mix32;

export interface FixedPointPlan {
  /** 2^fractionBits. */
  scale: number;
  /** 2^-fractionBits. */
  step: number;
  /** Smallest and largest integer of the word. */
  low: number;
  high: number;
  wrap: boolean;
  signed: boolean;
  /** 32 - wordBits: shifting left then right by this keeps the low wordBits bits. */
  wrapShift: number;
}

export function quantizeFixedPoint(plan: FixedPointPlan, input: Float32Array, output: Float32Array, options: ResolvedOptions): void {
  if (plan.wrap) quantizeWrapping(plan, input, output, options);
  else quantizeSaturating(plan, input, output, options);
}

/** One tight loop per mode: this is the hot path of fake quantization in training. */
function quantizeSaturating(plan: FixedPointPlan, input: Float32Array, output: Float32Array, options: ResolvedOptions): void {
  const { scale, step, low, high } = plan;
  const length = input.length;
  const inputBits = new Uint32Array(input.buffer, input.byteOffset, length);
  switch (options.rounding) {
    case 'nearest-even':
      for (let i = 0; i < length; i++) {
        const y = Math.min(Math.max(input[i] * scale, low), high);
        output[i] = (y + ROUND_EVEN_MAGIC - ROUND_EVEN_MAGIC) * step + 0;
      }
      return;
    case 'nearest-away':
      for (let i = 0; i < length; i++) {
        const y = Math.min(Math.max(input[i] * scale, low), high);
        // floor(|y| + 0.5) is exact for |y| <= 2^24 (and faster than Math.round in V8).
        output[i] = signOf(inputBits[i]) * Math.floor(Math.abs(y) + 0.5) * step + 0;
      }
      return;
    case 'toward-zero':
      for (let i = 0; i < length; i++) output[i] = Math.trunc(Math.min(Math.max(input[i] * scale, low), high)) * step + 0;
      return;
    case 'toward-positive':
      for (let i = 0; i < length; i++) output[i] = Math.ceil(Math.min(Math.max(input[i] * scale, low), high)) * step + 0;
      return;
    case 'toward-negative':
      for (let i = 0; i < length; i++) output[i] = Math.floor(Math.min(Math.max(input[i] * scale, low), high)) * step + 0;
      return;
    case 'odd':
      for (let i = 0; i < length; i++) {
        const y = Math.min(Math.max(input[i] * scale, low), high);
        const floor = Math.floor(y);
        // Of the two neighbours floor and floor + 1, the odd one: floor | 1 (two's complement).
        output[i] = (y > floor ? floor | 1 : floor) * step + 0;
      }
      return;
    case 'stochastic': {
      const { seed, offset, randomBits } = options;
      forEachRandomRun(seed, offset, length, (start, end, first, second, counterLow) => {
        // The low counter word only enters the hash through xor: int32 wrap-around is what we want.
        stochasticSaturatingRun(plan, input, inputBits, output, { start, end, first, second, counterBase: (counterLow - start) | 0, randomBits });
      });
      return;
    }
  }
}

interface RandomRun {
  start: number;
  end: number;
  first: number;
  second: number;
  /** Element j has the low counter word (counterBase + j) mod 2^32. */
  counterBase: number;
  randomBits: number;
}

/**
 * Saturating stochastic rounding of elements [start, end). A top-level function with everything
 * in locals: V8 runs this loop markedly faster than the same loop inside the run callback (which
 * would read captured variables from its context on every element). The sign and the rounding are
 * written out (see signOf and roundMagnitudeStochastic) for the same reason.
 */
function stochasticSaturatingRun(plan: FixedPointPlan, input: Float32Array, inputBits: Uint32Array, output: Float32Array, run: RandomRun): void {
  const { scale, step, low, high } = plan;
  const { start, end, first, second, counterBase, randomBits } = run;
  const dropBits = 32 - randomBits;
  const randomScale = 2 ** randomBits;
  for (let j = start; j < end; j++) {
    const random = mix(mix(((counterBase + j) | 0) ^ first) ^ second) >>> dropBits;
    const magnitude = Math.abs(Math.min(Math.max(input[j] * scale, low), high));
    const floor = Math.floor(magnitude);
    const rounded = floor + +(random + 1 <= (magnitude - floor) * randomScale);
    output[j] = (1 - ((inputBits[j] >>> 31) << 1)) * rounded * step + 0;
  }
}

/**
 * ±1 from the sign bit of a float32, without a branch: a branch on the sign of real data is
 * mispredicted half the time and costs more than the whole rounding. Clamping never flips a sign
 * (it may only turn a value into 0, where the sign does not matter after the final + 0).
 */
function signOf(bits: number): number {
  return 1 - ((bits >>> 31) << 1);
}

/**
 * Stochastic rounding with the float kernel's definition: the magnitude rounds away from zero iff
 * random < floor(fraction · 2^randomBits), `random` holding randomBits random bits; that is with
 * probability fraction, up to the resolution 2^-randomBits. fraction · 2^randomBits is exact.
 * For an integer random that test is random + 1 <= fraction · 2^randomBits, which V8 runs about
 * twice as fast (no Math.floor); the comparison is added as a number so it compiles to no branch.
 */
function roundMagnitudeStochastic(magnitude: number, random: number, randomScale: number): number {
  const floor = Math.floor(magnitude);
  return floor + +(random + 1 <= (magnitude - floor) * randomScale);
}

/** y rounded to an integer (any finite y, or NaN); `random` is read by stochastic rounding only. */
function roundToInteger(y: number, rounding: Rounding, random: number, randomScale: number): number {
  if (!(Math.abs(y) < INTEGER_THRESHOLD)) return y; // already an integer, or NaN
  switch (rounding) {
    case 'nearest-even': return y + ROUND_EVEN_MAGIC - ROUND_EVEN_MAGIC;
    case 'nearest-away': return y < 0 ? -Math.floor(0.5 - y) : Math.floor(y + 0.5);
    case 'toward-zero': return Math.trunc(y);
    case 'toward-positive': return Math.ceil(y);
    case 'toward-negative': return Math.floor(y);
    case 'odd': {
      const floor = Math.floor(y);
      return y > floor ? floor | 1 : floor;
    }
    default: return (y < 0 ? -1 : 1) * roundMagnitudeStochastic(Math.abs(y), random, randomScale);
  }
}

/**
 * Wrap-around overflow: the rounded integer modulo 2^wordBits, as in integer hardware. ±Inf has
 * no low bits to keep; it saturates (documented), NaN stays NaN. Slower than the saturating loops
 * (one switch per element) since wrapping is rarely used in training.
 */
function quantizeWrapping(plan: FixedPointPlan, input: Float32Array, output: Float32Array, options: ResolvedOptions): void {
  const { scale, step, low, high, signed, wrapShift } = plan;
  const { rounding, randomBits } = options;
  const randomScale = 2 ** randomBits;
  const convert = (i: number, random: number): number => {
    const y = input[i] * scale;
    if (y === Infinity) return high * step;
    if (y === -Infinity) return low * step;
    const rounded = roundToInteger(y, rounding, random, randomScale);
    if (rounded !== rounded) return NaN;
    const shifted = rounded << wrapShift;
    return (signed ? shifted >> wrapShift : shifted >>> wrapShift) * step;
  };
  if (rounding !== 'stochastic') {
    for (let i = 0; i < input.length; i++) output[i] = convert(i, 0);
    return;
  }
  const dropBits = 32 - randomBits;
  forEachRandomRun(options.seed, options.offset, input.length, (start, end, first, second, counterLow) => {
    const counterBase = (counterLow - start) | 0;
    for (let j = start; j < end; j++) output[j] = convert(j, mix(mix(((counterBase + j) | 0) ^ first) ^ second) >>> dropBits);
  });
}
