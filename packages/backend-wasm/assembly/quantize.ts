/**
 * Float quantize: one exact rounding of float32 values into a float format, bit-identical to
 * @lowbit/formats (packages/formats/src/float/quantize.ts, whose plan the host recomputes in
 * src/kernels/quantize.ts and writes into the job block).
 *
 * A float32 magnitude `a` (its bits) is an integer significand times 2^lsbExponent; the target
 * spaces its values 2^q apart around it. Rounding drops the low d = q - lsbExponent bits, where
 *   d = fastShift (= 23 - mantissaBits)   when a's exponent field >= minExponent + 127,
 *   d = subnormalShiftBase - field'        below (target subnormals), field' = max(field, 1),
 * and d > 23 means a is below one spacing 2^lowQuantum: the result is 0 or 2^lowQuantum ("tiny").
 * SIMD128 has no per-lane variable shift, so 2^d is built per lane as the float 2^d (exponent
 * field d + 127) converted to an integer; the mask, half and carry follow with plain i32x4 ops.
 * Adding 2^d to the truncated magnitude carries into the exponent field exactly as the next
 * binade requires. Per rounding:
 *   nearest-even   remainder > half, or = half and the kept lsb is 1
 *   nearest-away   remainder >= half
 *   toward zero    never; away (directed modes by sign) remainder != 0
 *   odd            remainder != 0 and the kept lsb is 0
 *   stochastic     (random & topR) <u ((remainder << (32 - d)) & topR): the top R random bits
 *                  against the fraction truncated to R bits (docs/decisions/0004 in the repo).
 * Special lanes (NaN, ±Inf, results beyond max, zeros) are blended in with selects: the loop has
 * no data-dependent branch. This general path serves nearest-away, the directed modes and odd;
 * nearest-even and stochastic rounding have faster paths (quantize-fast.ts). The scalar path
 * (quantize-scalar.ts, a port of formats' quantizeBits) handles the last n % 4 values and formats
 * the SIMD paths do not cover (mantissaBits 23, minExponent < -126).
 *
 * Random bits: element i of a run uses mix32(mix32(counterLow ^ first) ^ second) with
 * counterLow = counterBase + i (mod 2^32), formats' counter-based generator (src/random.ts).
 */
import { claim } from './schedule';
import { nearestEvenMagic, nearestEvenOrStochastic } from './quantize-fast';
import { quantizeE8M0, quantizeScalar } from './quantize-scalar';

export { quantizeScalar };

// Roundings (the SIMD loop is specialised per rounding, i.e. per (positive, negative) mode pair).
export const R_NEAREST_EVEN = 0;
export const R_NEAREST_AWAY = 1;
export const R_TOWARD_ZERO = 2;
export const R_TOWARD_POSITIVE = 3;
export const R_TOWARD_NEGATIVE = 4;
export const R_ODD = 5;
export const R_STOCHASTIC = 6;

// Job layout (i32 words), written by src/kernels/quantize.ts.
export const COUNT = 0;
export const INPUT = 1;
export const OUTPUT = 2;
export const ROUNDING = 3;
export const POSITIVE_MODE = 4;
export const NEGATIVE_MODE = 5;
export const FAST_SHIFT = 6;
export const MIN_FIELD = 7;
const SHIFT_BASE = 8;
export const MAX_BITS = 9;
export const OVERFLOW_POSITIVE = 10;
export const OVERFLOW_NEGATIVE = 11;
export const INFINITY_POSITIVE = 12;
export const INFINITY_NEGATIVE = 13;
export const SIGNED_ZERO = 14;
const LOW_QUANTUM_BITS = 15;
const HALF_LOW_QUANTUM_BITS = 16;
export const RANDOM_BITS = 17;
export const FIRST = 18;
export const SECOND = 19;
export const COUNTER_BASE = 20;
export const SCALAR_ONLY = 21;
export const LOW_QUANTUM = 22;
export const MIN_EXPONENT = 23;
export const MANTISSA_BITS = 24;
export const FAST_LOW_BITS = 25;
/** f32 bits of 2^k1 and 2^k2, k1 + k2 = 32 - lowQuantum: fraction of a tiny magnitude in 0.32 fixed point. */
const TINY_SCALE_1 = 26;
const TINY_SCALE_2 = 27;
export const SUBNORMALS = 28;
/** f32 bits of 2^-lowQuantum and 2^lowQuantum, each split in two factors that stay normal. */
export const DOWN_SCALE_1 = 29;
export const DOWN_SCALE_2 = 30;
export const UP_SCALE_1 = 31;
export const UP_SCALE_2 = 32;
/** 1 when the "magic add" nearest-even path applies (see quantize-fast.ts). */
export const MAGIC = 33;
/** Bits of 2^(maxExponent + 1): magnitudes from here on overflow. */
export const HUGE_BITS = 34;
/** 1 for e8m0 (quantize-scalar.ts quantizeE8M0), and its result for zero and negative inputs. */
export const E8M0 = 35;
export const NON_POSITIVE = 36;

@inline export function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x21f0aaad;
  x ^= x >>> 15;
  x *= 0x735a2d97;
  x ^= x >>> 15;
  return x;
}

@inline export function mix32x4(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x21f0aaad));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(0x735a2d97));
  return v128.xor(x, i32x4.shr_u(x, 15));
}

/** The four lanes of `x` (float32 bits) rounded; `random` is used by stochastic rounding only. */
@inline function quantizeLanes(rounding: i32, signedZero: bool, x: v128, random: v128,
  minField: v128, fastShift: v128, shiftBase: v128, halfLowQuantum: v128, lowQuantum: v128, top: v128, tinyScale1: v128, tinyScale2: v128,
  maxBits: v128, overflowPositive: v128, overflowNegative: v128, infinityPositive: v128, infinityNegative: v128): v128 {
  const sign = v128.and(x, i32x4.splat(0x80000000));
  const a = v128.xor(x, sign);
  const rawField = i32x4.shr_u(a, 23);
  // Float32 subnormals (field 0) are never on the fast path, even when minExponent is -126.
  const fast = i32x4.ge_s(rawField, minField);
  const field = i32x4.max_s(rawField, i32x4.splat(1));
  const d = v128.bitselect(fastShift, i32x4.sub(shiftBase, field), fast);
  const tiny = i32x4.gt_s(d, i32x4.splat(23));
  const clamped = i32x4.min_s(d, i32x4.splat(23));
  // 2^d as an integer: the float 2^d, converted.
  // (signed conversion: 2^23 at most, and V8 has no short unsigned one on x64)
  const step = i32x4.trunc_sat_f32x4_s(i32x4.shl(i32x4.add(clamped, i32x4.splat(127)), 23));
  const low = i32x4.sub(step, i32x4.splat(1));
  const remainder = v128.and(a, low);
  const truncated = v128.andnot(a, low);
  const half = i32x4.shr_u(step, 1);
  const inexact = v128.not(i32x4.eq(remainder, i32x4.splat(0)));
  let up: v128;
  let tinyUp: v128;
  if (rounding == R_NEAREST_EVEN || rounding == R_ODD) {
    // The kept lsb; for d = 23 it is the implicit bit of a normal magnitude.
    const implicit = v128.and(i32x4.gt_s(a, i32x4.splat(0x007fffff)), i32x4.splat(0x00800000));
    const lsb = v128.not(i32x4.eq(v128.and(v128.or(a, implicit), step), i32x4.splat(0)));
    if (rounding == R_NEAREST_EVEN) {
      up = v128.or(i32x4.gt_s(remainder, half), v128.and(i32x4.eq(remainder, half), lsb));
      tinyUp = i32x4.gt_s(a, halfLowQuantum);
    } else {
      up = v128.andnot(inexact, lsb);
      tinyUp = v128.not(i32x4.eq(a, i32x4.splat(0)));
    }
  } else if (rounding == R_NEAREST_AWAY) {
    up = i32x4.ge_s(remainder, half);
    tinyUp = i32x4.ge_s(a, halfLowQuantum);
  } else if (rounding == R_TOWARD_ZERO) {
    up = i32x4.splat(0);
    tinyUp = up;
  } else if (rounding == R_TOWARD_POSITIVE || rounding == R_TOWARD_NEGATIVE) {
    // Away from zero for one sign only.
    const negative = i32x4.ne(sign, i32x4.splat(0));
    const away = rounding == R_TOWARD_POSITIVE ? v128.not(negative) : negative;
    up = v128.and(inexact, away);
    tinyUp = v128.and(v128.not(i32x4.eq(a, i32x4.splat(0))), away);
  } else {
    const drawn = v128.and(random, top);
    // remainder << (32 - d): multiply by the integer 2^(32 - d), built like `step`.
    // remainder << (32 - d) as (remainder * 2^(31 - d)) << 1: 2^(31 - d) <= 2^30 converts signed.
    const scale = i32x4.trunc_sat_f32x4_s(i32x4.shl(i32x4.sub(i32x4.splat(158), clamped), 23));
    up = i32x4.lt_u(drawn, v128.and(i32x4.shl(i32x4.mul(remainder, scale), 1), top));
    // Tiny: the fraction a / 2^lowQuantum in 0.32 fixed point, scaled as floats (exact).
    const fraction = f32x4.mul(f32x4.mul(a, tinyScale1), tinyScale2);
    tinyUp = i32x4.lt_u(drawn, v128.and(i32x4.trunc_sat_f32x4_u(fraction), top));
  }
  let rounded = i32x4.add(truncated, v128.and(step, up));
  rounded = v128.bitselect(v128.and(lowQuantum, tinyUp), rounded, tiny);
  const negative = i32x4.ne(sign, i32x4.splat(0));
  let result = v128.or(rounded, signedZero ? sign : v128.andnot(sign, i32x4.eq(rounded, i32x4.splat(0))));
  const overflow = v128.bitselect(overflowNegative, overflowPositive, negative);
  result = v128.bitselect(overflow, result, i32x4.gt_s(rounded, maxBits));
  // ±Inf and NaN inputs.
  const infinity = v128.bitselect(infinityNegative, infinityPositive, negative);
  result = v128.bitselect(infinity, result, i32x4.eq(a, i32x4.splat(0x7f800000)));
  return v128.bitselect(v128.or(x, i32x4.splat(0x00400000)), result, i32x4.gt_s(a, i32x4.splat(0x7f800000)));
}

@inline function quantizeRange(job: usize, rounding: i32, start: i32, end: i32): void {
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const first = <u32>word(job, FIRST);
  const second = <u32>word(job, SECOND);
  const counterBase = <u32>word(job, COUNTER_BASE);
  const signedZero = word(job, SIGNED_ZERO) != 0;
  const minField = i32x4.splat(word(job, MIN_FIELD));
  const fastShift = i32x4.splat(word(job, FAST_SHIFT));
  const shiftBase = i32x4.splat(word(job, SHIFT_BASE));
  const halfLowQuantum = i32x4.splat(word(job, HALF_LOW_QUANTUM_BITS));
  const lowQuantum = i32x4.splat(word(job, LOW_QUANTUM_BITS));
  // The top randomBits bits (all 32 when randomBits = 32: 1 << 0 = 1).
  const top = i32x4.splat(~((<i32>1 << (32 - word(job, RANDOM_BITS))) - 1));
  const tinyScale1 = i32x4.splat(word(job, TINY_SCALE_1));
  const tinyScale2 = i32x4.splat(word(job, TINY_SCALE_2));
  const maxBits = i32x4.splat(word(job, MAX_BITS));
  const overflowPositive = i32x4.splat(word(job, OVERFLOW_POSITIVE));
  const overflowNegative = i32x4.splat(word(job, OVERFLOW_NEGATIVE));
  const infinityPositive = i32x4.splat(word(job, INFINITY_POSITIVE));
  const infinityNegative = i32x4.splat(word(job, INFINITY_NEGATIVE));
  const keyFirst = i32x4.splat(first);
  const keySecond = i32x4.splat(second);
  const lanes = i32x4(0, 1, 2, 3);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const offset = <usize>i << 2;
    let random = i32x4.splat(0);
    if (rounding == R_STOCHASTIC) {
      const counter = i32x4.add(i32x4.splat(counterBase + <u32>i), lanes);
      random = mix32x4(v128.xor(mix32x4(v128.xor(counter, keyFirst)), keySecond));
    }
    const result = quantizeLanes(rounding, signedZero, v128.load(input + offset), random, minField, fastShift, shiftBase, halfLowQuantum,
      lowQuantum, top, tinyScale1, tinyScale2, maxBits, overflowPositive, overflowNegative, infinityPositive, infinityNegative);
    v128.store(output + offset, result);
  }
  for (; i < end; i++) {
    const offset = <usize>i << 2;
    const bits = rounding == R_STOCHASTIC ? mix32(mix32((counterBase + <u32>i) ^ first) ^ second) : 0;
    store<i32>(output + offset, quantizeScalar(job, load<i32>(input + offset), bits));
  }
}

function quantizeScalarRange(job: usize, start: i32, end: i32): void {
  const input = <usize>word(job, INPUT);
  const output = <usize>word(job, OUTPUT);
  const first = <u32>word(job, FIRST);
  const second = <u32>word(job, SECOND);
  const counterBase = <u32>word(job, COUNTER_BASE);
  const stochastic = word(job, ROUNDING) == R_STOCHASTIC;
  if (word(job, E8M0) != 0) {
    for (let i = start; i < end; i++) store<i32>(output + (<usize>i << 2), quantizeE8M0(job, load<i32>(input + (<usize>i << 2))));
    return;
  }
  for (let i = start; i < end; i++) {
    const offset = <usize>i << 2;
    const bits = stochastic ? mix32(mix32((counterBase + <u32>i) ^ first) ^ second) : 0;
    store<i32>(output + offset, quantizeScalar(job, load<i32>(input + offset), bits));
  }
}

/** Elements per unit of work (a multiple of 64: every unit but the last is whole vectors). */
export const QUANTIZE_UNIT = 1 << 16;

/** Thread entry: takes blocks of QUANTIZE_UNIT elements until none is left. */
export function quantizeFloatTask(job: usize, part: i32, parts: i32): void {
  const count = word(job, COUNT);
  const units = (count + QUANTIZE_UNIT - 1) / QUANTIZE_UNIT;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    quantizeUnit(job, part, unit * QUANTIZE_UNIT, min(count, (unit + 1) * QUANTIZE_UNIT));
  }
}

/** Elements [start, end) of the job (also called by tensor-format.ts on its own job copy). */
export function quantizeUnit(job: usize, part: i32, start: i32, end: i32): void {
  if (word(job, SCALAR_ONLY) != 0) {
    quantizeScalarRange(job, start, end);
    return;
  }
  switch (word(job, ROUNDING)) {
    case R_NEAREST_EVEN:
      if (word(job, MAGIC) != 0) nearestEvenMagic(job, part, start, end);
      else nearestEvenOrStochastic(job, part, false, start, end);
      break;
    case R_NEAREST_AWAY: quantizeRange(job, R_NEAREST_AWAY, start, end); break;
    case R_TOWARD_ZERO: quantizeRange(job, R_TOWARD_ZERO, start, end); break;
    case R_TOWARD_POSITIVE: quantizeRange(job, R_TOWARD_POSITIVE, start, end); break;
    case R_TOWARD_NEGATIVE: quantizeRange(job, R_TOWARD_NEGATIVE, start, end); break;
    case R_ODD: quantizeRange(job, R_ODD, start, end); break;
    default: nearestEvenOrStochastic(job, part, true, start, end);
  }
}
